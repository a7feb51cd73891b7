"""The delivery ledger: claim before sending, mark sent right after, reclaim what a dead worker left.

A ``Delivery`` row is unique per (user, rule, period, channel). Inserting it
is the claim: whoever inserts it sends it, and a second scan, a retried task
or a re-delivered message hits the unique key and sends nothing. A claim not
marked sent within ``NUDGE_CLAIM_TIMEOUT`` was left by a worker that died;
a conditional UPDATE (exactly one row changed, or someone else won) takes it
up again, so nothing is lost either.

A batch of users costs a fixed number of queries whatever its size: its
state is read with one query per table, each day's slot and each claim are
taken with one statement for the whole batch, and the in-app notifications
are written together. Only what is sent over the network (an email, a push)
costs a statement per message: marking it sent right after it went out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Field, Model, QuerySet, UniqueConstraint
from django.utils import timezone

from accounts.models import User
from nudges.models import Channel, Delivery, DeliveryStatus, ReminderPreferences
from tracker.models import Enrollment

from . import channels, rules
from .rules import Nudge, UserState
from .state import read_batch, user_state

logger = logging.getLogger(__name__)

# While a user is inside their send window and nothing is due, look again
# after this long; date-based rules cannot change faster than that matters.
RECHECK = timedelta(hours=1)

# The columns a claim writes; the others keep their defaults (sent_at NULL).
CLAIM_FIELDS = (
    "user",
    "rule",
    "period",
    "channel",
    "status",
    "attempts",
    "last_error",
    "payload",
    "claimed_at",
    "created_at",
)
# Those that differ from one claim to the next.
CLAIM_VARIES = ("user", "rule", "period", "channel", "payload")

T = TypeVar("T")


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.NUDGE_CLAIM_TIMEOUT)


def claim_all(wanted: Sequence[tuple[User, Nudge, str]], now: datetime) -> list[Delivery]:
    """Insert the delivery rows of ``wanted`` in one statement; returns those this call inserted.

    A row that exists already was claimed by someone else (a second scan, a
    retried task): ON CONFLICT DO NOTHING skips it, and RETURNING names the
    rows inserted here, the only ones this caller may send. Raw SQL because
    Django's bulk_create cannot both ignore conflicts and say which rows it
    inserted.
    """
    created = timezone.now()
    rows: dict[tuple[int, str, str, str], Delivery] = {}
    for user, nudge, channel in wanted:
        row = Delivery(
            user=user,
            rule=nudge.rule,
            period=nudge.period,
            channel=channel,
            payload=nudge.payload(),
            status=DeliveryStatus.CLAIMED,
            claimed_at=now,
            attempts=1,
            created_at=created,
        )
        rows.setdefault((user.pk, str(nudge.rule), nudge.period, str(channel)), row)
    if not rows:
        return []
    fields = [_concrete(Delivery, name) for name in CLAIM_FIELDS]
    # get_db_prep_save serializes each value as the ORM would (the payload as
    # JSON text on SQLite, jsonb on PostgreSQL); those every claim shares once.
    shared = {f for f in fields if f.name not in CLAIM_VARIES}
    first = next(iter(rows.values()))
    shared_values = {f: f.get_db_prep_save(getattr(first, f.attname), connection) for f in shared}
    columns = ", ".join(_column(f) for f in fields)
    key = ", ".join(_column(_concrete(Delivery, name)) for name in _delivery_key())
    # In key order: two workers inserting overlapping claims then wait on each
    # other's unique-index entries in the same order, never in a cycle.
    ordered = [rows[k] for k in sorted(rows)]
    inserted: dict[tuple[int, str, str, str], int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(ordered, connection.ops.bulk_batch_size(fields, ordered)):
            values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
            params = [
                shared_values[f] if f in shared else f.get_db_prep_save(getattr(row, f.attname), connection)
                for row in chunk
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {_table(Delivery)} ({columns}) VALUES {values} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {_column(Delivery._meta.pk)}, {key}",
                params,
            )
            for pk, user_id, rule, period, channel in cursor.fetchall():
                inserted[(user_id, rule, period, channel)] = pk
    held = []
    for k, row in rows.items():
        if k in inserted:
            row.pk = inserted[k]
            row._state.adding = False
            row._state.db = connection.alias
            held.append(row)
    return held


def _delivery_key() -> tuple[str, ...]:
    """The fields of Delivery's unique key, as the model declares them."""
    [unique] = [
        c
        for c in Delivery._meta.constraints
        if isinstance(c, UniqueConstraint) and c.name == "delivery_once_per_user_rule_period_channel"
    ]
    return tuple(unique.fields)


def stale_claims(now: datetime) -> QuerySet[Delivery]:
    """Claims older than the timeout: left by a dead worker, or released after a transient failure."""
    # Served by the (status, claimed_at) index.
    return Delivery.objects.filter(status=DeliveryStatus.CLAIMED, claimed_at__lte=now - claim_timeout())


def reclaim(delivery: Delivery, now: datetime) -> bool:
    """Take up a stale claim; True only for the one caller whose UPDATE changed the row."""
    won = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.CLAIMED, claimed_at__lte=now - claim_timeout()
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if won:
        delivery.refresh_from_db()
    return bool(won)


def release(delivery: Delivery, error: str, now: datetime) -> None:
    """After a transient failure: record it and back-date the claim so a retry may reclaim it at once."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.CLAIMED).update(
        last_error=error[:2000], claimed_at=now - claim_timeout()
    )


def fail(delivery: Delivery, error: str) -> None:
    """A permanent failure: recorded, never retried."""
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, last_error=error[:2000])


def claim_days(user_ids_by_day: dict[date, list[int]]) -> set[int]:
    """Take each user's one scheduled nudge of their local day; returns the ids of users whose day was won here.

    One conditional UPDATE per distinct date: of two workers racing on the
    same users, exactly one changes each row. Raw SQL because Django's
    update() says how many rows changed, not which.
    """
    day_field = _concrete(ReminderPreferences, "last_nudged_on")
    user_column, day_column = _column(_concrete(ReminderPreferences, "user")), _column(day_field)
    won: set[int] = set()
    with connection.cursor() as cursor:
        for day, user_ids in user_ids_by_day.items():
            value = day_field.get_db_prep_save(day, connection)
            for chunk in _chunks(user_ids, _params_left(2)):
                cursor.execute(
                    f"UPDATE {_table(ReminderPreferences)} SET {day_column} = %s "
                    f"WHERE {user_column} IN ({', '.join(['%s'] * len(chunk))}) "
                    f"AND ({day_column} IS NULL OR {day_column} <> %s) RETURNING {user_column}",
                    [value, *chunk, value],
                )
                won.update(user_id for (user_id,) in cursor.fetchall())
    return won


def channels_for(user: User, prefs: ReminderPreferences, has_device: bool | None = None) -> list[str]:
    """The channels the user has on, push only with a registered device (``has_device``, else looked up)."""
    chosen: list[str] = []
    if prefs.email_enabled and user.email:
        chosen.append(Channel.EMAIL)
    if prefs.in_app_enabled:
        chosen.append(Channel.IN_APP)
    if prefs.push_enabled:
        if has_device is None:
            has_device = user.devices.exists()
        if has_device:
            chosen.append(Channel.PUSH)
    return chosen


@dataclass
class Outcome:
    """What one pass over some users did."""

    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    retry_user_ids: set[int] = field(default_factory=set)

    def merge(self, other: Outcome) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retry_user_ids |= other.retry_user_ids


@dataclass
class UserPlan:
    """What is due for one user now, and where it may go (nothing claimed yet)."""

    user: User
    state: UserState
    channels: list[str]
    celebrations: list[Nudge]
    scheduled: Nudge | None
    # When to look at the user again: while today's one scheduled nudge is
    # still to come, and once it has gone (to them, by anyone).
    next_check: datetime
    next_check_once_nudged: datetime


def due_nudges(state: UserState, now: datetime) -> tuple[list[Nudge], Nudge | None]:
    """The celebrations due and today's scheduled nudge for a user in ``state`` (nothing is claimed)."""
    if not state.prefs.enabled or rules.is_snoozed(state.prefs, state.local(now).date()):
        return [], None
    return rules.celebrations(state, now), rules.scheduled_nudge(state, now)


def preferences_for(users: Sequence[User]) -> dict[int, ReminderPreferences]:
    """Each user's preferences by user id; users who never set any get a row with the defaults."""
    found = {p.user_id: p for p in ReminderPreferences.objects.filter(user__in=users)}
    missing = [user for user in users if user.pk not in found]
    if missing:
        # ignore_conflicts: the settings page or another worker may make the
        # same row meanwhile; whichever row won is read back.
        ReminderPreferences.objects.bulk_create([ReminderPreferences(user=u) for u in missing], ignore_conflicts=True)
        found.update({p.user_id: p for p in ReminderPreferences.objects.filter(user__in=missing)})
    return found


def plan_batch(users: Sequence[User], prefs: dict[int, ReminderPreferences], now: datetime) -> list[UserPlan]:
    """What is due for each of ``users`` now, read in bulk.

    A user whose data breaks the rules is logged and left out of the plans.
    """
    reading = read_batch(users, prefs, now)
    plans = []
    for user in users:
        try:
            state = user_state(user, prefs[user.pk], reading, now)
            celebrations, scheduled = due_nudges(state, now)
            today = state.local(now).date()
            later, tomorrow = next_check_at(state, None, now), next_check_at(state, today, now)
        except Exception:
            # One user's bad data must not hold up the rest of the batch.
            logger.exception("could not plan nudges for user %s", user.pk)
            continue
        chosen = channels_for(user, prefs[user.pk], has_device=user.pk in reading.with_devices)
        plans.append(UserPlan(user, state, chosen, celebrations, scheduled, later, tomorrow))
    return plans


def claim_batch(plans: Sequence[UserPlan], now: datetime, *, schedule: bool = True) -> list[Delivery]:
    """Claim what ``plans`` hold, taking each user's day for their scheduled nudge; returns the claims held.

    The days' slots, the delivery rows, the completed enrollments and (with
    ``schedule``) the users' next checks are written in one transaction, so a
    worker dying in between leaves either all or none.
    """
    if not plans:
        return []
    with transaction.atomic():
        last_nudged: dict[int, date | None] = {}
        if schedule:
            # Lock the batch's preference rows in one order first: two workers
            # on overlapping batches then queue behind each other instead of
            # each locking some rows and deadlocking over the rest.
            locked = (
                ReminderPreferences.objects.select_for_update()
                .filter(user_id__in=[p.user.pk for p in plans])
                .order_by("pk")
                .values_list("user_id", "last_nudged_on")
            )
            last_nudged = dict(locked)
        sending = [p for p in plans if p.channels and (p.celebrations or p.scheduled)]
        days: dict[date, list[int]] = defaultdict(list)
        for plan in sending:
            if plan.scheduled is not None:
                days[plan.state.local(now).date()].append(plan.user.pk)
        won = claim_days(days)
        wanted = []
        for plan in sending:
            nudges = [*plan.celebrations, *([plan.scheduled] if plan.scheduled and plan.user.pk in won else [])]
            wanted += [(plan.user, nudge, channel) for nudge in nudges for channel in plan.channels]
        held = claim_all(wanted, now)
        _complete_finished_tracks([n for p in sending for n in p.celebrations], now)
        if schedule:
            next_checks = {}
            for plan in plans:
                nudged = plan.user.pk in won or last_nudged.get(plan.user.pk) == plan.state.local(now).date()
                next_checks[plan.user.pk] = plan.next_check_once_nudged if nudged else plan.next_check
            set_next_checks(next_checks)
    return held


def _complete_finished_tracks(celebrations: list[Nudge], now: datetime) -> None:
    """A completed track's enrollment becomes completed: its nudges stop."""
    finished = [int(n.period.split(":", 1)[1]) for n in celebrations if n.period.startswith("track:")]
    if finished:
        Enrollment.objects.filter(pk__in=finished).complete(now)


def next_check_at(state: UserState, last_nudged_on: date | None, now: datetime) -> datetime:
    """When the scan should look at this user again (the indexed ``next_check_at``)."""
    local = state.local(now)
    if last_nudged_on == local.date():
        tomorrow = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=state.tz)
        following = tomorrow if not rules.is_quiet(state.prefs, tomorrow) else rules.next_window_start(state, tomorrow)
    elif rules.is_quiet(state.prefs, local):
        following = rules.next_window_start(state, now)
    else:
        following = now + RECHECK
    digest_at = rules.next_digest_at(state, now)
    if digest_at is not None and digest_at > now:
        following = min(following, digest_at)
    return following


def set_next_checks(next_checks: dict[int, datetime]) -> None:
    """Write each user's ``next_check_at`` (by user id) in one UPDATE."""
    # One WHEN per distinct instant, not one per user as bulk_update would
    # write: most of a batch shares a few (an hour from now, tomorrow's window
    # in each zone). Raw SQL because building it from the ORM's expressions
    # took 6% of a batch's time in the profile; this is the CASE bulk_update
    # writes, cast as bulk_update casts it where the database needs that.
    field = _concrete(ReminderPreferences, "next_check_at")
    user_column, column = _column(_concrete(ReminderPreferences, "user")), _column(field)
    with connection.cursor() as cursor:
        for chunk in _chunks(list(next_checks.items()), _params_left(0) // 3):
            users_at: dict[datetime, list[int]] = defaultdict(list)
            for user_id, at in chunk:
                users_at[at].append(user_id)
            whens, params = [], []
            for at, user_ids in users_at.items():
                whens.append(f"WHEN {user_column} IN ({', '.join(['%s'] * len(user_ids))}) THEN %s")
                params += [*user_ids, field.get_db_prep_save(at, connection)]
            case = f"CASE {' '.join(whens)} END"
            if connection.features.requires_casted_case_in_updates:
                case = f"CAST({case} AS {field.db_type(connection)})"
            cursor.execute(
                f"UPDATE {_table(ReminderPreferences)} SET {column} = {case} "
                f"WHERE {user_column} IN ({', '.join(['%s'] * len(chunk))})",
                [*params, *(user_id for user_id, _ in chunk)],
            )


def reclaim_stale(users: Sequence[User], now: datetime) -> list[Delivery]:
    """Take up the stale claims of ``users`` (rare: a dead worker's, or a failed send's)."""
    by_id = {user.pk: user for user in users}
    held = []
    for delivery in stale_claims(now).filter(user_id__in=list(by_id)).order_by("pk"):
        if reclaim(delivery, now):
            delivery.user = by_id[delivery.user_id]
            held.append(delivery)
    return held


def send_held(held: list[Delivery], now: datetime) -> Outcome:
    """Send each held claim and record its outcome: the in-app ones together, the others one by one."""
    outcome = Outcome()
    in_app = [d for d in held if d.channel == Channel.IN_APP]
    one_by_one = [d for d in held if d.channel != Channel.IN_APP]
    if in_app:
        try:
            outcome.sent += channels.send_in_app(in_app)
        except Exception:
            # Nothing was written (one transaction); one at a time, only the
            # culprit is left behind.
            logger.exception("in-app nudges could not be written together; writing them one by one")
            one_by_one = in_app + one_by_one
    if not one_by_one:
        return outcome
    with channels.mail_connection() as mail:
        for delivery in one_by_one:
            _send_one(delivery, mail, now, outcome)
    return outcome


def _send_one(delivery: Delivery, mail: BaseEmailBackend, now: datetime, outcome: Outcome) -> None:
    """Send one claim on its channel and record the outcome: sent, failed for good, or released for a retry."""
    try:
        channels.send(delivery, delivery.user, connection=mail)
    except channels.PermanentError as error:
        logger.warning("nudge %s failed for good: %s", delivery, error)
        fail(delivery, str(error))
        outcome.failed.append(delivery)
    except channels.TransientError as error:
        logger.info("nudge %s will be retried: %s", delivery, error)
        release(delivery, str(error), now)
        outcome.retry_user_ids.add(delivery.user_id)
    except Exception as error:
        # A bug, not the network: record it and leave the claim to the
        # next scan's sweep rather than retrying it in a tight loop.
        logger.exception("nudge %s failed unexpectedly", delivery)
        release(delivery, f"{type(error).__name__}: {error}", now)
    else:
        outcome.sent.append(delivery)


def process_users(user_ids: list[int], now: datetime | None = None, *, celebrations_only: bool = False) -> Outcome:
    """Claim and send everything due for these users; safe to run twice, or twice at once.

    With ``celebrations_only`` only completed levels and tracks are claimed,
    and the users' day and next check are left as they are.
    """
    now = now or timezone.now()
    # Checked again here, not only by the scan: a celebration or a retry
    # names its user directly, and an address may have changed since.
    users = list(User.objects.reachable().filter(pk__in=user_ids).order_by("pk"))
    if not users:
        return Outcome()
    plans = plan_batch(users, preferences_for(users), now)
    if celebrations_only:
        for plan in plans:
            plan.scheduled = None
    held = claim_batch(plans, now, schedule=not celebrations_only)
    held += reclaim_stale(users, now)
    return send_held(held, now)


def celebrate(user_id: int, now: datetime | None = None) -> Outcome:
    """Send the celebrations due for one user at once (after a progress change commits)."""
    return process_users([user_id], now, celebrations_only=True)


def preview(user: User, now: datetime) -> list[tuple[Nudge, list[str]]]:
    """What would be claimed for ``user`` now, and on which channels; claims nothing (``--dry-run``)."""
    # An unsaved default row for a user who never set preferences: a dry run writes nothing.
    prefs = ReminderPreferences.objects.filter(user=user).first() or ReminderPreferences(user=user)
    plans = plan_batch([user], {user.pk: prefs}, now)
    if not plans or not plans[0].channels:
        return []
    plan = plans[0]
    nudges = [*plan.celebrations, *([plan.scheduled] if plan.scheduled else [])]
    return [(nudge, plan.channels) for nudge in nudges]


def _concrete(model: type[Model], name: str) -> Field[Any, Any]:
    """``model``'s concrete field ``name``, for the raw statements above."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name
    return field


def _column(field: Field[Any, Any]) -> str:
    """The field's column, quoted for raw SQL."""
    assert field.column is not None, field  # a concrete field always has one
    return connection.ops.quote_name(field.column)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _params_left(used: int) -> int:
    """How many more parameters one statement may take beside ``used`` (no limit: the batch's size)."""
    limit = connection.features.max_query_params
    return max(1, limit - used) if limit else 1_000_000


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size`` (SQLite limits a statement's parameters)."""
    size = max(1, size)
    for start in range(0, len(items), size):
        yield items[start : start + size]
