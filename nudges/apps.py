from django.apps import AppConfig


class NudgesConfig(AppConfig):
    """Reminder nudges: preferences, rules, the delivery ledger, channels, the inbox."""

    name = "nudges"
    verbose_name = "Reminder nudges"

    def ready(self) -> None:
        # Connects the receiver that enqueues a celebration after a progress change commits,
        # and adds this app's parts of a person's account (settings, me/, export).
        from . import account, receivers  # noqa: F401
