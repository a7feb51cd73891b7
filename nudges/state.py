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
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max

from nudges.models import Delivery, Device, ReminderPreferences
from tracker.activity import history_start, streak_of
from tracker.models import (
    ActivityDay,
    CareerTrack,
    Enrollment,
    EnrollmentStatus,
    LadderStep,
    Milestone,
    MilestoneProgress,
    PlanStep,
    ProgressEvent,
    RestWeek,
    Status,
)
from tracker.progress import own_steps_for, prerequisites_by_milestone, progress_from_rows, steps_for_tracks

from .rules import Preferences, UserState

if TYPE_CHECKING:
    from accounts.models import User

DELIVERED_HORIZON = timedelta(days=120)


@dataclass
class BatchReading:
    """What the rules need about a batch of users, read in bulk and grouped by user id."""

    steps_by_track: dict[int, list[LadderStep]] = field(default_factory=dict)
    prerequisites: dict[int, list[Milestone]] = field(default_factory=dict)
    # The steps people added to their plans (personal milestones, plans of their own), by enrollment id.
    own_steps: dict[int, list[PlanStep]] = field(default_factory=dict)
    enrollments: dict[int, list[Enrollment]] = field(default_factory=dict)
    progress: dict[int, dict[int, MilestoneProgress]] = field(default_factory=dict)
    last_event: dict[int, datetime] = field(default_factory=dict)
    done_this_week: dict[int, list[str]] = field(default_factory=dict)
    delivered: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    activity_days: dict[int, list[date]] = field(default_factory=dict)
    rest_weeks: dict[int, list[date]] = field(default_factory=dict)
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
    reading.own_steps = own_steps_for(enrollments)
    progress: dict[int, dict[int, MilestoneProgress]] = defaultdict(dict)
    # Only the fields the progress computation and the rules read: a batch
    # holds thousands of rows, and parsing the others' timestamps cost more
    # than the query. (Reading another field of a row would cost a query per
    # row: tests/nudges/test_query_counts.py would catch it.)
    rows = MilestoneProgress.objects.filter(user_id__in=enrolled).order_by()
    for row in rows.only("user_id", "milestone_id", "status", "completed_at", "earned_on", "expires_on", "target_date"):
        progress[row.user_id][row.milestone_id] = row
    reading.progress = dict(progress)

    # Each of these is served by the (user, created_at) index on ProgressEvent.
    events = ProgressEvent.objects.filter(user_id__in=user_ids).order_by()
    reading.last_event = dict(events.values("user_id").annotate(last=Max("created_at")).values_list("user_id", "last"))
    done = events.filter(to_status=Status.DONE, created_at__gt=now - timedelta(days=7))
    for user_id, title in done.order_by("created_at", "pk").values_list("user_id", "milestone__title"):
        titles = reading.done_this_week.setdefault(user_id, [])
        if title not in titles:  # done, undone and done again is one milestone finished
            titles.append(title)
    if enrolled:
        # The streak's history, one query per table for the batch: one window
        # wide enough for every user's own start (their "today" differs by
        # zone); streak_of trims each to its own. Served by the unique
        # (user, day) and (user, monday) indexes.
        start = min(history_start(now.astimezone(u.tzinfo).date()) for u in users if u.pk in reading.enrollments)
        days = ActivityDay.objects.filter(user_id__in=enrolled, day__gte=start).order_by()
        for user_id, day in days.values_list("user_id", "day"):
            reading.activity_days.setdefault(user_id, []).append(day)
        rests = RestWeek.objects.filter(user_id__in=enrolled, monday__gte=start).order_by()
        for user_id, monday in rests.values_list("user_id", "monday"):
            reading.rest_weeks.setdefault(user_id, []).append(monday)

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
        enrollments,
        reading.steps_by_track,
        reading.progress.get(user.pk, {}),
        today,
        tz,
        reading.prerequisites,
        own_steps=reading.own_steps,
    )
    last_event = reading.last_event.get(user.pk)
    started = max((e.started_at for e in enrollments), default=None)
    last_activity = max((t for t in (last_event, started) if t is not None), default=None)
    days, rests = reading.activity_days.get(user.pk, []), reading.rest_weeks.get(user.pk, [])
    streak = streak_of(days, rests, today).weeks if enrollments else 0
    return UserState(
        user_id=user.pk,
        name=user.name,
        tz=tz,
        prefs=Preferences.of(prefs),
        plans=[progress[e.pk] for e in enrollments],
        last_activity=last_activity,
        done_this_week=list(reading.done_this_week.get(user.pk, [])),
        streak=streak,
        delivered=frozenset(reading.delivered.get(user.pk, ())),
    )


def load_state(user: User, prefs: ReminderPreferences, now: datetime) -> UserState:
    """One user's state (a batch of one): for the rules' tests, the shell and a dry run."""
    return user_state(user, prefs, read_batch([user], {user.pk: prefs}, now), now)
