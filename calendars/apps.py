from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Calendar feed"

    def ready(self) -> None:
        # Says in a person's data export whether they have a calendar feed.
        from . import account  # noqa: F401
