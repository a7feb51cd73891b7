"""What the sign-up and sign-in pages say about what a visitor did before (``accounts.onboarding``)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import onboarding

register = template.Library()


@register.simple_tag(takes_context=True)
def remembered_quiz_top(context: dict[str, Any]) -> str:
    """The best-fitting track of the quiz waiting in this visitor's session, or "" if none."""
    request = context.get("request")
    data = onboarding.remembered_quiz(request) if request is not None else None
    ranking = data.get("ranking") if data else None
    first = ranking[0] if isinstance(ranking, list) and ranking else None
    return str(first.get("name", "")) if isinstance(first, dict) else ""


@register.simple_tag
def confirmation_link_days() -> int:
    """How many days a link confirming an address works (allauth's ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS)."""
    from allauth.account import app_settings

    return int(app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
