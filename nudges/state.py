"""Reading users' state for the rules: a whole batch with one query per table, whatever its size.

``read_batch`` does the reading; ``user_state`` then builds each user's
``UserState`` from it without touching the database, through the same
functions as the dashboard (``tracker.progress``), so the nudges and the
dashboard agree on what is done, expired and next up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from nudges.models import Delivery, Device, ReminderPreferences
from tracker.models import (
    CareerTrack,
    Enrollment,
    EnrollmentStatus,
    LadderStep,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
    Status,
)
from tracker.progress import (
    STREAK_STATUSES,
    prerequisites_by_milestone,
    progress_from_rows,
    steps_for_tracks,
    streak_from_stamps,
    streak_history_start,
)

from .rules import Preferences, UserState

if TYPE_CHECKING:
    from accounts.models import User

DELIVERED_HORIZON = timedelta(days=120)


@dataclass
class BatchReading:
    """What the rules need about a batch of users, read in bulk and grouped by user id."""

    steps_by_track: dict[int, list[LadderStep]] = field(default_factory=dict)
    prerequisites: dict[int, list[Milestone]] = field(default_factory=dict)
    enrollments: dict[int, list[Enrollment]] = field(default_factory=dict)
    progress: dict[int, dict[int, MilestoneProgress]] = field(default_factory=dict)
    last_event: dict[int, datetime] = field(default_factory=dict)
    done_this_week: dict[int, list[str]] = field(default_factory=dict)
    delivered: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    streak_stamps: dict[int, list[datetime]] = field(default_factory=dict)
    # Users with push on and at least one registered device.
    with_devices: set[int] = field(default_factory=set)


def read_batch(users: Sequence[User], prefs: dict[int, ReminderPreferences], now: datetime) -> BatchReading:
    """Read the state of ``users`` (``prefs`` by user id) in a fixed number of queries.

    Only active enrollments count: nudges stop for a track that is completed,
    paused or archived. Progress rows and streak history are read only for
    users with an active plan, the only ones whose rules look at them.
    """
    user_ids = [u.pk for u in users]
    reading = BatchReading()
    enrollments = list(Enrollment.objects.filter(user_id__in=user_ids, status=EnrollmentStatus.ACTIVE).order_by("pk"))
    # A batch follows a handful of tracks: each is read once and shared by
    # its enrollments, rather than joined into every enrollment's row. (An
    # empty list of ids is answered without a query, here and below.)
    track_ids = sorted({e.track_id for e in enrollments})
    tracks = CareerTrack.objects.in_bulk(track_ids)
    for enrollment in enrollments:
        enrollment.track = tracks[enrollment.track_id]
        reading.enrollments.setdefault(enrollment.user_id, []).append(enrollment)
    enrolled = sorted(reading.enrollments)
    reading.steps_by_track = steps_for_tracks(track_ids)
    reading.prerequisites = prerequisites_by_milestone(reading.steps_by_track)
    progress: dict[int, dict[int, MilestoneProgress]] = defaultdict(dict)
    # Only the fields the progress computation and the rules read: a batch
    # holds thousands of rows, and parsing the others' timestamps cost more
    # than the query. (Reading another field of a row would cost a query per
    # row: tests/nudges/test_query_counts.py would catch it.)
    rows = MilestoneProgress.objects.filter(user_id__in=enrolled).order_by()
    for row in rows.only("user_id", "milestone_id", "status", "completed_at", "target_date"):
        progress[row.user_id][row.milestone_id] = row
    reading.progress = dict(progress)

    # Each of these is served by the (user, created_at) index on ProgressEvent.
    events = ProgressEvent.objects.filter(user_id__in=user_ids).order_by()
    reading.last_event = dict(events.values("user_id").annotate(last=Max("created_at")).values_list("user_id", "last"))
    done = events.filter(to_status=Status.DONE, created_at__gt=now - timedelta(days=7))
    for user_id, title in done.order_by("created_at", "pk").values_list("user_id", "milestone__title"):
        reading.done_this_week.setdefault(user_id, []).append(title)
    if enrolled:
        # One window wide enough for every user's own start (their "today"
        # differs by zone); streak_from_stamps trims each to its own.
        start = min(streak_history_start(now.astimezone(u.tzinfo).date()) for u in users if u.pk in reading.enrollments)
        stamps = events.filter(
            user_id__in=enrolled,
            to_status__in=STREAK_STATUSES,
            created_at__gte=timezone.make_aware(datetime.combine(start, time.min)),
        )
        for user_id, stamp in stamps.values_list("user_id", "created_at"):
            reading.streak_stamps.setdefault(user_id, []).append(stamp)

    # Served by the unique (user, rule, period, channel) index; older
    # occurrences cannot come round again.
    delivered = Delivery.objects.filter(user_id__in=user_ids, created_at__gte=now - DELIVERED_HORIZON)
    for user_id, rule, period in delivered.order_by().values_list("user_id", "rule", "period"):
        reading.delivered.setdefault(user_id, set()).add((rule, period))
    pushing = [pk for pk in user_ids if prefs[pk].push_enabled]
    reading.with_devices = set(Device.objects.filter(user_id__in=pushing).order_by().values_list("user_id", flat=True))
    return reading


def user_state(user: User, prefs: ReminderPreferences, reading: BatchReading, now: datetime) -> UserState:
    """``user``'s active plans, last activity and week, as the rules read them (no queries)."""
    tz = user.tzinfo
    today = now.astimezone(tz).date()
    enrollments = reading.enrollments.get(user.pk, [])
    progress = progress_from_rows(
        enrollments, reading.steps_by_track, reading.progress.get(user.pk, {}), today, tz, reading.prerequisites
    )
    last_event = reading.last_event.get(user.pk)
    started = max((e.started_at for e in enrollments), default=None)
    last_activity = max((t for t in (last_event, started) if t is not None), default=None)
    return UserState(
        user_id=user.pk,
        name=user.name,
        tz=tz,
        prefs=Preferences.of(prefs),
        plans=[progress[e.pk] for e in enrollments],
        last_activity=last_activity,
        done_this_week=list(reading.done_this_week.get(user.pk, [])),
        streak=streak_from_stamps(reading.streak_stamps.get(user.pk, []), tz, today) if enrollments else 0,
        delivered=frozenset(reading.delivered.get(user.pk, ())),
    )


def load_state(user: User, prefs: ReminderPreferences, now: datetime) -> UserState:
    """One user's state (a batch of one): for the rules' tests, the shell and a dry run."""
    return user_state(user, prefs, read_batch([user], {user.pk: prefs}, now), now)
