"""Sending mentor news claimed in a request (``mentoring.notify``). Takes ids; safe to run twice, or twice at once."""

from __future__ import annotations

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from nudges.delivery import send_held
from nudges.models import Delivery, DeliveryStatus


@shared_task(name="mentoring.tasks.send_news", acks_late=True, reject_on_worker_lost=True)
def send_news(delivery_ids: list[int]) -> int:
    """Send these claims if still unsent; returns how many went out.

    Each claim is taken with a conditional UPDATE on its attempt count, so of
    two runs (a re-delivered message) exactly one sends it; a claim sent
    meanwhile (by the nudges' scan) is no longer claimed and is skipped.
    """
    now = timezone.now()
    held = []
    for delivery in Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.CLAIMED).select_related("user"):
        won = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.CLAIMED, attempts=delivery.attempts).update(
            attempts=F("attempts") + 1, claimed_at=now
        )
        if won:
            held.append(delivery)
    return len(send_held(held, now).sent)
