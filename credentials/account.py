"""The badges' part of an account (``accounts.parts``): in "Export my data", and gone with the account."""

from __future__ import annotations

from typing import Any

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .models import Badge


def export(user: User) -> dict[str, Any]:
    """Every badge ``user`` attached, with the last check's result and the assertion as published."""
    return {
        "badges": [
            {
                "id": badge.pk,
                "milestone": badge.milestone.slug,
                "source_url": badge.source_url,
                "from_image": badge.from_image,
                "state": badge.state,
                "issuer_name": badge.issuer_name,
                "badge_name": badge.badge_name,
                "issued_on": iso(badge.issued_on),
                "expires_on": iso(badge.expires_on),
                "checked_at": iso(badge.checked_at),
                "problem": badge.problem,
                "assertion": badge.assertion,
                "attached_at": iso(badge.created_at),
            }
            for badge in Badge.objects.of(user).select_related("milestone").order_by("created_at", "id")
        ]
    }


parts.register(parts.AccountPart(name="badges", export=export))
