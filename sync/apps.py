from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Mobile sync"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_migrate

        from . import receivers

        # Sent once per app: listening for this app's alone installs them once per migrate (or flush).
        post_migrate.connect(receivers.reinstall_triggers, sender=self, dispatch_uid="sync-triggers")
        post_delete.connect(receivers.forget_account, sender=settings.AUTH_USER_MODEL, dispatch_uid="sync-account")
