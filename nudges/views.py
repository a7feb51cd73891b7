"""The nudges' pages: the inbox of in-app nudges and the one-click unsubscribe page.

Unsubscribing (RFC 8058): opening the link (GET, or HEAD as mail scanners do)
only shows a confirmation; the POST, with no cookie and no login, turns that
channel off and answers 200. A link past its lifetime, or sent to an address
the account no longer has, answers 410 and changes nothing, except for its own
account signed in, which may stop the reminders from that page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.models import User

from .models import Notification
from .unsubscribe import UnsubscribeLink, read_link, stop_channel


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (typing only)."""

    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


INBOX_LIMIT = 100


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The newest nudges, unread first marked."""
    notifications = Notification.objects.filter(user=_user(request))[:INBOX_LIMIT]
    return render(request, "nudges/inbox.html", {"notifications": notifications})


def _inbox_response(request: HtmxHttpRequest, notification: Notification | None = None) -> HttpResponse:
    if request.htmx and notification is not None:
        return render(request, "nudges/includes/notification_swap.html", {"note": notification})
    return redirect("nudges:inbox")


@login_required
@require_POST
def notification_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark one nudge read."""
    notification = get_object_or_404(Notification.objects.filter(user=_user(request)), pk=pk)
    notification.mark_read()
    return _inbox_response(request, notification)


@login_required
@require_POST
def notifications_read_all(request: HtmxHttpRequest) -> HttpResponse:
    """Mark every unread nudge read."""
    count = Notification.objects.filter(user=_user(request)).mark_read()
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _inbox_response(request)


@csrf_exempt  # mail clients POST with no cookie and no CSRF token (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, channel: str, token: str) -> HttpResponse:
    """GET/HEAD: confirm, change nothing. POST: turn the channel off, 200. An outdated link: 410."""
    link = read_link(channel, token)
    if link is None:
        return render(request, "nudges/unsubscribe_invalid.html", status=400)
    label = link.channel.label.lower()
    if not link.current:
        return _outdated_link(request, link, label)
    if request.method == "POST":
        stop_channel(link.user, link.channel)
        return render(request, "nudges/unsubscribe_done.html", {"channel_label": label})
    return render(request, "nudges/unsubscribe_confirm.html", {"channel_label": label})


def _outdated_link(request: HttpRequest, link: UnsubscribeLink, label: str) -> HttpResponse:
    """The link no longer acts alone: its own account, signed in, may still stop the reminders here."""
    own_account = request.user.is_authenticated and request.user.pk == link.user.pk
    if request.method == "POST" and own_account:
        return _stop_signed_in(request, link, label)
    context = {"channel_label": label, "own_account": own_account}
    return render(request, "nudges/unsubscribe_expired.html", context, status=410)


@csrf_protect  # the session acts here, not the link: a cross-site POST must not
def _stop_signed_in(request: HttpRequest, link: UnsubscribeLink, label: str) -> HttpResponse:
    stop_channel(link.user, link.channel)
    return render(request, "nudges/unsubscribe_done.html", {"channel_label": label})
