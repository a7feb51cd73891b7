"""Reading a user's progress through their tracks.

Everything here is computed from three bulk queries however many tracks and
milestones there are: the visible ladder steps of the tracks (with milestone
and level), their active prerequisites, and the user's progress rows. The
dashboard, the API and the nudges all compute through ``progress_from_rows``
(``progress_for_enrollments`` reads one user's rows for it; the nudges read a
whole batch of users' rows at once), so they agree on what "done", "expired"
and "next up" mean. ``dashboard`` builds the dashboard once, for the web page
and the API's ``dashboard/`` alike. One person's plans take a fourth query,
for the checklists inside their milestones ("3 of 5"); the nudges' batches
leave those out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from . import versions
from .activity import Activity, Heatmap, monday_of
from .models import (
    SETTLED,
    CareerLevel,
    Category,
    ChecklistItem,
    ChoiceGroup,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    PlanStep,
    Status,
    Validity,
)

if TYPE_CHECKING:
    from accounts.models import User

EXPIRED = "expired"
# A step's part in its plan: needed on its own, picked (or the cheapest to
# pick) in its choice group, or an alternative nobody is asked to do.
REQUIRED, CANDIDATE, ALTERNATIVE = "required", "candidate", "alternative"
# Statuses that mean a person has chosen a group member: started, earned, or earned and lapsed.
CHOSEN = (Status.DONE, Status.IN_PROGRESS, EXPIRED)
NEXT_UP_LIMIT = 5
# Read once: going through the enum for each plan's categories showed up in
# the nudges' profile (thousands of plans per scan).
CATEGORY_CHOICES = tuple(Category.choices)
UPCOMING_DAYS = 14


@dataclass
class StepState:
    """One ladder step as the user stands on it."""

    step: LadderStep | PlanStep  # a track's ladder step, or one the person added to their plan
    progress: MilestoneProgress | None
    status: str  # a Status value, or "expired" for a lapsed certification
    # Prerequisites not done yet, skipped ones included: skipping is "not for
    # me", and does not unlock what builds on it.
    missing_prerequisites: list[Milestone]
    expires_on: date | None
    skipped_prerequisites: list[Milestone] = field(default_factory=list)
    role: str = REQUIRED
    index: int = 0  # place in the ladder
    # Behind a skipped prerequisite, directly or through another step: on hold
    # until the person takes the skipped one up again (or skips this too), so
    # it is neither planned nor counted in the effort left.
    is_blocked: bool = False
    # The person's checklist items on this milestone (``my_done`` on each), in
    # order; None where not read (the nudges' batches), so counts are absent.
    checklist: list[ChecklistItem] | None = None
    # A certification held: current, renewal open or expired, with its dates (``Milestone.validity``).
    validity: Validity | None = None
    # No longer offered by its issuer (``Milestone.retired_on``): held, it counts
    # until it expires; not held, it is nobody's to-do and points to its successor.
    is_retired: bool = False

    @property
    def retired_unheld(self) -> bool:
        """Retired and not held: it cannot be earned any more, so it is not part of the plan's count."""
        return self.is_retired and self.status not in (Status.DONE, EXPIRED)

    @property
    def milestone(self) -> Milestone:
        return self.step.milestone

    @property
    def group(self) -> ChoiceGroup | None:
        return self.step.choice_group

    @property
    def is_own_step(self) -> bool:
        """Put in the plan by the person (a personal milestone, or any step of a plan of their own)."""
        return isinstance(self.step, PlanStep)

    @property
    def is_needed(self) -> bool:
        """Part of what the person needs: not an alternative in a choice group."""
        return self.role != ALTERNATIVE

    @property
    def earned_on(self) -> date | None:
        return self.progress.earned_on if self.progress and self.status in (Status.DONE, EXPIRED) else None

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

    @property
    def checklist_done(self) -> int | None:
        """Ticked checklist items: the 3 of "3 of 5" (None when the checklist was not read)."""
        return None if self.checklist is None else sum(bool(i.my_done) for i in self.checklist)  # type: ignore[attr-defined]

    @property
    def checklist_total(self) -> int | None:
        """The person's checklist items on this milestone: the 5 of "3 of 5"."""
        return None if self.checklist is None else len(self.checklist)


@dataclass
class Unit:
    """One thing a plan counts: a step on its own, or a choice group as a whole.

    Its ``status`` is a step's status; a group is done once ``needs`` of its
    members are, skipped once too few members are left that are not skipped,
    in progress once a member is chosen. ``effort_weeks`` is what the unit
    asks of the person: a step's effort, or the effort of the group members
    picked (the chosen ones, then the cheapest).
    """

    items: list[StepState]
    group: ChoiceGroup | None
    status: str
    effort_weeks: int
    effort_left_weeks: int

    @property
    def category(self) -> str:
        return self.items[0].milestone.category

    @property
    def done_members(self) -> int:
        return sum(1 for i in self.items if i.status == Status.DONE)

    @property
    def chosen(self) -> list[StepState]:
        """The members the person has chosen (started, done, or done and lapsed), in ladder order."""
        return [i for i in self.items if i.status in CHOSEN]


@dataclass
class CategoryProgress:
    category: str
    label: str
    total: int = 0
    done: int = 0
    skipped: int = 0

    @property
    def counted(self) -> int:
        """The units this category's percentage is taken of: all but the skipped."""
        return self.total - self.skipped

    @property
    def percent(self) -> int:
        return completion(self.done, self.total, self.skipped)


@dataclass
class TrackProgress:
    """An enrollment's completion, by category, with next steps and dates."""

    enrollment: Enrollment
    items: list[StepState]
    by_category: list[CategoryProgress]
    today: date
    units: list[Unit] = field(default_factory=list)
    done: int = 0
    skipped: int = 0
    next_up: list[StepState] = field(default_factory=list)
    upcoming: list[StepState] = field(default_factory=list)
    overdue: list[StepState] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Units in the plan: each step on its own, each choice group once."""
        return len(self.units)

    @property
    def counted(self) -> int:
        """The units the percentage is taken of: all but the skipped."""
        return self.total - self.skipped

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.skipped

    @property
    def percent(self) -> int:
        return completion(self.done, self.total, self.skipped)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.remaining == 0

    @property
    def effort_weeks(self) -> int:
        """The effort of everything the person needs (skipped units and alternatives left out)."""
        return sum(u.effort_weeks for u in self.units)

    @property
    def effort_left_weeks(self) -> int:
        """The effort of what is still to do."""
        return sum(u.effort_left_weeks for u in self.units)

    @property
    def groups(self) -> list[Unit]:
        return [u for u in self.units if u.group is not None]

    @property
    def level_reached(self) -> CareerLevel | None:
        """The highest career level reached: every unit of it and of the levels before it done or skipped.

        A unit belongs to the level of its first step; a level with nothing
        done (all skipped) is passed, not reached.
        """
        by_level: dict[int, tuple[CareerLevel, list[Unit]]] = {}
        for unit in self.units:
            level = unit.items[0].step.level
            if level is not None:
                by_level.setdefault(level.pk, (level, []))[1].append(unit)
        reached = None
        for level, units in sorted(by_level.values(), key=lambda pair: (pair[0].order, pair[0].pk)):
            if any(u.status not in SETTLED for u in units):
                break
            if any(u.status == Status.DONE for u in units):
                reached = level
        return reached

    @property
    def has_levels(self) -> bool:
        """Whether the plan's steps sit under career levels (a plan of one's own has none)."""
        return any(item.step.level is not None for item in self.items)

    @property
    def pace(self) -> Pace | None:
        """Whether what is left fits before the plan's target date (None without one, or once complete)."""
        target = self.enrollment.target_date
        if target is None or self.is_complete:
            return None
        return Pace(effort_left_weeks=self.effort_left_weeks, weeks_to_target=(target - self.today).days // 7)

    @property
    def to_do(self) -> list[StepState]:
        """Needed steps not yet done or skipped, nor held up by a skipped prerequisite, in ladder order.

        What planning spreads dates over and "next up" chooses from.
        """
        return [i for i in self.items if i.is_needed and not i.is_settled and not i.is_blocked]


@dataclass(frozen=True)
class Pace:
    """The effort left against the time left to a plan's target date, in weeks."""

    effort_left_weeks: int
    weeks_to_target: int

    @property
    def state(self) -> str:
        """on_track: what is left fits; behind: it does not; past: the target date has gone by."""
        if self.weeks_to_target < 0:
            return "past"
        return "on_track" if self.effort_left_weeks <= self.weeks_to_target else "behind"


WEEKS_PER_YEAR = 52


def effort_in_words(weeks: int) -> str:
    """An effort as people say it: weeks up to a year, then years to the nearest half ("1½ years", "3 years")."""
    if weeks < WEEKS_PER_YEAR:
        return ngettext("%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks}
    whole, half = divmod(round(2 * weeks / WEEKS_PER_YEAR), 2)
    if half:
        return gettext("%(years)s½ years") % {"years": whole}
    return ngettext("%(years)s year", "%(years)s years", whole) % {"years": whole}


def completion(done: int, total: int, skipped: int) -> int:
    """The one definition of progress: done units as a share of the units needed, skipped ones left out.

    Every percentage (a plan, a category, the dashboard, the shared page, the
    export, the API) is this. Floored, so a plan shows 100% only when nothing
    is left.
    """
    relevant = total - skipped
    if relevant <= 0:
        return 100 if total else 0
    return math.floor(100 * done / relevant)


def ladder_units(items: list[StepState]) -> list[Unit]:
    """Group a plan's steps (in ladder order) into units and settle each group member's role.

    A group's picks are its done members, then its started ones, then the
    cheapest of the rest (ladder order breaks ties), up to ``needs``; those
    are candidates, and the rest alternatives. Once ``needs`` members are
    done, or too few are left that are not skipped, nothing else in the group
    is needed.
    """
    units: list[Unit] = []
    groups: dict[int, list[StepState]] = {}
    for item in items:
        group = item.group
        if group is None and item.retired_unheld:
            item.role = ALTERNATIVE  # shown, pointing to its successor; counted nowhere
        elif group is None:
            item.role = REQUIRED
            units.append(_single_unit(item))
        elif group.pk in groups:
            groups[group.pk].append(item)
        else:
            groups[group.pk] = [item]
            units.append(Unit(items=groups[group.pk], group=group, status="", effort_weeks=0, effort_left_weeks=0))
    for unit in units:
        if unit.group is not None:
            _settle_group(unit)
    return units


def _single_unit(item: StepState) -> Unit:
    effort = 0 if item.status == Status.SKIPPED else item.milestone.effort_weeks
    left = 0 if item.is_settled or item.is_blocked else effort
    return Unit(items=[item], group=None, status=item.status, effort_weeks=effort, effort_left_weeks=left)


def _settle_group(unit: Unit) -> None:
    assert unit.group is not None
    needs = unit.group.needs
    members = unit.items
    done = [m for m in members if m.status == Status.DONE]
    # A retired option nobody holds cannot be picked any more.
    open_members = [m for m in members if m.status != Status.SKIPPED and not m.retired_unheld]
    if len(done) >= needs:
        picks, unit.status = done, Status.DONE
    elif len(open_members) < needs:
        picks, unit.status = [], Status.SKIPPED
    else:
        chosen = done + [m for m in members if m.status in CHOSEN and m.status != Status.DONE and not m.retired_unheld]
        taken = {m.index for m in chosen}
        rest = sorted(
            (m for m in open_members if m.index not in taken and not m.is_blocked),
            key=lambda m: (m.milestone.effort_weeks, m.index),
        )
        picks = (chosen + rest)[:needs]
        unit.status = Status.IN_PROGRESS if chosen else Status.NOT_STARTED
    picked = {m.index for m in picks}
    for member in members:
        member.role = CANDIDATE if member.index in picked else ALTERNATIVE
    unit.effort_weeks = sum(m.milestone.effort_weeks for m in picks)
    unit.effort_left_weeks = sum(m.milestone.effort_weeks for m in picks if not m.is_settled and not m.is_blocked)


def starting_units(steps: Sequence[LadderStep]) -> list[Unit]:
    """A track's units as they stand for someone starting out: each choice group's cheapest picks as candidates.

    Their ``effort_weeks`` add up to the honest total a track page states.
    """
    items = [
        StepState(step=s, progress=None, status=Status.NOT_STARTED, missing_prerequisites=[], expires_on=None, index=n)
        for n, s in enumerate(steps)
    ]
    return ladder_units(items)


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


def own_steps_for(enrollments: Sequence[Enrollment]) -> dict[int, list[PlanStep]]:
    """The steps people added to these plans (personal milestones, a plan of one's own), by enrollment id.

    One query, and one more for their prerequisites when there are any. Each
    step is given its enrollment object, so reading its track costs nothing.
    """
    by_enrollment: dict[int, list[PlanStep]] = {e.pk: [] for e in enrollments}
    if not enrollments:
        return by_enrollment
    plans = {e.pk: e for e in enrollments}
    for step in PlanStep.objects.for_enrollments(list(plans)):
        step.enrollment = plans[step.enrollment_id]
        by_enrollment[step.enrollment_id].append(step)
    return by_enrollment


def plan_ladder(ladder: Sequence[LadderStep], own: Sequence[PlanStep]) -> list[LadderStep | PlanStep]:
    """A plan's steps in order: its track's ladder with the person's own steps each after the step they follow.

    An own step sits under the career level of the ladder step before it. One
    whose ladder step is gone or hidden moves to the start, as a deleted one does.
    """
    if not own:
        return list(ladder)
    known = {step.pk: step for step in ladder}
    by_after: dict[int | None, list[PlanStep]] = {}
    for step in own:
        by_after.setdefault(step.after_id if step.after_id in known else None, []).append(step)
    merged: list[LadderStep | PlanStep] = list(by_after.get(None, []))
    for ladder_step in ladder:
        merged.append(ladder_step)
        for step in by_after.get(ladder_step.pk, []):
            step.level, step.level_id = ladder_step.level, ladder_step.level_id
            merged.append(step)
    return merged


def progress_for_enrollments(
    user: User, enrollments: Sequence[Enrollment], today: date | None = None
) -> dict[int, TrackProgress]:
    """``{enrollment.pk: TrackProgress}`` in a constant number of queries."""
    today = today or timezone.localdate(timezone.now(), user.tzinfo)
    if not enrollments:
        return {}
    by_track = steps_for_tracks(sorted({e.track_id for e in enrollments}))
    own = own_steps_for(enrollments)
    rows = {p.milestone_id: p for p in MilestoneProgress.objects.filter(user=user).select_related("earned_in")}
    result = progress_from_rows(enrollments, by_track, rows, today, user.tzinfo, own_steps=own)
    attach_checklists(user, [item for progress in result.values() for item in progress.items])
    return result


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
    own_steps: dict[int, list[PlanStep]] | None = None,
) -> dict[int, TrackProgress]:
    """``{enrollment.pk: TrackProgress}`` of one user from steps and progress rows already read (no queries).

    For callers that read many users at once (the nudges read a whole batch
    of users with one query per table): ``steps_by_track`` may hold other
    users' tracks too, ``rows`` are this user's progress rows by milestone id,
    and ``prerequisites`` (from ``prerequisites_by_milestone``) may be worked
    out once for them all. ``own_steps`` (``own_steps_for``) are the steps
    the person added to each plan, by enrollment id.
    """
    own_steps = own_steps or {}
    steps = {e.pk: plan_ladder(steps_by_track[e.track_id], own_steps.get(e.pk, ())) for e in enrollments}
    # Only the user's own plans' milestones, as progress_for_enrollments
    # reads them, so a shared steps_by_track changes nothing.
    milestones = {s.milestone_id: s.milestone for plan in steps.values() for s in plan}
    if prerequisites is None:
        prerequisites = prerequisites_by_milestone({e.track_id: steps_by_track[e.track_id] for e in enrollments})
    added = [s for e in enrollments for s in own_steps.get(e.pk, ())]
    if added:
        # A personal milestone's prerequisites come with its step, not with the (shared) ladder's.
        prerequisites = {**prerequisites, **{s.milestone_id: list(s.milestone.prerequisites.all()) for s in added}}
    status_of = {mid: _effective_status(rows.get(mid), milestones.get(mid), today, tz) for mid in rows}
    return {e.pk: _track_progress(e, steps[e.pk], rows, status_of, prerequisites, today, tz) for e in enrollments}


def prerequisites_by_milestone(steps_by_track: dict[int, list[LadderStep]]) -> dict[int, list[Milestone]]:
    """The active prerequisites of each step's milestone (prefetched by ``steps_for_tracks``), by milestone id."""
    # Each .all() makes a related manager: done once per milestone here
    # rather than once per step of every user's plan.
    return {s.milestone_id: list(s.milestone.prerequisites.all()) for steps in steps_by_track.values() for s in steps}


def _effective_status(row: MilestoneProgress | None, milestone: Milestone | None, today: date, tz: tzinfo) -> str:
    if row is None:
        return Status.NOT_STARTED
    if row.status == Status.DONE and row.expires_on is not None and row.expires_on <= today:
        return EXPIRED
    return row.status


def _track_progress(
    enrollment: Enrollment,
    steps: list[LadderStep | PlanStep],
    rows: dict[int, MilestoneProgress],
    status_of: dict[int, str],
    prerequisites: dict[int, list[Milestone]],
    today: date,
    tz: tzinfo,
) -> TrackProgress:
    result = TrackProgress(enrollment=enrollment, items=[], by_category=[], today=today)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    # A prerequisite is met when done, even if since expired (the skill
    # stays). Skipped is "not for me" and meets nothing.
    met = (Status.DONE, EXPIRED)
    blocked = _blocked_by_skips(status_of, prerequisites, met)
    for index, step in enumerate(steps):
        row = rows.get(step.milestone_id)
        status = status_of.get(step.milestone_id, Status.NOT_STARTED)
        missing = [p for p in prerequisites[step.milestone_id] if status_of.get(p.pk, Status.NOT_STARTED) not in met]
        result.items.append(
            StepState(
                step=step,
                progress=row,
                status=status,
                missing_prerequisites=missing,
                skipped_prerequisites=[p for p in missing if status_of.get(p.pk) == Status.SKIPPED],
                expires_on=row.expires_on if row and row.status == Status.DONE else None,
                index=index,
                is_blocked=blocked(step.milestone_id),
                validity=step.milestone.validity(row.expires_on, today) if row and row.status == Status.DONE else None,
                is_retired=step.milestone.is_retired(today),
            )
        )
    result.units = ladder_units(result.items)
    categories = {value: CategoryProgress(value, label) for value, label in CATEGORY_CHOICES}
    for unit in result.units:
        cat = categories[unit.category]
        cat.total += 1
        if unit.status == Status.DONE:
            result.done += 1
            cat.done += 1
        elif unit.status == Status.SKIPPED:
            result.skipped += 1
            cat.skipped += 1
    result.by_category = [c for c in categories.values() if c.total]
    for item in result.to_do:
        if item.target_date is None:
            continue
        if item.target_date < today:
            result.overdue.append(item)
        elif item.target_date <= horizon:
            result.upcoming.append(item)
    result.next_up = sorted((i for i in result.to_do if not i.missing_prerequisites), key=_next_up_order)[
        :NEXT_UP_LIMIT
    ]
    result.upcoming.sort(key=lambda i: i.target_date or today)
    result.overdue.sort(key=lambda i: i.target_date or today)
    return result


def _blocked_by_skips(
    status_of: dict[int, str], prerequisites: dict[int, list[Milestone]], met: tuple[str, ...]
) -> Callable[[int], bool]:
    """Whether a milestone waits on a skipped prerequisite, directly or through unmet ones (memoised per plan read)."""
    memo: dict[int, bool] = {}

    def blocked(milestone_id: int) -> bool:
        if milestone_id not in memo:
            memo[milestone_id] = False  # the graph has no cycles (refused on write); this only ends a walk
            memo[milestone_id] = any(
                status_of.get(p.pk) == Status.SKIPPED
                or (status_of.get(p.pk, Status.NOT_STARTED) not in met and blocked(p.pk))
                for p in prerequisites.get(milestone_id, ())
            )
        return memo[milestone_id]

    return blocked


def _next_up_order(item: StepState) -> tuple[bool, date, int]:
    """Started first (a lapsed certification too: it wants renewing), then the nearest date, then the ladder."""
    return (item.status not in (Status.IN_PROGRESS, EXPIRED), item.target_date or date.max, item.index)


# --------------------------------------------------------------------------
# Checklists: the items inside each step's milestone, "3 of 5"
# --------------------------------------------------------------------------


def attach_checklists(user: User, items: Sequence[StepState]) -> None:
    """Give each of ``user``'s steps its checklist (``StepState.checklist``), in one query for them all.

    The items ``user`` may see (the editors' and their own), each with their
    tick as ``my_done``; a milestone on several plans shares one list, as it
    shares its progress.
    """
    milestone_ids = {item.step.milestone_id for item in items}
    by_milestone: dict[int, list[ChecklistItem]] = {mid: [] for mid in milestone_ids}
    if milestone_ids:
        # ``for_user``, not ``visible_to``: these milestones come from the
        # person's own plans already (a followed track stays shown once
        # withdrawn), and the visibility subquery cost a quarter of the
        # dashboard's reading time. Only the fields the pages and API show.
        rows = (
            ChecklistItem.objects.for_user(user)
            .filter(milestone_id__in=milestone_ids)
            .with_state(user)
            .only("id", "milestone_id", "owner_id", "title", "order")
        )
        for row in rows.order_by("milestone_id", "order", "id"):
            by_milestone[row.milestone_id].append(row)
    for item in items:
        item.checklist = by_milestone[item.step.milestone_id]


# --------------------------------------------------------------------------
# The weekly chart: milestones earned per week
# --------------------------------------------------------------------------

# The weekly chart's span.
CHART_WEEKS = 12


def completions_by_week(user: User, today: date, weeks: int = CHART_WEEKS) -> list[dict[str, Any]]:
    """Milestones earned in each of the last ``weeks`` weeks (Monday first), by their date earned, in one query.

    Each milestone counts once, in the week it was earned on the person's
    calendar: marking it done, undoing and marking it again does not count
    twice, and "I already have this" counts in the week it was really earned.
    """
    first_monday = monday_of(today) - timedelta(weeks=weeks - 1)
    days = MilestoneProgress.objects.filter(
        user=user, status=Status.DONE, earned_on__gte=first_monday, earned_on__lte=today
    ).values_list("earned_on", flat=True)
    counts = Counter(monday_of(day) for day in days if day is not None)
    mondays = [first_monday + timedelta(weeks=n) for n in range(weeks)]
    peak = max([counts[m] for m in mondays] + [1])
    return [{"week": m, "count": counts[m], "height": round(100 * counts[m] / peak)} for m in mondays]


# --------------------------------------------------------------------------
# The dashboard, built once for the web page and the API
# --------------------------------------------------------------------------


class Dashboard:
    """A person's dashboard on their own ``today``: every current plan's progress, the streak, heat-map and chart.

    The plans, the streak and the heat-map cost a fixed number of queries
    (the last two share ``activity.Activity``'s two); the weekly chart (one
    more) is read only by the pages that show it.
    """

    def __init__(self, user: User, today: date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate(timezone.now(), user.tzinfo)
        enrollments = list(
            Enrollment.objects.for_user(user).current().select_related("track").order_by("started_at", "id")
        )
        progress = progress_for_enrollments(user, enrollments, today=self.today)
        self.plans = [progress[e.pk] for e in enrollments]
        self.activity = Activity(user, self.today)
        self.streak = self.activity.streak
        self.streak_weeks = self.streak.weeks

    @property
    def heatmap(self) -> Heatmap:
        return self.activity.heatmap

    @cached_property
    def left(self) -> list[Enrollment]:
        """Plans the person left, to follow again in one click (their progress is still theirs)."""
        return list(Enrollment.objects.for_user(self.user).left().select_related("track"))

    @cached_property
    def chart(self) -> list[dict[str, Any]]:
        return completions_by_week(self.user, self.today)

    @property
    def chart_total(self) -> int:
        return sum(week["count"] for week in self.chart)
