"""The calendar feed on other apps' pages: the settings card and a milestone panel's link need only an include."""

from __future__ import annotations

from django import template

from calendars.models import CalendarFeed
from calendars.views import feed_url

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_feed_url(context: template.Context) -> str:
    """The signed-in person's feed address, absolute; empty when they have none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return ""
    feed = CalendarFeed.objects.filter(user=user).first()
    return feed_url(request, feed) if feed else ""


@register.filter
def webcal(url: str) -> str:
    """``url`` with the webcal scheme, which calendar apps (Apple Calendar, Outlook) open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1] if url else ""
