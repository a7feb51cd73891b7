"""The quarterly skills check-in: a gentle reminder to rate one's skills again, once per quarter per person.

Who is due (``due``): people reminders may reach, with reminders and the
check-in on, who follow a plan or have rated before, and whose last
self-rating is over ``RATE_AGAIN_AFTER`` old (or who never rated). The
nudge's period is the quarter of the person's own calendar, so the delivery
ledger's unique key (user, rule, period, channel) lets it go out once per
quarter whatever the scans and retries.

Like the engine's scheduled nudges it waits for the person's window: not in
their quiet hours, not while snoozed, and it takes their one scheduled nudge
of the day (``nudges.delivery.claim_days``), so it never comes on top of
another reminder the same day; a person skipped is looked at again by the
next scan.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from nudges.delivery import Outcome, channels_for, claim_all, claim_days, preferences_for, send_held
from nudges.models import Delivery, ReminderPreferences, Rule
from nudges.rules import Nudge, Preferences, is_quiet, is_snoozed
from tracker.models import Enrollment

from .models import RatedBy, SkillRating

RULE = Rule.SKILLS
RATE_AGAIN_AFTER = timedelta(days=90)
# Time zones run from UTC-12 to UTC+14: a person's local day is within this of the UTC one.
ZONE_SPREAD = timedelta(hours=14)


def quarter_of(day: date) -> str:
    """The quarter ``day`` falls in, as the nudge's period: ``2026-Q2``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def due(now: datetime) -> QuerySet[User]:
    """People the check-in may be due for now (their quiet hours and snooze are looked at one by one)."""
    switched_off = ReminderPreferences.objects.filter(user=OuterRef("pk")).filter(
        Q(enabled=False) | Q(skills_checkin_enabled=False)
    )
    rated_lately = SkillRating.objects.filter(
        person=OuterRef("pk"), rated_by=RatedBy.SELF, rated_at__gte=now - RATE_AGAIN_AFTER
    )
    involved = Q(Exists(Enrollment.objects.current().filter(user=OuterRef("pk")))) | Q(
        Exists(SkillRating.objects.filter(person=OuterRef("pk")))
    )
    quarters = {quarter_of((now - ZONE_SPREAD).date()), quarter_of((now + ZONE_SPREAD).date())}
    told = Delivery.objects.filter(user=OuterRef("pk"), rule=RULE, period__in=quarters)
    return (
        User.objects.reachable()
        .filter(involved)
        .exclude(Exists(switched_off))
        .exclude(Exists(rated_lately))
        .exclude(Exists(told))
        .order_by("pk")
    )


def checkin_nudge(person: User, today: date) -> Nudge:
    """What the check-in says, with the quarter of ``today`` (the person's own day) as its period."""
    latest = SkillRating.objects.of(person).by_self().first()
    if latest is None:
        body = (
            "Rate yourself on the five skills of an ML role to see where you stand on the map of roles, "
            "and what closes the gap to the track you are aiming for."
        )
    else:
        body = (
            f"You last rated your skills on {timezone.localdate(latest.rated_at, person.tzinfo):%-d %B %Y}. "
            "A new rating moves you on the map of roles and shows how far you have come."
        )
    return Nudge(
        rule=RULE,
        period=quarter_of(today),
        title="Time for your quarterly skills check-in",
        body=body,
        url=reverse("growth:standing"),
    )


def check_in(person_id: int, now: datetime | None = None) -> Outcome:
    """Send ``person_id`` this quarter's check-in if it is due and their window is open; at most once a quarter."""
    now = now or timezone.now()
    person = due(now).filter(pk=person_id).first()
    if person is None:
        return Outcome()
    prefs = preferences_for([person])[person.pk]
    rules_view = Preferences.of(prefs)
    local = now.astimezone(person.tzinfo)
    if not prefs.enabled or not prefs.skills_checkin_enabled:
        return Outcome()
    if is_snoozed(rules_view, local.date()) or is_quiet(rules_view, local):
        return Outcome()
    nudge = checkin_nudge(person, local.date())
    with transaction.atomic():
        # The person's one scheduled nudge of the day: if another reminder
        # took it, the check-in waits for a later day of the quarter.
        if person.pk not in claim_days({local.date(): [person.pk]}):
            return Outcome()
        held = claim_all([(person, nudge, channel) for channel in channels_for(person, prefs)], now)
    return send_held(held, now)
