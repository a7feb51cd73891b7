"""The API plumbing's housekeeping, run by beat. Safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import IdempotencyKey


@shared_task(name="api.tasks.prune_idempotency_keys", acks_late=True)
def prune_idempotency_keys() -> int:
    """Forget Idempotency-Keys older than ``IDEMPOTENCY_KEY_HOURS``; returns how many went.

    Served by the index on ``created_at``. A retry of a forgotten key runs as a new request.
    """
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
