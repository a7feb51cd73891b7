"""Celery tasks for reminder nudges. Each takes ids and is safe to run twice.

All tasks are ``acks_late`` with ``reject_on_worker_lost`` (settings): a
worker killed mid-batch leaves its message to be delivered again, and the
delivery claims make the second run send only what the first did not.
"""

from __future__ import annotations

import logging
import random

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from tracker.nudges import delivery, scan

logger = logging.getLogger(__name__)


def retry_delay(task: Task, retries: int) -> int:
    """Exponential backoff with jitter, capped below the Redis visibility timeout.

    A countdown longer than the visibility timeout would make Redis hand the
    waiting message to another worker, again and again.
    """
    options = task.app.conf.broker_transport_options or {}
    visibility = int(options.get("visibility_timeout", 3600))
    cap = max(1, min(settings.NUDGE_RETRY_MAX_DELAY, visibility // 2))
    base = min(cap, 2 ** (retries + 1))
    return max(1, min(cap, base + random.randint(0, base // 2)))


@shared_task(name="tracker.tasks.scan_nudges", acks_late=True, reject_on_worker_lost=True)
def scan_nudges() -> int:
    """What beat runs: fan out one ``send_nudge_batch`` per batch of due users. Returns the batch count."""
    count = 0
    for ids in scan.batches(timezone.now()):
        send_nudge_batch.delay(ids)
        count += 1
    return count


@shared_task(bind=True, name="tracker.tasks.send_nudge_batch", acks_late=True, reject_on_worker_lost=True)
def send_nudge_batch(self: Task, user_ids: list[int]) -> int:
    """Claim and send what is due for a batch of users; transient failures retry with backoff."""
    outcome = delivery.process_users(user_ids)
    if outcome.retry_user_ids and self.request.retries < settings.NUDGE_MAX_RETRIES:
        # Only the users whose sends failed; their claims were released for the retry to take.
        raise self.retry(args=[sorted(outcome.retry_user_ids)], countdown=retry_delay(self, self.request.retries))
    return len(outcome.sent)


@shared_task(bind=True, name="tracker.tasks.celebrate", acks_late=True, reject_on_worker_lost=True)
def celebrate(self: Task, user_id: int, milestone_id: int) -> int:
    """After ``milestone_id`` was marked done: celebrate a level or track it completed, once."""
    outcome = delivery.celebrate(user_id)
    if outcome.retry_user_ids and self.request.retries < settings.NUDGE_MAX_RETRIES:
        raise self.retry(countdown=retry_delay(self, self.request.retries))
    return len(outcome.sent)
