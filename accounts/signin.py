"""allauth's sign-in and sign-up, kept working while Redis is down.

allauth counts its rate limits (ACCOUNT_RATE_LIMITS) in the default cache,
Redis when REDIS_URL is set, and lets a cache error through: with Redis down
every sign-in would be a 500. Like the API's throttles and lockout
(api.throttling, accounts.api.lockout) these limits fail open: the
password is still checked, only the brake on guessing is off until Redis is
back. Two places count on sign-in: the view's ``rate_limit`` decorator
(``login``), which runs before anything else, and the adapter's failed-login
count (``login_failed``).

Not covered: sign-up and the sign-in of an unverified address send a
verification email, whose limit (``confirm_email``) allauth counts deep in
its flows with no hook to catch it; those still fail while Redis is down.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account import views as allauth_views
from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, whose failed-login count lets the attempt through while the cache is down."""

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except RedisError:
            logger.warning("sign-in: the cache is unreachable; the failed-login limit is skipped")
            self._login_failed_rl_usage = None


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page; if its ``login`` rate limit cannot reach the cache, the page runs without it.

    The limit is the outermost decorator of allauth's ``dispatch`` and touches
    the cache before the form is read, so when it fails nothing has happened
    yet and the undecorated view can run. A cache error once the form is read
    is not retried (the adapter above handles the one expected there).
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
