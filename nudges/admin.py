"""Admin for reminder nudges: deliveries, the inbox and push devices (read-only), and preferences on a user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tracker.admin import ReadOnlyAdmin

from .models import Delivery, Device, Notification, ReminderPreferences


class ReminderPreferencesInline(admin.StackedInline):
    model = ReminderPreferences
    can_delete = False
    max_num = 1
    extra = 0
    fieldsets = (
        (None, {"fields": ("enabled", "email_enabled", "in_app_enabled", "push_enabled")}),
        ("When", {"fields": ("stalled_after_days", "quiet_start", "quiet_end", "snoozed_until")}),
        ("Weekly digest", {"fields": ("digest_enabled", "digest_weekday", "digest_hour")}),
    )


DELIVERY_COUNT_DAYS = 14


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "rule", "channel", "status", "attempts", "short_error", "period", "sent_at")
    list_select_related = ("user",)
    list_filter = ("rule", "channel", "status")
    search_fields = ("user__email", "user__display_name", "period")
    date_hierarchy = "created_at"
    change_list_template = "admin/nudges/delivery/change_list.html"

    @admin.display(description="last error")
    def short_error(self, delivery: Delivery) -> str:
        return delivery.last_error[:80]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The list, with counts per rule and day for the last two weeks above it."""
        since = timezone.now() - timedelta(days=DELIVERY_COUNT_DAYS)
        # Served by the (rule, created_at) index.
        rows = (
            Delivery.objects.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day", "rule")
            .annotate(total=Count("id"), sent=Count("id", filter=models.Q(status="sent")))
            .order_by("-day", "rule")
        )
        return super().changelist_view(request, {**(extra_context or {}), "counts_per_rule_and_day": list(rows)})


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "rule", "title", "read_at")
    list_select_related = ("user",)
    list_filter = ("rule",)
    search_fields = ("user__email", "title")


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "platform", "created_at", "last_seen_at")
    list_select_related = ("user",)
    list_filter = ("platform",)
    search_fields = ("user__email",)
    # The push token addresses the person's phone: never shown.
    fields = ("user", "platform", "created_at", "last_seen_at")
    readonly_fields = ("created_at", "last_seen_at")
