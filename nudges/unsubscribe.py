"""One-click unsubscribe (RFC 8058): a signed link that works logged out.

Opening the link (GET, or HEAD as mail scanners do) only shows a confirmation;
the POST, with no cookie and no login, turns that channel off and answers 200.
The token is signed with a salt naming its purpose and channel, so no other
signed value of the site (nor an email token used for push) is accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User
from nudges.models import Channel

CHANNEL_FIELDS = {
    Channel.EMAIL: "email_enabled",
    Channel.IN_APP: "in_app_enabled",
    Channel.PUSH: "push_enabled",
}


def _salt(channel: str) -> str:
    return f"careerplan.nudges.unsubscribe.{channel}"


def make_token(user: User, channel: str) -> str:
    """A token that turns ``channel`` off for ``user``; it does not expire."""
    return signing.dumps({"u": user.pk, "c": channel}, salt=_salt(channel), compress=True)


def unsubscribe_url(user: User, channel: str) -> str:
    """The absolute one-click link, for the List-Unsubscribe header and the mail's footer."""
    return settings.SITE_URL + reverse("nudges:unsubscribe", args=[channel, make_token(user, channel)])


def read_token(channel: str, token: str) -> User | None:
    """The user a valid ``channel`` token names, or None if tampered or for another purpose."""
    if channel not in CHANNEL_FIELDS:
        return None
    try:
        data = signing.loads(token, salt=_salt(channel))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != channel or not isinstance(data.get("u"), int):
        return None
    return User.objects.filter(pk=data["u"], is_active=True).first()
