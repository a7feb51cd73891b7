"""Everything CareerPlan holds about one person, for "Export my data"."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import parts
from .models import QuizResult, User


def iso(value: Any) -> Any:
    """A date or time as ISO 8601 text; anything else as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_user_data(user: User) -> dict[str, Any]:
    """A JSON-ready dict of the user's profile and every app's part (``accounts.parts``).

    Used by the web settings page and by ``GET /api/v1/me/export/``; both
    promise "everything the product holds about you", so it lives in one place.
    Secrets (the password hash, push tokens in full, share tokens) are left out
    or masked: an export file is often mailed around.
    """
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
    }
    quiz = QuizResult.objects.filter(user=user).first()
    data["quiz_result"] = (
        {"taken_at": iso(quiz.taken_at), "answers": quiz.answers, "ranking": quiz.ranking} if quiz else None
    )
    for part in parts.registered():
        if part.export is not None:
            data.update(part.export(user))
    return data
