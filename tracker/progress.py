"""Reading a user's progress through their tracks.

Everything here is computed from three bulk queries however many tracks and
milestones there are: the visible ladder steps of the tracks (with milestone
and level), their active prerequisites, and the user's progress rows. The
dashboard, the API and the nudges all compute through ``progress_from_rows``
(``progress_for_enrollments`` reads one user's rows for it; the nudges read a
whole batch of users' rows at once), so they agree on what "done", "expired"
and "next up" mean. ``dashboard`` builds the dashboard once, for the web page
and the API's ``dashboard/`` alike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from . import versions
from .models import (
    SETTLED,
    Category,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
    Status,
)

if TYPE_CHECKING:
    from accounts.models import User

EXPIRED = "expired"
# The statuses whose events make a week count in a streak (started or finished something).
STREAK_STATUSES = (Status.IN_PROGRESS, Status.DONE)
NEXT_UP_LIMIT = 5
# Read once: going through the enum for each plan's categories showed up in
# the nudges' profile (thousands of plans per scan).
CATEGORY_CHOICES = tuple(Category.choices)
UPCOMING_DAYS = 14


@dataclass
class StepState:
    """One ladder step as the user stands on it."""

    step: LadderStep
    progress: MilestoneProgress | None
    status: str  # a Status value, or "expired" for a lapsed certification
    missing_prerequisites: list[Milestone]
    expires_on: date | None

    @property
    def milestone(self) -> Milestone:
        return self.step.milestone

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE

    @property
    def is_settled(self) -> bool:
        """Done (and still valid) or skipped: nothing left to do here."""
        return self.status in SETTLED

    @property
    def target_date(self) -> date | None:
        return self.progress.target_date if self.progress else None


@dataclass
class CategoryProgress:
    category: str
    label: str
    total: int = 0
    done: int = 0
    skipped: int = 0

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total, self.skipped)


@dataclass
class TrackProgress:
    """An enrollment's completion, by category, with next steps and dates."""

    enrollment: Enrollment
    items: list[StepState]
    by_category: list[CategoryProgress]
    today: date
    done: int = 0
    skipped: int = 0
    next_up: list[StepState] = field(default_factory=list)
    upcoming: list[StepState] = field(default_factory=list)
    overdue: list[StepState] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.skipped

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total, self.skipped)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.remaining == 0


def _percent(done: int, total: int, skipped: int) -> int:
    """Done as a share of what the user means to do; skipped steps drop out.

    Floored, so a plan shows 100% only when nothing is left.
    """
    relevant = total - skipped
    if relevant <= 0:
        return 100 if total else 0
    return math.floor(100 * done / relevant)


def steps_for_tracks(track_ids: Sequence[int]) -> dict[int, list[LadderStep]]:
    """Visible steps of each track in ladder order, prerequisites prefetched.

    Two queries at most, and none while this process holds the tracks' steps
    from an earlier call and the catalogue has not changed since
    (``tracker.versions.held_per_track``). The steps and their milestones are
    shared with other requests: read them, never change them.
    """
    held = versions.held_per_track("ladder-steps", track_ids, _read_steps)
    return {track_id: list(held[track_id]) for track_id in track_ids}


def _read_steps(track_ids: Sequence[int]) -> dict[int, list[LadderStep]]:
    by_track: dict[int, list[LadderStep]] = {tid: [] for tid in track_ids}
    for step in LadderStep.objects.ladder().filter(track_id__in=track_ids):
        by_track[step.track_id].append(step)
    return by_track


def progress_for_enrollments(
    user: User, enrollments: Sequence[Enrollment], today: date | None = None
) -> dict[int, TrackProgress]:
    """``{enrollment.pk: TrackProgress}`` in a constant number of queries."""
    today = today or timezone.localdate(timezone.now(), user.tzinfo)
    if not enrollments:
        return {}
    by_track = steps_for_tracks(sorted({e.track_id for e in enrollments}))
    rows = {p.milestone_id: p for p in MilestoneProgress.objects.filter(user=user).select_related("earned_in")}
    return progress_from_rows(enrollments, by_track, rows, today, user.tzinfo)


def track_progress(enrollment: Enrollment, today: date | None = None) -> TrackProgress:
    """One enrollment's completion, by category, and what comes next."""
    return progress_for_enrollments(enrollment.user, [enrollment], today=today)[enrollment.pk]


def progress_from_rows(
    enrollments: Sequence[Enrollment],
    steps_by_track: dict[int, list[LadderStep]],
    rows: dict[int, MilestoneProgress],
    today: date,
    tz: tzinfo,
    prerequisites: dict[int, list[Milestone]] | None = None,
) -> dict[int, TrackProgress]:
    """``{enrollment.pk: TrackProgress}`` of one user from steps and progress rows already read (no queries).

    For callers that read many users at once (the nudges read a whole batch
    of users with one query per table): ``steps_by_track`` may hold other
    users' tracks too, ``rows`` are this user's progress rows by milestone id,
    and ``prerequisites`` (from ``prerequisites_by_milestone``) may be worked
    out once for them all.
    """
    own_steps = {track_id: steps_by_track[track_id] for track_id in {e.track_id for e in enrollments}}
    # Only the user's own tracks' milestones, as progress_for_enrollments
    # reads them, so a shared steps_by_track changes nothing.
    milestones = {s.milestone_id: s.milestone for steps in own_steps.values() for s in steps}
    if prerequisites is None:
        prerequisites = prerequisites_by_milestone(own_steps)
    status_of = {mid: _effective_status(rows.get(mid), milestones.get(mid), today, tz) for mid in rows}
    return {
        e.pk: _track_progress(e, steps_by_track[e.track_id], rows, status_of, prerequisites, today, tz)
        for e in enrollments
    }


def prerequisites_by_milestone(steps_by_track: dict[int, list[LadderStep]]) -> dict[int, list[Milestone]]:
    """The active prerequisites of each step's milestone (prefetched by ``steps_for_tracks``), by milestone id."""
    # Each .all() makes a related manager: done once per milestone here
    # rather than once per step of every user's plan.
    return {s.milestone_id: list(s.milestone.prerequisites.all()) for steps in steps_by_track.values() for s in steps}


def _effective_status(row: MilestoneProgress | None, milestone: Milestone | None, today: date, tz: tzinfo) -> str:
    if row is None:
        return Status.NOT_STARTED
    if row.status == Status.DONE and milestone is not None and milestone.has_lapsed(row.completed_at, tz, today):
        return EXPIRED
    return row.status


def _track_progress(
    enrollment: Enrollment,
    steps: list[LadderStep],
    rows: dict[int, MilestoneProgress],
    status_of: dict[int, str],
    prerequisites: dict[int, list[Milestone]],
    today: date,
    tz: tzinfo,
) -> TrackProgress:
    categories = {value: CategoryProgress(value, label) for value, label in CATEGORY_CHOICES}
    result = TrackProgress(enrollment=enrollment, items=[], by_category=[], today=today)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    # A prerequisite is met when done (even if since expired: the skill
    # stays) or skipped.
    met = (*SETTLED, EXPIRED)
    for step in steps:
        row = rows.get(step.milestone_id)
        status = status_of.get(step.milestone_id, Status.NOT_STARTED)
        missing = [p for p in prerequisites[step.milestone_id] if status_of.get(p.pk, Status.NOT_STARTED) not in met]
        item = StepState(
            step=step,
            progress=row,
            status=status,
            missing_prerequisites=missing,
            expires_on=step.milestone.expires_on(row.completed_at, tz) if row and row.status == Status.DONE else None,
        )
        result.items.append(item)
        cat = categories[step.milestone.category]
        cat.total += 1
        if status == Status.DONE:
            result.done += 1
            cat.done += 1
        elif status == Status.SKIPPED:
            result.skipped += 1
            cat.skipped += 1
        if item.is_settled:
            continue
        if not missing and len(result.next_up) < NEXT_UP_LIMIT:
            result.next_up.append(item)
        if item.target_date is not None:
            if item.target_date < today:
                result.overdue.append(item)
            elif item.target_date <= horizon:
                result.upcoming.append(item)
    result.by_category = [c for c in categories.values() if c.total]
    result.upcoming.sort(key=lambda i: i.target_date or today)
    result.overdue.sort(key=lambda i: i.target_date or today)
    return result


# --------------------------------------------------------------------------
# Weeks: the streak and the weekly chart count weeks in the person's own zone
# --------------------------------------------------------------------------

# The weekly chart's span.
CHART_WEEKS = 12


def monday_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def count_by_week(stamps: Iterable[datetime], tz: tzinfo) -> Counter[date]:
    """How many of ``stamps`` fall in each week (Monday to Sunday) of the calendar in ``tz``, keyed by Monday."""
    return Counter(monday_of(timezone.localtime(stamp, tz).date()) for stamp in stamps)


def weekly_streak(user: User, today: date | None = None) -> int:
    """Consecutive weeks (Monday to Sunday, in the user's zone) with progress.

    A week counts when the user started or finished something in it. The
    current week need not have progress yet: the streak is alive until it ends.
    """
    tz = user.tzinfo
    today = today or timezone.localdate(timezone.now(), tz)
    stamps = ProgressEvent.objects.filter(
        user=user,
        to_status__in=STREAK_STATUSES,
        created_at__date__gte=streak_history_start(today),
    ).values_list("created_at", flat=True)
    return streak_from_stamps(stamps, tz, today)


def streak_history_start(today: date) -> date:
    """The earliest date (in the current time zone, as ``created_at__date``) whose events a streak reads."""
    # Two years of history is enough to count any realistic streak and keeps
    # the read bounded for long-time users.
    return monday_of(today) - timedelta(weeks=104) - timedelta(days=1)


def streak_from_stamps(stamps: Iterable[datetime], tz: tzinfo, today: date) -> int:
    """``weekly_streak`` from the times of the user's progress events already read (no queries).

    ``stamps`` are the ``created_at`` of the user's events whose status is in
    ``STREAK_STATUSES``; those older than ``streak_history_start`` are left
    out here too, so a caller that read a wider window gets the same count.
    """
    start = streak_history_start(today)
    # As ``created_at__date`` reads it: the date in the current time zone.
    current = timezone.get_current_timezone()
    weeks = count_by_week((s for s in stamps if s.astimezone(current).date() >= start), tz)
    this_monday = monday_of(today)
    monday = this_monday if weeks[this_monday] else this_monday - timedelta(weeks=1)
    streak = 0
    while weeks[monday]:
        streak += 1
        monday -= timedelta(weeks=1)
    return streak


def completions_by_week(user: User, today: date, weeks: int = CHART_WEEKS) -> list[dict[str, Any]]:
    """Milestones marked done in each of the last ``weeks`` weeks (Monday first), in one query."""
    first_monday = monday_of(today) - timedelta(weeks=weeks - 1)
    stamps = ProgressEvent.objects.filter(
        user=user, to_status=Status.DONE, created_at__date__gte=first_monday - timedelta(days=1)
    ).values_list("created_at", flat=True)
    counts = count_by_week(stamps, user.tzinfo)
    mondays = [first_monday + timedelta(weeks=n) for n in range(weeks)]
    peak = max([counts[m] for m in mondays] + [1])
    return [{"week": m, "count": counts[m], "height": round(100 * counts[m] / peak)} for m in mondays]


# --------------------------------------------------------------------------
# The dashboard, built once for the web page and the API
# --------------------------------------------------------------------------


class Dashboard:
    """A person's dashboard on their own ``today``: every current plan's progress, the streak and the chart.

    The plans and the streak cost a fixed number of queries; the weekly chart
    (one more) is read only by the pages that show it.
    """

    def __init__(self, user: User, today: date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate(timezone.now(), user.tzinfo)
        enrollments = list(
            Enrollment.objects.for_user(user).current().select_related("track").order_by("started_at", "id")
        )
        progress = progress_for_enrollments(user, enrollments, today=self.today)
        self.plans = [progress[e.pk] for e in enrollments]
        self.streak_weeks = weekly_streak(user, today=self.today)

    @cached_property
    def chart(self) -> list[dict[str, Any]]:
        return completions_by_week(self.user, self.today)

    @property
    def chart_total(self) -> int:
        return sum(week["count"] for week in self.chart)
