"""The delivery ledger: claim before sending, mark sent right after, reclaim what a dead worker left.

A ``Delivery`` row is unique per (user, rule, period, channel). Inserting it
is the claim: whoever inserts it sends it, and a second scan, a retried task
or a re-delivered message hits the unique key and sends nothing. A claim not
marked sent within ``NUDGE_CLAIM_TIMEOUT`` was left by a worker that died;
a conditional UPDATE (exactly one row changed, or someone else won) takes it
up again, so nothing is lost either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import ReminderPreferences, User
from tracker.models import Channel, Delivery, DeliveryStatus, Device, Enrollment, EnrollmentStatus

from . import channels, rules
from .rules import Nudge, UserState
from .state import load_state

logger = logging.getLogger(__name__)

# While a user is inside their send window and nothing is due, look again
# after this long; date-based rules cannot change faster than that matters.
RECHECK = timedelta(hours=1)


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.NUDGE_CLAIM_TIMEOUT)


def claim(user: User, nudge: Nudge, channel: str, now: datetime) -> Delivery | None:
    """Insert the delivery row for ``nudge`` on ``channel``; None if it exists (someone has it)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                user=user,
                rule=nudge.rule,
                period=nudge.period,
                channel=channel,
                payload=nudge.payload(),
                status=DeliveryStatus.CLAIMED,
                claimed_at=now,
                attempts=1,
            )
    except IntegrityError:
        return None


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


def claim_day(prefs: ReminderPreferences, today: date) -> bool:
    """Take the user's one scheduled nudge of ``today`` (their local date); False if already taken."""
    # A conditional UPDATE: of two workers racing, exactly one changes the row.
    won = ReminderPreferences.objects.filter(pk=prefs.pk).exclude(last_nudged_on=today).update(last_nudged_on=today)
    return bool(won)


def channels_for(user: User, prefs: ReminderPreferences) -> list[str]:
    """The channels the user has on, push only with a registered device."""
    chosen: list[str] = []
    if prefs.email_enabled and user.email:
        chosen.append(Channel.EMAIL)
    if prefs.in_app_enabled:
        chosen.append(Channel.IN_APP)
    if prefs.push_enabled and Device.objects.filter(user=user).exists():
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


def due_nudges(user: User, prefs: ReminderPreferences, now: datetime) -> tuple[UserState, list[Nudge], Nudge | None]:
    """The user's state, the celebrations due and today's scheduled nudge (nothing is claimed)."""
    state = load_state(user, prefs, now)
    if not prefs.enabled or rules.is_snoozed(state.prefs, state.local(now).date()):
        return state, [], None
    return state, rules.celebrations(state, now), rules.scheduled_nudge(state, now)


def plan_user(user: User, now: datetime, *, celebrations_only: bool = False) -> list[Delivery]:
    """Claim what is due for ``user`` now, plus any stale claims of theirs; returns the claims held.

    The day's slot and the delivery rows are claimed in one transaction, so a
    worker dying in between leaves either both or neither.
    """
    prefs = ReminderPreferences.for_user(user)
    state, celebrations, scheduled = due_nudges(user, prefs, now)
    if celebrations_only:
        scheduled = None
    held: list[Delivery] = []
    chosen = channels_for(user, prefs)
    if chosen and (celebrations or scheduled):
        with transaction.atomic():
            to_claim = list(celebrations)
            if scheduled is not None and claim_day(prefs, state.local(now).date()):
                to_claim.append(scheduled)
            for nudge in to_claim:
                for channel in chosen:
                    delivery = claim(user, nudge, channel, now)
                    if delivery is not None:
                        held.append(delivery)
            _complete_finished_tracks(state, celebrations, now)
    for delivery in stale_claims(now).filter(user=user).order_by("pk"):
        if reclaim(delivery, now):
            held.append(delivery)
    if not celebrations_only:
        _schedule_next_check(prefs, state, now)
    return held


def _complete_finished_tracks(state: UserState, celebrations: list[Nudge], now: datetime) -> None:
    """A completed track's enrollment becomes completed: its nudges stop."""
    finished = [int(n.period.split(":", 1)[1]) for n in celebrations if n.period.startswith("track:")]
    if finished:
        Enrollment.objects.filter(pk__in=finished, status=EnrollmentStatus.ACTIVE).update(
            status=EnrollmentStatus.COMPLETED, completed_at=now
        )


def _schedule_next_check(prefs: ReminderPreferences, state: UserState, now: datetime) -> None:
    """When the scan should look at this user again (the indexed ``next_check_at``)."""
    prefs.refresh_from_db(fields=["last_nudged_on"])
    local = state.local(now)
    if prefs.last_nudged_on == local.date():
        tomorrow = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=state.tz)
        following = tomorrow if not rules.is_quiet(state.prefs, tomorrow) else rules.next_window_start(state, tomorrow)
    elif rules.is_quiet(state.prefs, local):
        following = rules.next_window_start(state, now)
    else:
        following = now + RECHECK
    digest_at = rules.next_digest_at(state, now)
    if digest_at is not None and digest_at > now:
        following = min(following, digest_at)
    ReminderPreferences.objects.filter(pk=prefs.pk).update(next_check_at=following)


def send_held(user: User, held: list[Delivery], now: datetime) -> Outcome:
    """Send each held claim; record the outcome of each right after it."""
    outcome = Outcome()
    for delivery in held:
        try:
            channels.send(delivery, user)
        except channels.PermanentError as error:
            logger.warning("nudge %s failed for good: %s", delivery, error)
            fail(delivery, str(error))
            outcome.failed.append(delivery)
        except channels.TransientError as error:
            logger.info("nudge %s will be retried: %s", delivery, error)
            release(delivery, str(error), now)
            outcome.retry_user_ids.add(user.pk)
        except Exception as error:
            # A bug, not the network: record it and leave the claim to the
            # next scan's sweep rather than retrying it in a tight loop.
            logger.exception("nudge %s failed unexpectedly", delivery)
            release(delivery, f"{type(error).__name__}: {error}", now)
        else:
            outcome.sent.append(delivery)
    return outcome


def process_users(user_ids: list[int], now: datetime | None = None) -> Outcome:
    """Claim and send everything due for these users; safe to run twice, or twice at once."""
    now = now or timezone.now()
    outcome = Outcome()
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        try:
            held = plan_user(user, now)
        except Exception:
            # One user's bad data must not hold up the rest of the batch.
            logger.exception("could not plan nudges for user %s", user.pk)
            continue
        outcome.merge(send_held(user, held, now))
    return outcome


def celebrate(user_id: int, now: datetime | None = None) -> Outcome:
    """Send the celebrations due for one user at once (after a progress change commits)."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return Outcome()
    held = plan_user(user, now, celebrations_only=True)
    return send_held(user, held, now)


def preview(user: User, now: datetime) -> list[tuple[Nudge, list[str]]]:
    """What would be claimed for ``user`` now, and on which channels; claims nothing (``--dry-run``)."""
    # An unsaved default row for a user who never set preferences: a dry run writes nothing.
    prefs = ReminderPreferences.objects.filter(user=user).first() or ReminderPreferences(user=user)
    _, celebrations, scheduled = due_nudges(user, prefs, now)
    chosen = channels_for(user, prefs)
    nudges = [*celebrations, *([scheduled] if scheduled else [])]
    return [(nudge, chosen) for nudge in nudges if chosen]
