"""Everything CareerPlan holds about one person, for "Export my data"."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import ReminderPreferences, User
from tracker.models import Delivery, Device, Enrollment, MilestoneProgress, Notification, ProgressEvent


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_user_data(user: User) -> dict[str, Any]:
    """A JSON-ready dict of the user's profile, preferences, plans, history and messages.

    Used by the web settings page and by ``GET /api/v1/me/export/``; both
    promise "everything the product holds about you", so it lives in one place.
    Secrets (the password hash, push tokens in full, share tokens) are left out
    or masked: an export file is often mailed around.
    """
    prefs = ReminderPreferences.for_user(user)
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "reminder_preferences": {name: _iso(getattr(prefs, name)) for name in ReminderPreferences.USER_FIELDS},
        "enrollments": [
            {
                "track": e.track.slug,
                "status": e.status,
                "started_at": _iso(e.started_at),
                "target_date": _iso(e.target_date),
                "completed_at": _iso(e.completed_at),
                "shared": bool(e.share_token),
            }
            for e in Enrollment.objects.filter(user=user).select_related("track").order_by("started_at", "id")
        ],
        "progress": [
            {
                "milestone": p.milestone.slug,
                "status": p.status,
                "started_at": _iso(p.started_at),
                "completed_at": _iso(p.completed_at),
                "target_date": _iso(p.target_date),
                "evidence_url": p.evidence_url,
                "notes": p.notes,
                "earned_in": p.earned_in.slug if p.earned_in else None,
                "updated_at": _iso(p.updated_at),
            }
            for p in MilestoneProgress.objects.filter(user=user)
            .select_related("milestone", "earned_in")
            .order_by("milestone__slug")
        ],
        "history": [
            {
                "milestone": ev.milestone.slug,
                "track": ev.track.slug if ev.track else None,
                "from": ev.from_status,
                "to": ev.to_status,
                "at": _iso(ev.created_at),
            }
            for ev in ProgressEvent.objects.filter(user=user)
            .select_related("milestone", "track")
            .order_by("created_at", "id")
        ],
        "notifications": [
            {
                "rule": n.rule,
                "title": n.title,
                "body": n.body,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "devices": [
            {"platform": d.platform, "token_ending": d.token[-6:], "created_at": _iso(d.created_at)}
            for d in Device.objects.filter(user=user).order_by("created_at", "id")
        ],
        "deliveries": [
            {"rule": d.rule, "channel": d.channel, "period": d.period, "status": d.status, "sent_at": _iso(d.sent_at)}
            for d in Delivery.objects.filter(user=user).order_by("created_at", "id")
        ],
    }
