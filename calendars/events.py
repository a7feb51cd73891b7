"""What a person's calendar holds: the dates of their plans, as all-day events with stable UIDs.

Read from ``tracker.progress`` (the same reading as the dashboard), so the
calendar, the pages, the API and the nudges agree on every date:

- each milestone still to do (needed, not done or skipped, not held up by a
  skipped prerequisite) with a target date;
- each plan's own target date (a plan not yet completed);
- each certification held: its renewal window opening, the last
  ``RENEWAL_CLOSING_DAYS`` days of it, and its expiry.

A milestone in several plans is one event (its dates are the person's, not a
plan's); its link goes to the first plan listing it. Every date is a date of
the person's own calendar, so the events are all-day (floating) dates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from accounts.models import User
from tracker.models import RENEWAL_CLOSING_DAYS, Enrollment, EnrollmentStatus, Milestone
from tracker.progress import StepState, TrackProgress, progress_for_enrollments, track_progress

# Event kinds, in UIDs: never rename one, or every calendar sees new events.
TARGET, PLAN, RENEWAL_OPENS, RENEWAL_CLOSING, EXPIRES = "target", "plan", "renewal-opens", "renewal-closing", "expires"


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event: what the calendar shows and the UID it is matched by."""

    uid: str
    day: date
    summary: str
    description: str
    url: str

    @property
    def digest(self) -> str:
        """A fingerprint of what a calendar shows: a new one means a new SEQUENCE."""
        content = "\x1f".join((self.day.isoformat(), self.summary, self.description, self.url))
        return hashlib.sha256(content.encode()).hexdigest()


def uid(kind: str, owner: str, milestone: Milestone | None = None) -> str:
    """``careerplan-<kind>-<owner>[-m<milestone id>]@<host>``: ids only (never the email), stable across fetches.

    The host is the site's configured one (``SITE_URL``), not the request's,
    so fetching through another name does not make every event new.
    """
    host = urlsplit(settings.SITE_URL).hostname or "careerplan"
    tail = f"-m{milestone.pk}" if milestone is not None else ""
    return f"careerplan-{kind}-{owner}{tail}@{host}"


def feed_events(user: User, today: date | None = None) -> list[CalendarEvent]:
    """Every event of ``user``'s calendar, in plan order, in a fixed number of queries."""
    enrollments = list(Enrollment.objects.for_user(user).current().select_related("track").order_by("started_at", "id"))
    progress = progress_for_enrollments(user, enrollments, today=today)
    events: dict[str, CalendarEvent] = {}
    for enrollment in enrollments:
        plan = progress[enrollment.pk]
        for event in [*_plan_events(plan), *_milestone_events(plan, plan.items)]:
            events.setdefault(event.uid, event)
    return list(events.values())


def milestone_event(enrollment: Enrollment, milestone: Milestone) -> CalendarEvent | None:
    """The one event "Add to calendar" gives for ``milestone`` in ``enrollment``.

    A held certification's expiry, else the target date of a milestone not
    done or skipped; None when there is neither.
    """
    plan = track_progress(enrollment)
    item = next((i for i in plan.items if i.milestone.pk == milestone.pk), None)
    if item is None:
        return None
    if item.validity is not None:
        return _certification_events(plan, item)[-1]  # the expiry
    if item.target_date is not None and not item.is_settled:
        return _target_event(plan, item)
    return None


def _link(plan: TrackProgress, milestone: Milestone | None = None) -> str:
    return settings.SITE_URL + plan.enrollment.get_absolute_url(milestone)


def _plan_events(plan: TrackProgress) -> list[CalendarEvent]:
    enrollment = plan.enrollment
    if enrollment.target_date is None or enrollment.status == EnrollmentStatus.COMPLETED:
        return []
    name = enrollment.track.name
    return [
        CalendarEvent(
            uid=uid(PLAN, f"e{enrollment.pk}"),
            day=enrollment.target_date,
            summary=f"Plan target: {name}",
            description=f"The date you set to reach the end of your plan {name}.",
            url=_link(plan),
        )
    ]


def _milestone_events(plan: TrackProgress, items: Sequence[StepState]) -> list[CalendarEvent]:
    to_do = {id(item) for item in plan.to_do}
    events: list[CalendarEvent] = []
    for item in items:
        if item.validity is not None:
            events += _certification_events(plan, item)
        elif id(item) in to_do and item.target_date is not None:
            events.append(_target_event(plan, item))
    return events


def _target_event(plan: TrackProgress, item: StepState) -> CalendarEvent:
    milestone = item.milestone
    assert item.target_date is not None
    return CalendarEvent(
        uid=uid(TARGET, f"u{plan.enrollment.user_id}", milestone),
        day=item.target_date,
        summary=f"Target: {milestone.title}",
        description=f"Your target date for {milestone.title}, in your plan {plan.enrollment.track.name}.",
        url=_link(plan, milestone),
    )


def _certification_events(plan: TrackProgress, item: StepState) -> list[CalendarEvent]:
    """A held certification's renewal window opening, its last days, and its expiry (in that order)."""
    validity = item.validity
    assert validity is not None
    milestone = item.milestone
    owner = f"u{plan.enrollment.user_id}"
    expires = f"{validity.expires_on:%-d %B %Y}"
    renew = (
        f"Renew it by taking {milestone.successor.title}: {milestone.title} was retired."
        if (item.is_retired and milestone.successor is not None)
        else "Record the renewal on the milestone."
    )
    link = _link(plan, milestone)
    closing = validity.expires_on - timedelta(days=RENEWAL_CLOSING_DAYS)
    events = [
        CalendarEvent(
            uid=uid(RENEWAL_OPENS, owner, milestone),
            day=validity.renewal_opens_on,
            summary=f"Renewal opens: {milestone.title}",
            description=f"{milestone.title} expires on {expires}; you can renew it from today. {renew}",
            url=link,
        )
    ]
    # A window shorter than the closing days is "closing" from its first day: the opening says it all.
    if closing > validity.renewal_opens_on:
        events.append(
            CalendarEvent(
                uid=uid(RENEWAL_CLOSING, owner, milestone),
                day=closing,
                summary=f"{RENEWAL_CLOSING_DAYS} days left to renew: {milestone.title}",
                description=f"{milestone.title} expires on {expires}. {renew}",
                url=link,
            )
        )
    events.append(
        CalendarEvent(
            uid=uid(EXPIRES, owner, milestone),
            day=validity.expires_on,
            summary=f"Expires: {milestone.title}",
            description=f"{milestone.title} no longer counts from today unless it was renewed. {renew}",
            url=link,
        )
    )
    return events
