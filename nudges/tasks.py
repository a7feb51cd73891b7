"""Celery tasks for reminder nudges. Each takes ids and is safe to run twice.

All tasks are ``acks_late`` with ``reject_on_worker_lost`` (settings): a
worker killed mid-batch leaves its message to be delivered again, and the
delivery claims make the second run send only what the first did not.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery, scan

logger = logging.getLogger(__name__)


def enqueue_from_request(task: Task, *args: Any) -> bool:
    """Enqueue ``task(*args)`` from a web request, failing fast; a broker failure is logged, never raised.

    Kombu's default publish path, then redis-py, retry a dead broker for
    seconds, which the request would wait out. Callers keep the work in the
    database first (the outbox), so a scan picks up what could not be queued.
    """
    try:
        with task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            task.apply_async(args, retry=False, connection=connection)
    except Exception:  # any broker error
        logger.warning("could not enqueue %s%r; a scan will take it up", task.name, args, exc_info=True)
        return False
    return True


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


@shared_task(name="nudges.tasks.scan_nudges", acks_late=True, reject_on_worker_lost=True)
def scan_nudges() -> int:
    """What beat runs: fan out one ``send_nudge_batch`` per batch of due users. Returns the batch count."""
    count = 0
    for ids in scan.batches(timezone.now()):
        send_nudge_batch.delay(ids)
        count += 1
    return count


@shared_task(bind=True, name="nudges.tasks.send_nudge_batch", acks_late=True, reject_on_worker_lost=True)
def send_nudge_batch(self: Task, user_ids: list[int]) -> int:
    """Claim and send what is due for a batch of users; transient failures retry with backoff."""
    outcome = delivery.process_users(user_ids)
    if outcome.retry_user_ids and self.request.retries < settings.NUDGE_MAX_RETRIES:
        # Only the users whose sends failed; their claims were released for the retry to take.
        raise self.retry(args=[sorted(outcome.retry_user_ids)], countdown=retry_delay(self, self.request.retries))
    return len(outcome.sent)


@shared_task(bind=True, name="nudges.tasks.celebrate", acks_late=True, reject_on_worker_lost=True)
def celebrate(self: Task, user_id: int, *_enqueued_by_0_1: Any) -> int:
    """After a milestone was marked done: celebrate a level or track it completed, once.

    Release 0.1 also sent the milestone's id; such messages may still be queued
    during an upgrade, so extra arguments are accepted and ignored.
    """
    outcome = delivery.celebrate(user_id)
    if outcome.retry_user_ids and self.request.retries < settings.NUDGE_MAX_RETRIES:
        raise self.retry(countdown=retry_delay(self, self.request.retries))
    return len(outcome.sent)


# The names these tasks had in release 0.1 (``tracker.tasks``): messages
# already queued during an upgrade still name them, and so does beat's saved
# schedule until migration nudges 0001 renames it. Kept for one release.


@shared_task(name="tracker.tasks.scan_nudges", acks_late=True, reject_on_worker_lost=True)
def legacy_scan_nudges() -> int:
    """Release 0.1's name of ``scan_nudges``."""
    return scan_nudges()


@shared_task(name="tracker.tasks.send_nudge_batch", acks_late=True, reject_on_worker_lost=True)
def legacy_send_nudge_batch(user_ids: list[int]) -> None:
    """Release 0.1's name of ``send_nudge_batch``: hands the batch to it (retries and all)."""
    send_nudge_batch.delay(user_ids)


@shared_task(name="tracker.tasks.celebrate", acks_late=True, reject_on_worker_lost=True)
def legacy_celebrate(user_id: int, *_enqueued_by_0_1: Any) -> None:
    """Release 0.1's name of ``celebrate``."""
    celebrate.delay(user_id)
