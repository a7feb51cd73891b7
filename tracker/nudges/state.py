"""Reading one user's state for the rules, in a handful of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max

from accounts.models import ReminderPreferences
from tracker.models import Delivery, Enrollment, EnrollmentStatus, ProgressEvent, Status
from tracker.progress import progress_for_enrollments, weekly_streak

from .rules import Preferences, UserState

if TYPE_CHECKING:
    from accounts.models import User

DELIVERED_HORIZON = timedelta(days=120)


def preferences_of(prefs: ReminderPreferences) -> Preferences:
    """The rules' view of a ReminderPreferences row."""
    return Preferences(
        enabled=prefs.enabled,
        stalled_after_days=prefs.stalled_after_days,
        digest_enabled=prefs.digest_enabled,
        digest_weekday=prefs.digest_weekday,
        digest_hour=prefs.digest_hour,
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        snoozed_until=prefs.snoozed_until,
        last_nudged_on=prefs.last_nudged_on,
    )


def load_state(user: User, prefs: ReminderPreferences, now: datetime) -> UserState:
    """``user``'s active plans, last activity and week, as the rules read them.

    Only active enrollments count: nudges stop for a track that is completed,
    paused or archived.
    """
    tz = user.tzinfo
    today = now.astimezone(tz).date()
    enrollments = list(
        Enrollment.objects.filter(user=user, status=EnrollmentStatus.ACTIVE).select_related("track").order_by("pk")
    )
    progress = progress_for_enrollments(user, enrollments, today=today)
    # Served by the (user, created_at) index on ProgressEvent.
    last_event = ProgressEvent.objects.filter(user=user).aggregate(last=Max("created_at"))["last"]
    started = max((e.started_at for e in enrollments), default=None)
    last_activity = max((t for t in (last_event, started) if t is not None), default=None)
    week_ago = now - timedelta(days=7)
    done_this_week = list(
        ProgressEvent.objects.filter(user=user, to_status=Status.DONE, created_at__gt=week_ago)
        .order_by("created_at")
        .values_list("milestone__title", flat=True)
    )
    # Served by the unique (user, rule, period, channel) index; older
    # occurrences cannot come round again.
    delivered = frozenset(
        Delivery.objects.filter(user=user, created_at__gte=now - DELIVERED_HORIZON).values_list("rule", "period")
    )
    return UserState(
        user_id=user.pk,
        name=user.name,
        tz=tz,
        prefs=preferences_of(prefs),
        plans=[progress[e.pk] for e in enrollments],
        last_activity=last_activity,
        done_this_week=done_this_week,
        streak=weekly_streak(user, today=today) if enrollments else 0,
        delivered=delivered,
    )
