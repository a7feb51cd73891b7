"""allauth's sign-up and sign-in, and what a visitor did before them (``accounts.onboarding``).

Connected in ``AccountsConfig.ready()``. Both signals are sent inside the
POST that signs up or signs in, so nothing here writes on a GET.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in, user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from . import onboarding
from .models import User


@receiver(user_signed_up, dispatch_uid="accounts.keep_what_came_before_sign_up")
def keep_what_came_before_sign_up(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A new account keeps the quiz taken before it, and where its owner was going (``next``)."""
    onboarding.keep_quiz(request, user)
    onboarding.remember_destination(request, user, request.POST.get("next", ""))


@receiver(user_logged_in, dispatch_uid="accounts.keep_what_came_before_sign_in")
def keep_what_came_before_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A sign-in keeps a quiz taken signed out on the account, and spends the destination kept at sign-up.

    allauth sends this after it chose where to go (``AccountAdapter.get_login_redirect_url``
    read ``continue_to``), so forgetting it here cannot change this redirect.
    """
    onboarding.keep_quiz(request, user)
    onboarding.forget_destination(user)
