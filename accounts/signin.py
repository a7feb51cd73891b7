"""Signing in on the web and in the admin: allauth's pages and the admin's, under the sign-in limits.

Every password sign-in goes through accounts.signin_limits: allauth's through
the adapter below (its own failed-login count, ``login_failed``, is left to
second-factor codes), the admin's through ``AdminLoginForm`` (set on the admin
site in careerplan.urls), the API's in accounts.api.views. The adapter also
gives allauth the client's address as api.client_address reads it, so its rate
limits tell apart the people behind a proxy.

allauth counts its rate limits (ACCOUNT_RATE_LIMITS) in the default cache,
Redis when REDIS_URL is set, and lets a cache error through: with Redis down
every sign-in would be a 500. Like the API's throttles (api.throttling) and
the sign-in limits these fail open: the password is still checked, only the
brake on guessing is off until Redis is back. The one allauth limit on the
sign-in page is the view's ``rate_limit`` decorator (``login``), which runs
before anything else.

Not covered: sign-up and the sign-in of an unverified address send a
verification email, whose limit (``confirm_email``) allauth counts deep in
its flows with no hook to catch it; those still fail while Redis is down.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account import views as allauth_views
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from redis.exceptions import RedisError

from api.client_address import client_address

from .onboarding import is_local_path
from .signin_limits import TOO_MANY_FAILURES, SignInAttempt

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter: password sign-ins under the sign-in limits, and the client's address read once for all."""

    # allauth's messages in the product's words ("sign in", never "login").
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "That email address and password do not match an account. Check both, or choose a new password."
        ),
        "enter_current_password": _("Type your current password."),
        "incorrect_password": _("That is not your current password."),
        "invalid_login": _("That email address and password do not match an account."),
        "rate_limited": _("Too many tries in a short time. Wait a minute, then try again."),
        "unknown_email": _("No account signs in with that email address."),
    }

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Replaces allauth's own failed-login count; allauth makes a new
        # adapter per call, so the attempt is this sign-in's alone.
        self.signin_attempt = SignInAttempt(request, _login_of(credentials))
        if self.signin_attempt.begin() is not None:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            self.signin_attempt.succeeded()
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's hook after a password reset, which proves the owner: their
        # failures no longer hold the account (nor this address on it).
        super()._delete_login_attempts_cached_email(request, **credentials)
        SignInAttempt(request, _login_of(credentials)).forget_account()

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Only when the sign-in has no ``next`` of its own: where the person was
        # going when they signed up (accounts.onboarding), else the dashboard.
        user = request.user
        continue_to = getattr(user, "continue_to", "")
        if continue_to and is_local_path(continue_to, request):
            return str(continue_to)
        return str(super().get_login_redirect_url(request))


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form, under the same limits as every other sign-in."""

    def clean(self) -> dict[str, Any]:
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (email and password) or self.request is None:
            return super().clean()  # a field missing: no password is checked
        attempt = SignInAttempt(self.request, email)
        if attempt.begin() is not None:
            raise ValidationError(TOO_MANY_FAILURES, code="too_many_attempts")
        try:
            cleaned = super().clean()
        finally:
            # A right password is no failure, even for an account the admin then
            # turns away (not staff).
            if self.user_cache is not None:
                attempt.succeeded()
        return cleaned


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page; if its ``login`` rate limit cannot reach the cache, the page runs without it.

    The limit is the outermost decorator of allauth's ``dispatch`` and touches
    the cache before the form is read, so when it fails nothing has happened
    yet and the undecorated view can run. A cache error once the form is read
    is not retried (the sign-in limits the adapter applies fail open by themselves).
    """

    form_read = False

    @method_decorator(sensitive_post_parameters("password"))
    @method_decorator(never_cache)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except RedisError:
            if self.form_read:
                raise
            logger.warning("sign-in: the cache is unreachable; the rate limit is skipped")
            # The next class in the MRO after allauth's LoginView: its dispatch without the decorator.
            return super(allauth_views.LoginView, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        self.form_read = True
        return super().get_form_kwargs()
