"""The calendar feed (no login: the token is the credential), turning it on and off, and one event's download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from tracker.models import Enrollment, Milestone

from . import ics
from .events import CalendarEvent, feed_events, milestone_event
from .models import CalendarFeed, EventRevision

if TYPE_CHECKING:
    from rest_framework.request import Request


def feed_url(request: HttpRequest | Request, feed: CalendarFeed) -> str:
    """The feed's absolute address, on the host the person is using (as the shared link's)."""
    return request.build_absolute_uri(reverse("calendars:feed", args=[feed.token]))


def _ics_response(user: User, events: list[CalendarEvent], filename: str, attachment: bool) -> HttpResponse:
    revisions = EventRevision.objects.revise(user, {event.uid: event.digest for event in events})
    name = f"CareerPlan: {user.display_name}" if user.display_name else "CareerPlan"
    response = HttpResponse(ics.calendar(name, events, revisions), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # The address is a secret and a revoked one must stop at once: no cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar, for calendar apps to subscribe to; 404 for a token revoked or never made."""
    subscription = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    user = subscription.user
    if not user.is_active:
        raise Http404("No such calendar.")
    return _ics_response(user, feed_events(user), "careerplan.ics", attachment=False)


@login_required
@require_POST
def subscription(request: HttpRequest) -> HttpResponse:
    """Make the feed (``feed=on``; the existing one if there is one) or revoke it (anything else)."""
    user = request.user
    assert isinstance(user, User)
    if request.POST.get("feed") == "on":
        CalendarFeed.objects.open(user)
        messages.success(request, "Your calendar feed is ready: add its address to your calendar app.")
    else:
        CalendarFeed.objects.revoke(user)
        messages.success(request, "The calendar feed is off: its address no longer works.")
    return redirect(f"{reverse('accounts:settings')}#calendar")


@login_required
@require_safe
def milestone_download(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One milestone's date as a single event to import ("Add to calendar"): the owner's current plans only."""
    user = request.user
    assert isinstance(user, User)
    enrollment = get_object_or_404(Enrollment.objects.for_user(user).current().select_related("track"), pk=pk)
    try:
        milestone = enrollment.milestone_in_plan(slug)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone in this plan.") from None
    event = milestone_event(enrollment, milestone)
    if event is None:
        raise Http404("This milestone has no date to add to a calendar.")
    return _ics_response(user, [event], f"{milestone.slug}.ics", attachment=True)
