from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Career tracker"

    def ready(self) -> None:
        # Importing these connects the receivers (the prerequisite-cycle guard,
        # the cache stamps) and adds the plans to a person's data export.
        from . import account, receivers  # noqa: F401
