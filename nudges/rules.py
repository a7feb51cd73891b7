"""What is due, as small pure functions of a user's state and the time.

Each rule takes a ``UserState`` (read from the database by
``nudges.state``, a batch of users at once) and an aware ``now`` and
returns a ``Nudge`` or ``None``; none of them touches the database, so they
are tested with frozen time and hand-made users. A nudge's ``period`` names the
occurrence: together with the user, rule and channel it is the delivery's
unique key, so the same occurrence is never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nudges.models import ReminderPreferences, Rule
from tracker.models import LAPSED, RENEWAL_OPEN, Enrollment, Milestone, Validity
from tracker.progress import StepState, TrackProgress

DEADLINE_WARNINGS = (7, 1)  # days before a target date
# An expiry is news for this long; after that, the plan page shows it and no nudge is sent.
EXPIRED_LOOKBACK_DAYS = 30
# A celebration missed when it happened (broker down) is still sent by a scan
# within this long; older completions are history, not news.
CELEBRATION_LOOKBACK = timedelta(days=2)


@dataclass(frozen=True)
class Nudge:
    """One nudge to send: what, for which occurrence, and what it says."""

    rule: str
    period: str
    title: str
    body: str
    url: str = "/"
    lines: tuple[str, ...] = ()
    # What the nudge is about, for the app's deep link (a push's ``data``): the
    # plan (enrollment id) and the milestone (slug), where there is one.
    plan: int | None = None
    milestone: str = ""

    def payload(self) -> dict[str, object]:
        """What a delivery stores, so a retry sends the same words."""
        payload: dict[str, object] = {"title": self.title, "body": self.body, "url": self.url}
        payload["lines"] = list(self.lines)
        if self.plan is not None:
            payload["plan"] = self.plan
        if self.milestone:
            payload["milestone"] = self.milestone
        return payload


def about(enrollment: Enrollment, milestone: Milestone | None = None) -> dict[str, Any]:
    """The link fields of a nudge about ``enrollment`` (at ``milestone``): the web page, and the ids for the app."""
    return {
        "url": enrollment.get_absolute_url(milestone),
        "plan": enrollment.pk,
        "milestone": milestone.slug if milestone is not None else "",
    }


@dataclass(frozen=True)
class Preferences:
    """The part of ReminderPreferences the rules read; the defaults are the model's (``of``)."""

    enabled: bool
    stalled_after_days: int
    digest_enabled: bool
    digest_weekday: int
    digest_hour: int
    quiet_start: time
    quiet_end: time
    snoozed_until: date | None
    last_nudged_on: date | None

    @classmethod
    def of(cls, prefs: ReminderPreferences) -> Preferences:
        """The rules' view of a ReminderPreferences row (an unsaved one holds the defaults)."""
        return cls(**{f.name: getattr(prefs, f.name) for f in fields(cls)})


@dataclass
class UserState:
    """Everything the rules need to know about one user, read in a few queries."""

    user_id: int
    name: str
    tz: ZoneInfo
    prefs: Preferences
    plans: list[TrackProgress] = field(default_factory=list)
    last_activity: datetime | None = None
    done_this_week: list[str] = field(default_factory=list)
    streak: int = 0
    # (rule, period) pairs already delivered or claimed: a rule whose nudge
    # went out must not take the day's slot from the next rule.
    delivered: frozenset[tuple[str, str]] = frozenset()

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz)


# --- When ---------------------------------------------------------------------


def is_quiet(prefs: Preferences, local: datetime) -> bool:
    """Inside the user's quiet hours (which may wrap midnight); start == end means none."""
    start, end, at = prefs.quiet_start, prefs.quiet_end, local.time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def is_snoozed(prefs: Preferences, today: date) -> bool:
    return prefs.snoozed_until is not None and today < prefs.snoozed_until


def may_send_scheduled(state: UserState, now: datetime) -> bool:
    """Master switch on, not snoozed, and today's one scheduled nudge not yet used."""
    today = state.local(now).date()
    prefs = state.prefs
    return prefs.enabled and not is_snoozed(prefs, today) and prefs.last_nudged_on != today


def is_digest_hour(state: UserState, now: datetime) -> bool:
    """The user's chosen weekday and hour, in their own zone (DST-proof: wall-clock)."""
    local = state.local(now)
    prefs = state.prefs
    return prefs.digest_enabled and local.weekday() == prefs.digest_weekday and local.hour == prefs.digest_hour


def next_window_start(state: UserState, now: datetime) -> datetime:
    """The next instant (UTC-aware) at which quiet hours end in the user's zone."""
    local = state.local(now)
    end = state.prefs.quiet_end
    for offset in (0, 1, 2):
        day = local.date() + timedelta(days=offset)
        candidate = datetime.combine(day, end, tzinfo=state.tz)
        if candidate > local:
            return candidate
    return local + timedelta(days=1)  # pragma: no cover - unreachable with a valid time


def next_digest_at(state: UserState, now: datetime) -> datetime | None:
    """The next start of the user's digest hour, or None without a digest."""
    prefs = state.prefs
    if not prefs.digest_enabled:
        return None
    local = state.local(now)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() != prefs.digest_weekday:
            continue
        candidate = datetime.combine(day, time(prefs.digest_hour), tzinfo=state.tz)
        if candidate + timedelta(hours=1) > local:
            return candidate
    return None  # pragma: no cover


# --- The rules ------------------------------------------------------------------


def stalled(state: UserState, now: datetime) -> Nudge | None:
    """No progress for the chosen number of days: point at the next step."""
    if state.last_activity is None or not state.plans:
        return None
    today = state.local(now).date()
    quiet_days = (today - state.local(state.last_activity).date()).days
    interval = max(state.prefs.stalled_after_days, 1)
    if quiet_days < interval:
        return None
    plan = next((p for p in state.plans if p.next_up), None)
    if plan is None:
        return None
    step = plan.next_up[0]
    track = plan.enrollment.track
    # One nudge per stall interval: day 7, 14, 21... of the same quiet spell.
    period = f"{state.local(state.last_activity).date().isoformat()}#{quiet_days // interval}"
    return Nudge(
        rule=Rule.STALLED,
        period=period,
        title=f"Your next step in {track.name} is {step.milestone.title}",
        body=f"It has been {quiet_days} days since your last progress. "
        f"Your next step in {track.name} is {step.milestone.title}.",
        **about(plan.enrollment, step.milestone),
    )


def deadline(state: UserState, now: datetime) -> Nudge | None:
    """A target date a week away, and again a day away (the nearest one first)."""
    today = state.local(now).date()
    soonest: tuple[int, str, StepState, dict[str, Any]] | None = None
    for plan in state.plans:
        for item in plan.items:
            if item.is_settled or not item.is_needed or item.target_date is None:
                continue
            days = (item.target_date - today).days
            if not 1 <= days <= DEADLINE_WARNINGS[0]:
                continue
            # "7" covers 2-7 days (a nudge skipped for the daily limit comes a day later); "1" the eve.
            warning = 1 if days == 1 else DEADLINE_WARNINGS[0]
            key = f"m{item.milestone.pk}:{item.target_date.isoformat()}:{warning}d"
            if soonest is None or days < soonest[0]:
                soonest = (days, key, item, about(plan.enrollment, item.milestone))
    if soonest is None:
        return None
    days, key, item, link = soonest
    title, due = item.milestone.title, item.target_date
    assert due is not None
    when = "tomorrow" if days == 1 else f"in {days} days"
    # The body adds what the title cannot: the date itself, and what to do about it.
    return Nudge(
        rule=Rule.DEADLINE,
        period=key,
        title=f"{title} is due {when}",
        body=f"Your target for it is {due:%A %-d %B}. Mark it done when it is, or move the date if it needs more time.",
        **link,
    )


def overdue(state: UserState, now: datetime) -> Nudge | None:
    """A target date has passed and the milestone is not done: at most once a week each."""
    today = state.local(now).date()
    for plan in state.plans:
        for item in plan.overdue:
            assert item.target_date is not None
            late = (today - item.target_date).days
            return Nudge(
                rule=Rule.OVERDUE,
                # A new key every 7 days of lateness: once a week per milestone.
                period=f"m{item.milestone.pk}:{item.target_date.isoformat()}:w{(late - 1) // 7}",
                title=f"{item.milestone.title} is overdue",
                body=f"{item.milestone.title} was due on {item.target_date:%d %B %Y}. "
                "Mark it done, or move the date to one that works.",
                **about(plan.enrollment, item.milestone),
            )
    return None


def renewal(state: UserState, now: datetime) -> Nudge | None:
    """A certification held: once when its renewal window opens, once when it is closing, once when it expires.

    Each stage is its own occurrence (the expiry date and the stage name the
    period), so none is sent twice, and a stage skipped for the day's limit
    comes the next day. An expiry long past is history, not news.
    """
    today = state.local(now).date()
    for plan in state.plans:
        for item in plan.items:
            validity = item.validity
            if validity is None or not item.is_needed:
                continue
            stage = _renewal_stage(validity, today)
            if stage is None:
                continue
            period = f"m{item.milestone.pk}:{validity.expires_on.isoformat()}:{stage}"
            if (Rule.RENEWAL, period) in state.delivered:
                continue
            return _renewal_nudge(item, validity, stage, period, about(plan.enrollment, item.milestone))
    return None


def _renewal_stage(validity: Validity, today: date) -> str | None:
    if validity.state == LAPSED:
        return "expired" if (today - validity.expires_on).days <= EXPIRED_LOOKBACK_DAYS else None
    if validity.is_closing:
        return "closing"
    if validity.state == RENEWAL_OPEN:
        return "open"
    return None


def _renewal_nudge(item: StepState, validity: Validity, stage: str, period: str, link: dict[str, Any]) -> Nudge:
    milestone = item.milestone
    until = f"{validity.expires_on:%-d %B %Y}"
    if stage == "expired":
        title, body = f"{milestone.title} has expired", f"It stopped counting on {until}. Renew it to count it again."
    elif stage == "closing":
        days = f"{validity.days_left} day{'s' if validity.days_left != 1 else ''}"
        title, body = f"{days} left to renew {milestone.title}", f"It stops counting on {until}."
    else:
        title = f"You can renew {milestone.title} now"
        body = f"Its renewal window is open: it stays valid until {until}."
    if item.is_retired and milestone.successor is not None:
        # A retired exam cannot be renewed as such: its successor is how one stays certified.
        body += f" Its exam has been retired: take {milestone.successor.title} to stay certified."
    return Nudge(rule=Rule.RENEWAL, period=period, title=title, body=body, **link)


def digest(state: UserState, now: datetime) -> Nudge | None:
    """On the chosen weekday and hour: what the user did this week and what is next."""
    if not state.plans or not is_digest_hour(state, now):
        return None
    year, week, _ = state.local(now).isocalendar()
    next_steps = [f"{p.enrollment.track.name}: {p.next_up[0].milestone.title}" for p in state.plans if p.next_up]
    done = state.done_this_week
    summary = f"You finished {len(done)} milestone{'s' if len(done) != 1 else ''} this week"
    if state.streak:
        summary += f" and your streak is {state.streak} week{'s' if state.streak != 1 else ''}"
    return Nudge(
        rule=Rule.DIGEST,
        period=f"{year}-W{week:02d}",
        title="Your week in CareerPlan",
        body=summary + ".",
        url="/",
        lines=(*(f"Done: {title}" for title in done), *(f"Next: {step}" for step in next_steps)),
    )


def celebrations(state: UserState, now: datetime) -> list[Nudge]:
    """A career level or a whole track completed lately: sent at once, outside the daily limit."""
    found: list[Nudge] = []
    for plan in state.plans:
        latest = _latest_completion(plan.items)
        if latest is None or now - latest > CELEBRATION_LOOKBACK:
            continue
        track = plan.enrollment.track
        if plan.is_complete:
            found.append(
                Nudge(
                    rule=Rule.CELEBRATION,
                    period=f"track:{plan.enrollment.pk}",
                    title=f"You completed {track.name}!",
                    body=f"Every milestone of {track.name} is done. Congratulations.",
                    **about(plan.enrollment),
                )
            )
            continue
        levels: dict[int, list] = {}
        for item in plan.items:
            if item.step.level_id is not None:
                levels.setdefault(item.step.level_id, []).append(item)
        for level_id, items in levels.items():
            if not all(i.is_settled or not i.is_needed for i in items) or not any(i.is_done for i in items):
                continue
            level_latest = _latest_completion(items)
            if level_latest is None or now - level_latest > CELEBRATION_LOOKBACK:
                continue
            level = items[0].step.level
            found.append(
                Nudge(
                    rule=Rule.CELEBRATION,
                    period=f"level:{level_id}",
                    title=f"You reached {level.title}!",
                    body=f"You finished every milestone of {level.title} in {track.name}.",
                    **about(plan.enrollment),
                )
            )
    return found


def _latest_completion(items: list) -> datetime | None:
    stamps = [i.progress.completed_at for i in items if i.is_done and i.progress and i.progress.completed_at]
    return max(stamps) if stamps else None


# The scheduled rules, most pressing first: one of them per user and day.
SCHEDULED: tuple[Callable[[UserState, datetime], Nudge | None], ...] = (digest, deadline, overdue, renewal, stalled)


def scheduled_nudge(state: UserState, now: datetime) -> Nudge | None:
    """Today's one scheduled nudge, if any may go out now.

    Outside quiet hours only, except the digest, which comes at the hour the
    user chose even if that falls inside them.
    """
    if not may_send_scheduled(state, now):
        return None
    local = state.local(now)
    quiet = is_quiet(state.prefs, local)
    # On digest day nothing else goes out before the digest hour, so an
    # earlier nudge cannot use up the day's one slot and swallow the digest.
    before_digest = (
        state.prefs.digest_enabled
        and bool(state.plans)
        and local.weekday() == state.prefs.digest_weekday
        and local.hour < state.prefs.digest_hour
    )
    for rule in SCHEDULED:
        if (quiet or before_digest) and rule is not digest:
            continue
        nudge = rule(state, now)
        if nudge is not None and (nudge.rule, nudge.period) not in state.delivered:
            return nudge
    return None
