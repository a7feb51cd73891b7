"""Events as iCalendar (RFC 5545), written by the ``icalendar`` package: folding, escaping and CRLFs are its job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta

from icalendar import Calendar, Event, vDuration

from .events import CalendarEvent
from .models import EventRevision

PRODID = "-//CareerPlan//Calendar feed//EN"
# How often a calendar app should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and
# Outlook's X-PUBLISHED-TTL). Google ignores both and fetches every several hours anyway.
REFRESH = timedelta(hours=4)


def calendar(name: str, events: Sequence[CalendarEvent], revisions: dict[str, EventRevision]) -> bytes:
    """A VCALENDAR named ``name`` holding ``events``, each with its SEQUENCE and DTSTAMP from ``revisions``.

    No METHOD: a published calendar, in which DTSTAMP is when the event last
    changed (RFC 5545 3.8.7.2), so an unchanged event is the same bytes on
    every fetch. Events are all-day: DTSTART and DTEND (the next day) are
    dates, and TRANSP:TRANSPARENT keeps them out of free/busy.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        revision = revisions[event.uid]
        stamp = revision.changed_at.astimezone(UTC)
        vevent = Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("last-modified", stamp)
        vevent.add("sequence", revision.sequence)
        vevent.add("dtstart", event.day)
        vevent.add("dtend", event.day + timedelta(days=1))
        vevent.add("summary", event.summary)
        vevent.add("description", f"{event.description}\n{event.url}")
        vevent.add("url", event.url)
        vevent.add("transp", "TRANSPARENT")
        cal.add_component(vevent)
    return cal.to_ical()
