"""Staff's second factor (allauth.mfa): the admin opens only to a session that proved it.

allauth asks for the authenticator code when its own sign-in is used, but the
admin's login form (and any login that is not allauth's) signs a person in
with the password alone. So for a staff member with an authenticator app,
every page waits until this session has proved the second factor: allauth's
sign-in with the code, its "enter your code" page (``mfa_reauthenticate``),
or setting the app up here, which takes a code too. With STAFF_REQUIRE_MFA a
staff member without one is sent to set it up before the admin opens.

The second factor is for staff: the API signs in with a password alone and
gives no staff powers, so an authenticator on an ordinary account would
promise more than it keeps. Its pages are 404 to anyone else, except to
someone who has one already (a former staff member), to manage or remove it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Set by activating an authenticator in this session: the code typed there proved it.
PROVED_SESSION_KEY = "accounts.mfa.proved_by"

# allauth.mfa's pages for managing an authenticator (its sign-in and
# "enter your code" pages are not among them: they only ask for a code).
MANAGEMENT_PAGES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}
# Pages a staff member still to prove the second factor can open: proving it,
# and signing out instead.
ALWAYS_OPEN = {"mfa_reauthenticate", "account_logout", "admin:logout"}


def has_authenticator_app(user: Any) -> bool:
    """Whether ``user`` has an authenticator that yields codes (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_proved_second_factor(request: HttpRequest) -> bool:
    """Whether this session's person typed an authenticator or recovery code since signing in."""
    if request.session.get(PROVED_SESSION_KEY) == request.user.pk:
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def remember_activation(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Activating an authenticator took a code from it: this session has proved the second factor."""
    request.session[PROVED_SESSION_KEY] = user.pk


class StaffSecondFactorMiddleware:
    """Keeps staff sessions without a proved second factor out of everything but proving it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Connected here because it matters only where this middleware runs.
        authenticator_added.connect(remember_activation, dispatch_uid="accounts.mfa.remember_activation")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match is None or match.view_name in ALWAYS_OPEN:
            return None
        if not user.is_staff:
            if match.view_name in MANAGEMENT_PAGES and not has_authenticator_app(user):
                raise Http404("Two-factor authentication is for staff accounts.")
            return None
        if session_proved_second_factor(request):
            return None
        if has_authenticator_app(user):
            messages.info(request, "Enter the code from your authenticator app to go on.")
            return redirect_with_next("mfa_reauthenticate", request)
        if match.app_name == "admin" and settings.STAFF_REQUIRE_MFA:
            messages.info(request, "Staff need an authenticator app to use the admin: set one up first.")
            return redirect_with_next("mfa_activate_totp", request)
        return None


def redirect_with_next(view_name: str, request: HttpRequest) -> HttpResponseRedirect:
    """A redirect to ``view_name`` that comes back to the page asked for."""
    return HttpResponseRedirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")
