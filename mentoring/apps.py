from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        # Adds mentorships, comments and reviews to a person's data export.
        from . import account  # noqa: F401
