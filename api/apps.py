from typing import Any

from django.apps import AppConfig
from django.conf import settings


class ApiConfig(AppConfig):
    """The plumbing every API resource shares: errors, pagination, throttles, ETags, idempotency.

    It knows Django and DRF only: domain exceptions carry their own HTTP status
    and code (``api.errors``), so nothing here imports a domain class.
    """

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # In every process (web, Celery worker and beat, manage.py shell), so
        # a person deactivated or deleted anywhere is refused by the API on
        # its next request (api.authentication). The user model is named
        # lazily: api imports no app built on it.
        from django.db.models.signals import post_delete, post_save

        from .user_stamps import on_user_saved_or_deleted

        sender: Any = settings.AUTH_USER_MODEL
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(on_user_saved_or_deleted, sender=sender, dispatch_uid=f"api-user-stamp-{name}")
