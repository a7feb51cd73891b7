"""A person's activity over the weeks: activity days, rest weeks, the forgiving weekly streak and the heat-map.

Kept apart from ``tracker.progress`` (what a plan stands at) because it reads
history, not state. Everything here reads ``ActivityDay`` rows, whose day is
already on the person's own calendar (recorded in their zone when they acted),
and ``RestWeek`` rows, keyed by a Monday of that calendar: no daylight-saving
change, later change of zone or server setting moves an activity into another
day or week. A week is Monday to Sunday.

``Activity.read`` costs two queries whatever the history's length; the streak
(``streak_of``) and the heat-map (``heatmap_of``) are computed from what it
read. The nudges read the same rows for a whole batch of users and call the
same ``streak_of``, so the dashboard, the API and a nudge never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import versions
from .models import ActivityDay, RestWeek

if TYPE_CHECKING:
    from accounts.models import User

WEEK = timedelta(weeks=1)
# One rest week in any REST_WINDOW consecutive weeks keeps a streak alive.
REST_WINDOW = 4
REST_WEEKS_PER_WINDOW = 1
# Two years of weeks is enough to count any realistic streak and keeps the
# read bounded for long-time users.
HISTORY_WEEKS = 104
HEATMAP_WEEKS = 26
# The fewest things done in a day for heat-map levels 1 to 4 (0 is a day
# without activity). Fixed rather than relative to the busiest day, so a
# level means the same from one week to the next.
LEVEL_FLOORS = (1, 2, 4, 7)

# What this week is for the streak.
ACTIVE = "active"  # something done: it counts
REST = "rest"  # marked as rest, nothing done: kept, not counted
OPEN = "open"  # nothing yet: it may still count


def monday_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def history_start(today: date) -> date:
    """The first day whose activity the streak reads (the Monday ``HISTORY_WEEKS`` weeks before this week's)."""
    return monday_of(today) - HISTORY_WEEKS * WEEK


# --------------------------------------------------------------------------
# The streak
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """A person's weekly streak on one day of their calendar (``streak_of`` says how it is counted)."""

    weeks: int
    this_week: str  # ACTIVE, REST or OPEN
    monday: date  # this week's
    # Mondays of the rest weeks the streak goes through, this week's if it is
    # one, newest first; at most one in any REST_WINDOW weeks.
    rest_weeks: tuple[date, ...] = ()

    @property
    def sunday(self) -> date:
        """The last day of this week: what this week still needs must be done by then."""
        return self.monday + timedelta(days=6)

    @property
    def last_rest_week(self) -> date | None:
        return self.rest_weeks[0] if self.rest_weeks else None

    @property
    def rest_weeks_used(self) -> int:
        """Rest weeks in the last ``REST_WINDOW`` weeks, this one included."""
        return sum(1 for monday in self.rest_weeks if self.monday - monday < REST_WINDOW * WEEK)

    @property
    def rest_weeks_available(self) -> int:
        """Rest weeks this week could still be: 1 when it could be one, else 0."""
        return max(0, REST_WEEKS_PER_WINDOW - self.rest_weeks_used)

    @property
    def next_rest_week(self) -> date:
        """The first Monday, this week's or later, whose week may be a rest week without ending the streak."""
        if self.rest_weeks_available:
            return self.monday
        assert self.last_rest_week is not None  # none available means one was used
        return max(self.monday + WEEK, self.last_rest_week + REST_WINDOW * WEEK)

    @property
    def at_risk(self) -> bool:
        """Whether missing this week would end the streak: nothing done yet, and the rest allowance is used."""
        return self.weeks > 0 and self.this_week == OPEN and not self.rest_weeks_available


def streak_of(days: Iterable[date], marked_rest_weeks: Iterable[date], today: date) -> Streak:
    """The weekly streak on ``today``, from the person's activity days and the Mondays of their marked rest weeks.

    The one rule, for the dashboard, the API and the nudges:

    - A week (Monday to Sunday on the person's calendar) with at least one
      activity day is active and adds one to the streak.
    - A past week without activity is a rest week, marked or not (a missed
      week is forgiven automatically). It neither adds to the streak nor
      breaks it, as long as no other rest week falls within the same
      ``REST_WINDOW`` (4) consecutive weeks: rest weeks are at least four
      weeks apart. So two missed weeks in a row end a streak, and so does a
      second rest inside any window of four weeks. A rest week counts as used
      only between active weeks; the missed weeks before a streak began are
      not part of it.
    - This week need not have activity yet: it adds one once it has some,
      and until then (OPEN) neither adds nor breaks. Marked as rest (and
      nothing done), it is a rest week of the streak already. Activity wins
      over a mark: a marked week with activity is an active week.
    - The streak is at risk when this week is open and a rest week falls in
      the last four weeks: missing this week would be a second rest, and end it.

    Only ``HISTORY_WEEKS`` weeks back are read, so a longer streak counts as
    that long. Reads nothing from the database.
    """
    monday = monday_of(today)
    start = history_start(today)
    active = {monday_of(day) for day in days if day >= start}
    if monday in active:
        this_week = ACTIVE
    elif monday in set(marked_rest_weeks):
        this_week = REST
    else:
        this_week = OPEN
    weeks = 1 if this_week == ACTIVE else 0
    rests = [monday] if this_week == REST else []
    gap: date | None = None  # a week without activity, a rest once an older active week bridges it
    week = monday - WEEK
    while week >= start:
        if week in active:
            weeks += 1
            if gap is not None:
                rests.append(gap)
                gap = None
        else:
            newest = gap or (rests[-1] if rests else None)
            if newest is not None and newest - week < REST_WINDOW * WEEK:
                break  # a second rest within four weeks
            gap = week
        week -= WEEK
    return Streak(weeks=weeks, this_week=this_week, monday=monday, rest_weeks=tuple(rests))


# --------------------------------------------------------------------------
# The heat-map
# --------------------------------------------------------------------------


def level_of(count: int) -> int:
    """The heat-map level (0 to 4) of a day on which ``count`` things were done."""
    return sum(1 for floor in LEVEL_FLOORS if count >= floor)


@dataclass(frozen=True)
class HeatmapDay:
    day: date
    count: int

    @property
    def level(self) -> int:
        return level_of(self.count)

    @property
    def y(self) -> int:
        """The cell's row offset in the drawing: Monday at the top, 15 units a row."""
        return 15 * self.day.weekday()

    @property
    def label(self) -> str:
        """The cell's tooltip, "Mon 3 Nov 2026: 2 things done".

        Formatted here rather than with the template's date filter: the page
        draws 182 cells, and the filter's per-call cost was a third of the
        dashboard page's time.
        """
        done = f"{self.count} thing{'s' if self.count != 1 else ''} done" if self.count else "nothing done"
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y}: {done}"


@dataclass(frozen=True)
class HeatmapWeek:
    """One column of the heat-map: a week's days up to today, Monday first."""

    monday: date
    days: tuple[HeatmapDay, ...]
    is_rest: bool

    @property
    def active_days(self) -> int:
        return sum(1 for day in self.days if day.count)

    @property
    def total(self) -> int:
        return sum(day.count for day in self.days)


@dataclass(frozen=True)
class Heatmap:
    """The activity days of the last ``HEATMAP_WEEKS`` weeks, this one last, as a grid of weeks."""

    today: date
    weeks: tuple[HeatmapWeek, ...]

    @property
    def start(self) -> date:
        return self.weeks[0].monday

    @property
    def end(self) -> date:
        """This week's Sunday: the grid's last day (those after today are not drawn)."""
        return self.weeks[-1].monday + timedelta(days=6)

    @property
    def active_days(self) -> int:
        return sum(week.active_days for week in self.weeks)

    @property
    def days(self) -> list[HeatmapDay]:
        """The days with activity, oldest first (the API's list: days left out had none)."""
        return [day for week in self.weeks for day in week.days if day.count]

    @property
    def rest_weeks(self) -> list[date]:
        return [week.monday for week in self.weeks if week.is_rest]

    @property
    def months(self) -> list[tuple[int, date]]:
        """(column, its Monday) of each column whose week starts a month on the grid, to label it.

        The first column is labelled too, unless the next label is within
        two columns (the labels would overlap).
        """
        starts = [
            (i, week.monday)
            for i, week in enumerate(self.weeks)
            if i == 0 or week.monday.month != self.weeks[i - 1].monday.month
        ]
        if len(starts) > 1 and starts[1][0] <= 2:
            starts = starts[1:]
        return starts


def heatmap_of(
    days: Mapping[date, int], rest_weeks: Iterable[date], today: date, weeks: int = HEATMAP_WEEKS
) -> Heatmap:
    """The heat-map of ``weeks`` weeks ending with ``today``'s, from activity counts by day (no queries).

    ``rest_weeks`` are Mondays to mark as rest weeks (marked or forgiven).
    """
    first = monday_of(today) - (weeks - 1) * WEEK
    rests = set(rest_weeks)
    columns = []
    for n in range(weeks):
        monday = first + n * WEEK
        span = [monday + timedelta(days=i) for i in range(7)]
        columns.append(
            HeatmapWeek(
                monday=monday,
                days=tuple(HeatmapDay(day, days.get(day, 0)) for day in span if day <= today),
                is_rest=monday in rests,
            )
        )
    return Heatmap(today=today, weeks=tuple(columns))


# --------------------------------------------------------------------------
# Reading one person's activity
# --------------------------------------------------------------------------


class Activity:
    """One person's activity days and rest weeks on their ``today``, read in two queries; the streak and heat-map."""

    def __init__(self, user: User, today: date | None = None) -> None:
        self.today = today or timezone.localdate(timezone.now(), user.tzinfo)
        start = history_start(self.today)
        # Served by the unique (user, day) and (user, monday) indexes.
        self.days: dict[date, int] = dict(
            ActivityDay.objects.filter(user=user, day__gte=start).order_by().values_list("day", "count")
        )
        self.marked_rest_weeks: frozenset[date] = frozenset(
            RestWeek.objects.filter(user=user, monday__gte=start).order_by().values_list("monday", flat=True)
        )

    @cached_property
    def streak(self) -> Streak:
        return streak_of(self.days, self.marked_rest_weeks, self.today)

    @cached_property
    def heatmap(self) -> Heatmap:
        # The marked rest weeks in which nothing was done, and those the streak forgave.
        marked = {monday for monday in self.marked_rest_weeks if monday not in self._active_weeks}
        return heatmap_of(self.days, marked | set(self.streak.rest_weeks), self.today)

    @cached_property
    def _active_weeks(self) -> set[date]:
        return {monday_of(day) for day in self.days}


def weekly_streak(user: User, today: date | None = None) -> int:
    """How many weeks ``user``'s streak counts on ``today`` (their local date by default); see ``streak_of``."""
    return Activity(user, today).streak.weeks


# --------------------------------------------------------------------------
# Taking a week off
# --------------------------------------------------------------------------


class RestWeekRefused(ValidationError):
    """Raised when a week cannot be taken off; the message says why, on the ``week`` field.

    The API answers it with a 400 whose ``code`` is ``error_code`` (the
    attributes are what ``api.errors`` reads) and whose ``fields`` name the week.
    """

    http_status = 400

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__({"week": [ValidationError(message, code=code)]})
        self.error_code = code
        self.message_text = message
        self.extra = extra

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"fields": {"week": [self.message_text]}, **self.extra}


def _today(user: User, week: date | None, now: datetime | None) -> date:
    """``user``'s local date; ``week`` (any day of the week meant), when given, must fall in this week."""
    today = timezone.localdate(now or timezone.now(), user.tzinfo)
    if week is not None and monday_of(week) != monday_of(today):
        raise RestWeekRefused(
            "not_this_week",
            _("Only the week you are in can be taken off: the week of %(week)s.") % {"week": _day(monday_of(today))},
        )
    return today


def take_rest_week(user: User, week: date | None = None, now: datetime | None = None) -> tuple[RestWeek, bool]:
    """Mark this week (on ``user``'s calendar) as a rest week; (the row, whether it is new).

    ``week``, any day of the week meant, guards against a page or a request
    that arrives after the week ended. Refused (``RestWeekRefused``) when the
    week already counts, and when it would be a second rest week within four
    weeks (``streak_of``), which would end the streak. Taking the same week
    off again returns its row.
    """
    streak = Activity(user, _today(user, week, now)).streak
    if streak.this_week == REST:
        return RestWeek.objects.get(user=user, monday=streak.monday), False
    if streak.this_week == ACTIVE:
        raise RestWeekRefused(
            "week_already_counts",
            _("This week already counts for your streak: you have done something in it, so there is no need to rest."),
        )
    if not streak.rest_weeks_available:
        assert streak.last_rest_week is not None
        raise RestWeekRefused(
            "second_rest_week",
            _(
                "You already had a rest week in the last four weeks (the week of %(last)s): "
                "one in any four keeps a streak, so a second would end it. "
                "Your next rest week can be the week of %(next)s."
            )
            % {"last": _day(streak.last_rest_week), "next": _day(streak.next_rest_week)},
            last_rest_week=streak.last_rest_week.isoformat(),
            next_rest_week=streak.next_rest_week.isoformat(),
        )
    rest, created = RestWeek.objects.get_or_create(user=user, monday=streak.monday)
    versions.plans_changed([user.pk])  # the cached dashboard shows the streak
    return rest, created


def undo_rest_week(user: User, week: date | None = None, now: datetime | None = None) -> bool:
    """Take back this week's rest week; whether there was one. The same ``week`` guard as ``take_rest_week``."""
    monday = monday_of(_today(user, week, now))
    deleted, _ = RestWeek.objects.filter(user=user, monday=monday).delete()
    if deleted:
        versions.plans_changed([user.pk])
    return bool(deleted)


def _day(day: date) -> str:
    return date_format(day, pgettext("day in a sentence", "j F"))
