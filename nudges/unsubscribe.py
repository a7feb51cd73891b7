"""One-click unsubscribe (RFC 8058): a signed link that works logged out, for a while, for one address.

Opening the link (GET, or HEAD as mail scanners do) only shows a confirmation;
the POST, with no cookie and no login, turns that channel off and answers 200.
The token is signed with a salt naming its purpose and channel, so no other
signed value of the site (nor an email token used for push) is accepted.

A link is bound to the address it was sent to (a keyed hash of it travels in
the signed payload) and lasts ``NUDGE_UNSUBSCRIBE_LINK_DAYS``: once the
account's email has changed, or the link is older, it no longer acts on its
own (the old mailbox may belong to someone else by now, and a link should not
be a credential forever). It still names its account, so the page can offer
that person, signed in, to stop the reminders there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from accounts.models import User
from nudges.models import Channel, ReminderPreferences

CHANNEL_FIELDS = {
    Channel.EMAIL: "email_enabled",
    Channel.IN_APP: "in_app_enabled",
    Channel.PUSH: "push_enabled",
}


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a genuine link names: its account and channel, and whether it still acts on its own."""

    user: User
    channel: Channel
    current: bool  # within its lifetime, and the account's email is still the address it was sent to


def _salt(channel: str) -> str:
    return f"careerplan.nudges.unsubscribe.{channel}"


def address_digest(address: str) -> str:
    """A keyed hash of an email address: links name it without showing it (URLs end up in logs)."""
    return salted_hmac("careerplan.nudges.unsubscribe.address", address.strip().casefold()).hexdigest()[:32]


def make_token(user: User, channel: str, address: str | None = None) -> str:
    """A token that turns ``channel`` off for ``user`` while sent to ``address`` (the account's email by default)."""
    sent_to = user.email if address is None else address
    return signing.dumps({"u": user.pk, "c": channel, "a": address_digest(sent_to)}, salt=_salt(channel), compress=True)


def unsubscribe_url(user: User, channel: str, address: str | None = None) -> str:
    """The absolute one-click link, for the List-Unsubscribe header and the mail's footer."""
    return settings.SITE_URL + reverse("nudges:unsubscribe", args=[channel, make_token(user, channel, address)])


def read_link(channel: str, token: str) -> UnsubscribeLink | None:
    """The link ``token`` is, or None if tampered with, for another purpose, or for no active account.

    The signature is checked first without an age limit, so an old but genuine
    link still names its account; ``current`` says whether it may act alone.
    """
    if channel not in CHANNEL_FIELDS:
        return None
    try:
        data = signing.loads(token, salt=_salt(channel))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != channel or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        return None
    lifetime = timedelta(days=settings.NUDGE_UNSUBSCRIBE_LINK_DAYS)
    try:
        signing.loads(token, salt=_salt(channel), max_age=lifetime)
    except signing.SignatureExpired:
        return UnsubscribeLink(user, Channel(channel), current=False)
    # A link made before links named their address has no "a": it no longer acts alone either.
    return UnsubscribeLink(user, Channel(channel), current=data.get("a") == address_digest(user.email))


def stop_channel(user: User, channel: Channel) -> None:
    """Turn ``channel``'s reminders off for ``user``; doing it twice changes nothing more."""
    prefs = ReminderPreferences.for_user(user)
    field = CHANNEL_FIELDS[channel]
    setattr(prefs, field, False)
    prefs.save(update_fields=[field, "updated_at"])
