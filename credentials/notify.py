"""Telling a person their badge was revoked or expired, through the nudges' channels and delivery ledger.

The nudge is claimed as ``Delivery`` rows first (``nudges.delivery.claim_all``:
unique per user, rule, period and channel) and only the claims this call
inserted are sent, so two workers re-checking the same badge at once, or a
task run twice, tell the person once. The period names the badge and the
state it reached: a badge that expires, is renewed by its issuer and expires
again is news twice.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from nudges.delivery import Outcome, channels_for, claim_all, preferences_for, send_held
from nudges.models import Rule
from nudges.rules import Nudge
from tracker.models import Enrollment

from .models import Badge, BadgeState

# Badge news has its own rule, so its email speaks of the badge, not of a renewal.
RULE = Rule.BADGE


def badge_nudge(badge: Badge) -> Nudge:
    """What the person is told about ``badge`` in its current (revoked or expired) state."""
    name = badge.badge_name or "your badge"
    milestone = badge.milestone.title
    if badge.state == BadgeState.REVOKED:
        title = f"Your badge “{name}” was revoked"
        body = (
            f"{badge.issuer_name or 'Its issuer'} revoked “{name}”, your proof for {milestone}, "
            "so it no longer shows as verified."
        )
    else:
        title = f"Your badge “{name}” has expired"
        when = f" on {badge.expires_on:%d %B %Y}" if badge.expires_on else ""
        body = f"“{name}”, your proof for {milestone}, expired{when}, so it no longer shows as verified."
    return Nudge(rule=RULE, period=f"badge:{badge.pk}:{badge.state}", title=title, body=body, url=where(badge))


def where(badge: Badge) -> str:
    """The milestone's panel in a current plan that holds it, else the dashboard."""
    for enrollment in Enrollment.objects.for_user(badge.user).current().order_by("started_at", "pk"):
        if badge.milestone_id in enrollment.milestone_ids():
            return f"{reverse('tracker:plan', args=[enrollment.pk])}#m-{badge.milestone.slug}"
    return reverse("tracker:dashboard")


def tell_owner(badge: Badge, now: datetime | None = None) -> Outcome:
    """Send the badge's news on the owner's channels, at most once per badge and state.

    As every nudge: nothing to an address not confirmed, nothing with the
    reminders switched off, and only on the channels the person chose.
    """
    now = now or timezone.now()
    user = User.objects.reachable().filter(pk=badge.user_id).first()
    if user is None:
        return Outcome()
    prefs = preferences_for([user])[user.pk]
    if not prefs.enabled:
        return Outcome()
    nudge = badge_nudge(badge)
    held = claim_all([(user, nudge, channel) for channel in channels_for(user, prefs)], now)
    # A transient failure leaves its claim released; the nudges' scan takes
    # it up with the person's next batch (nudges.delivery.reclaim_stale).
    return send_held(held, now)
