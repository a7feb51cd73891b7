from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Career tracker"

    def ready(self) -> None:
        # Importing these connects their receivers: the prerequisite-cycle
        # guard, and the celebration nudge sent after a progress change commits.
        from . import signals  # noqa: F401
        from .nudges import receivers  # noqa: F401
