"""Finding who is due, in batches, with indexed queries.

Beat only enqueues ``nudges.tasks.scan_nudges``; the scan selects the ids of
users worth looking at now and fans out one task per batch of ids. Running it
twice (two beats) doubles nothing: the delivery claims decide who sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from accounts.models import User
from tracker.models import EnrollmentStatus

from .delivery import stale_claims


def due_user_ids(now: datetime) -> Iterator[int]:
    """Users with an active plan whose next check has come (or who were never checked), by id."""
    # The enrollment (user, status) index finds the active plans; the
    # next_check_at index on ReminderPreferences keeps users who are outside
    # their send window, or already nudged today, out of the scan. A user
    # with no preferences row yet has the defaults: look at them.
    never_checked = Q(reminder_preferences__isnull=True) | Q(
        reminder_preferences__enabled=True, reminder_preferences__next_check_at__isnull=True
    )
    due = Q(reminder_preferences__enabled=True, reminder_preferences__next_check_at__lte=now)
    # reachable(): active, with a confirmed address (an EXISTS on the
    # emailaddress (user_id, email) index, in this same query).
    users = (
        User.objects.reachable()
        .filter(enrollments__status=EnrollmentStatus.ACTIVE)
        .filter(never_checked | due)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    # Keyset pagination: each page is one indexed range read, however far in.
    last = 0
    page = max(settings.NUDGE_BATCH_SIZE, 1) * 5
    while True:
        ids = list(users.filter(pk__gt=last)[:page])
        yield from ids
        if len(ids) < page:
            return
        last = ids[-1]


def user_ids_with_stale_claims(now: datetime) -> set[int]:
    """Users holding a claim a dead worker left (or a failed send released)."""
    return set(stale_claims(now).values_list("user_id", flat=True).distinct())


def batches(now: datetime, user_id: int | None = None) -> Iterator[list[int]]:
    """The ids to process now, in lists of ``NUDGE_BATCH_SIZE``."""
    if user_id is not None:
        yield [user_id]
        return
    size = max(settings.NUDGE_BATCH_SIZE, 1)
    stale = user_ids_with_stale_claims(now)
    batch: list[int] = []
    for pk in due_user_ids(now):
        stale.discard(pk)
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    batch.extend(sorted(stale))
    while batch:
        yield batch[:size]
        batch = batch[size:]
