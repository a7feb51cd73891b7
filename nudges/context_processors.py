"""Template context every page needs: the unread count in the header."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """``unread_count`` for the signed-in user's inbox badge, read lazily.

    A callable, so pages that never render the header (JSON, redirects) and
    anonymous visitors cost no query; the (user, read_at) index serves it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0}

    def count() -> int:
        return Notification.objects.filter(user=user).unread().count()

    return {"unread_count": count}
