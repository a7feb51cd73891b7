"""One-click unsubscribe (RFC 8058): a signed link that works logged out.

Opening the link (GET, or HEAD as mail scanners do) only shows a confirmation;
the POST, with no cookie and no login, turns that channel off and answers 200.
The token is signed with a salt naming its purpose and channel, so no other
signed value of the site (nor an email token used for push) is accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import ReminderPreferences, User
from tracker.models import Channel

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


@csrf_exempt  # mail clients POST with no cookie and no CSRF token (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, channel: str, token: str) -> HttpResponse:
    """GET/HEAD: confirm, change nothing. POST: turn the channel off, 200."""
    user = read_token(channel, token)
    if user is None:
        return render(request, "nudges/unsubscribe_invalid.html", status=400)
    label = Channel(channel).label.lower()
    if request.method == "POST":
        prefs = ReminderPreferences.for_user(user)
        field = CHANNEL_FIELDS[Channel(channel)]
        setattr(prefs, field, False)
        prefs.save(update_fields=[field, "updated_at"])
        return render(request, "nudges/unsubscribe_done.html", {"channel_label": label})
    return render(request, "nudges/unsubscribe_confirm.html", {"channel_label": label})


app_name = "nudges"
urlpatterns = [
    path("unsubscribe/<str:channel>/<str:token>/", unsubscribe, name="unsubscribe"),
]
