"""The nudges' part of a person's account: reminder preferences and what was sent (``accounts.parts``)."""

from __future__ import annotations

from typing import Any

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .admin import ReminderPreferencesInline
from .api.serializers import ReminderPreferencesSerializer
from .forms import ReminderPreferencesForm
from .models import Delivery, Device, Notification, ReminderPreferences


def export(user: User) -> dict[str, Any]:
    """Preferences, the inbox, devices (token masked) and the delivery ledger."""
    prefs = ReminderPreferences.for_user(user)
    return {
        "reminder_preferences": {name: iso(getattr(prefs, name)) for name in ReminderPreferences.USER_FIELDS},
        "notifications": [
            {
                "rule": n.rule,
                "title": n.title,
                "body": n.body,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "devices": [
            {
                "platform": d.platform,
                "token_ending": d.token[-6:],
                "apns_environment": d.apns_environment,
                "app_version": d.app_version,
                "locale": d.locale,
                "created_at": iso(d.created_at),
            }
            for d in Device.objects.filter(user=user).order_by("created_at", "id")
        ],
        "deliveries": [
            {"rule": d.rule, "channel": d.channel, "period": d.period, "status": d.status, "sent_at": iso(d.sent_at)}
            for d in Delivery.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


parts.register(
    parts.AccountPart(
        name="reminders",
        export=export,
        instance=ReminderPreferences.for_user,
        settings_form=ReminderPreferencesForm,
        settings_title="Reminders",
        settings_help="Hours are in your time zone.",
        serializer=ReminderPreferencesSerializer,
        me_field="reminder_preferences",
        admin_inline=ReminderPreferencesInline,
    )
)
