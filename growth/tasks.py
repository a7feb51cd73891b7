"""The quarterly skills check-in, run by beat. Each task takes ids and is safe to run twice.

Beat runs ``scan_skills_checkins`` hourly (migration 0002 makes its
schedule): it finds who may be due (``growth.checkin.due``, one query) and
fans out ``send_skills_checkins`` over slices of them. Sending is claimed in
the nudges' delivery ledger, once per person and quarter, so a re-delivered
message or a second scan tells nobody twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import checkin

SLICE = 200
SCAN_LIMIT = 20_000


@shared_task(name="growth.tasks.scan_skills_checkins", acks_late=True, reject_on_worker_lost=True)
def scan_skills_checkins() -> int:
    """Enqueue the check-in for everyone it may be due for; returns how many."""
    ids = list(checkin.due(timezone.now()).values_list("pk", flat=True)[:SCAN_LIMIT])
    for start in range(0, len(ids), SLICE):
        send_skills_checkins.delay(ids[start : start + SLICE])
    return len(ids)


@shared_task(name="growth.tasks.send_skills_checkins", acks_late=True, reject_on_worker_lost=True)
def send_skills_checkins(person_ids: list[int]) -> int:
    """Send each of these people their check-in if still due and in their window; returns how many went out."""
    now = timezone.now()
    return sum(len(checkin.check_in(person_id, now).sent) for person_id in person_ids)
