"""Receivers of django-allauth's account signals.

A new password (changed while signed in, set, or reset from an emailed link)
revokes every API refresh token of the person: whoever held the old password
or a copied refresh token is signed out of the mobile app as well.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from .models import User


@receiver(password_changed, dispatch_uid="accounts.revoke_tokens_on_password_changed")
@receiver(password_set, dispatch_uid="accounts.revoke_tokens_on_password_set")
@receiver(password_reset, dispatch_uid="accounts.revoke_tokens_on_password_reset")
def revoke_api_tokens(sender: Any, user: User, **kwargs: Any) -> None:
    """Revoke the person's refresh tokens once allauth has saved a new password."""
    user.revoke_refresh_tokens()
