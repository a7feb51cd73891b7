"""Re-checking badges against their issuers, run by beat. Each task takes ids and is safe to run twice.

Beat runs ``recheck_due_badges`` (migration 0002 makes its schedule); it
fans out ``recheck_badges`` over slices of the badges due, so one slow
issuer holds up a slice, not the whole scan. Checking a badge twice gives the
same result, and a badge that turns revoked or expired is news claimed once
in the nudges' delivery ledger (``credentials.notify``), so a re-delivered
message or a second beat tells nobody twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import proof
from .models import Badge

# Badges per task: a check makes a few requests with a 10-second deadline
# each, so a slice finishes well inside the broker's visibility timeout.
SLICE = 20
# Badges enqueued per scan; the rest are due again at the next one.
SCAN_LIMIT = 2000


@shared_task(name="credentials.tasks.recheck_due_badges", acks_late=True, reject_on_worker_lost=True)
def recheck_due_badges() -> int:
    """Enqueue a re-check of every badge due (``Badge.objects.due_for_recheck``); returns how many."""
    ids = list(Badge.objects.due_for_recheck(timezone.now()).values_list("pk", flat=True)[:SCAN_LIMIT])
    for start in range(0, len(ids), SLICE):
        recheck_badges.delay(ids[start : start + SLICE])
    return len(ids)


@shared_task(name="credentials.tasks.recheck_badges", acks_late=True, reject_on_worker_lost=True)
def recheck_badges(badge_ids: list[int]) -> int:
    """Check these badges again (a removed one is skipped); returns how many were checked."""
    return proof.recheck(badge_ids)
