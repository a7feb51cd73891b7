from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Verified badges"

    def ready(self) -> None:
        # Adds the badges to a person's data export.
        from . import account  # noqa: F401
