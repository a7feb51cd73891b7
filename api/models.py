"""What the API plumbing stores: the answers to POSTs made with an Idempotency-Key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key and the response it got, so a retry gets the same (``api.idempotency``).

    ``user`` is the caller; anonymous callers (registration) have none and
    share one space of keys. Deleting an account deletes its keys, since a
    stored answer may hold personal data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "tracker_idempotencykey"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=models.Q(user__isnull=False), name="idempotency_key_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(user__isnull=True), name="idempotency_key_once_anonymous"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
