from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Career tracker"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
