"""The calendar feed's part of an account (``accounts.parts``): in "Export my data", and gone with the account."""

from __future__ import annotations

from typing import Any

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .models import CalendarFeed


def export(user: User) -> dict[str, Any]:
    """Whether ``user`` has a calendar feed, and since when; never its token, which reads their dates."""
    feed = CalendarFeed.objects.filter(user=user).first()
    return {"calendar_feed": {"subscribed": feed is not None, "created_at": iso(feed.created_at) if feed else None}}


parts.register(parts.AccountPart(name="calendar", export=export))
