"""Reminder nudges: how each person wants them, the in-app inbox, push devices and the delivery ledger.

Moved here from ``tracker`` and ``accounts`` without copying data: each model
keeps its table name (``Meta.db_table``), and migration ``0001_initial`` of this
app only takes them over in Django's state (``SeparateDatabaseAndState``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from accounts.models import User


class Rule(models.TextChoices):
    STALLED = "stalled", "Stalled plan"
    DEADLINE = "deadline", "Deadline soon"
    OVERDUE = "overdue", "Overdue milestone"
    RENEWAL = "renewal", "Certification renewal"
    BADGE = "badge", "Badge status"
    MENTOR = "mentor", "Mentor activity"
    SKILLS = "skills", "Skills check-in"
    DIGEST = "digest", "Weekly digest"
    CELEBRATION = "celebration", "Celebration"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app"
    PUSH = "push", "Push"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mark_read(self, now: datetime | None = None) -> int:
        """Mark the unread ones read in one UPDATE; returns how many changed."""
        return self.unread().update(read_at=now or timezone.now())


class Notification(models.Model):
    """An in-app nudge, shown in the web inbox and through the API."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where the nudge leads, a path in the app.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The in-app delivery this entry was written for: a push of the same nudge
    # names it (``data.notification``), so tapping the push can open and mark it.
    delivery = models.OneToOneField(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="notification", editable=False
    )

    objects = models.Manager.from_queryset(NotificationQuerySet)()

    class Meta:
        db_table = "tracker_notification"
        ordering = ("-created_at", "-id")
        indexes = [
            # The inbox and the unread badge: newest first, unread only.
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"

    def mark_read(self, now: datetime | None = None) -> None:
        """Mark read; reading it again keeps the first time."""
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])


class Platform(models.TextChoices):
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"
    WEB = "web", "Web"


class DeviceTaken(Exception):
    """The push token is registered to another account (the API answers 409 ``device_taken``, naming nobody)."""

    http_status = 409
    error_code = "device_taken"

    def __init__(self) -> None:
        super().__init__(
            _("This device is registered to another account. Sign out of that account in the app, then try again.")
        )


# What the app may say about a device besides its token and platform.
DEVICE_DETAILS = ("apns_environment", "app_version", "locale")

APNS_ONLY_ON_IOS = gettext_lazy("Only an iOS device has an APNs environment.")


def validate_apns_environment(platform: str, environment: str) -> None:
    """An APNs environment belongs to iOS devices only (a database constraint holds it too)."""
    if environment and platform != Platform.IOS:
        raise ValidationError({"apns_environment": ValidationError(APNS_ONLY_ON_IOS, code="not_ios")})


# A well-formed BCP 47 language tag (RFC 5646 section 2.1, its langtag and
# privateuse productions; the few grandfathered irregular tags are left out):
# language[-extlang], then optional script, region, variants, extensions.
_LANGUAGE_TAG = re.compile(
    r"""
    ^(?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})   # language, with up to 3 extlangs
      (?:-[a-z]{4})?                                # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                   # region
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*      # variants
      (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*          # extensions
      (?:-x(?:-[a-z0-9]{1,8})+)?                    # private use
    |x(?:-[a-z0-9]{1,8})+)$
    """,
    re.IGNORECASE | re.VERBOSE,
)


def validate_locale(value: str) -> None:
    """A BCP 47 language tag such as ``en``, ``en-GB``, ``pt-BR`` or ``zh-Hant-TW`` (not ``en_GB``)."""
    if not _LANGUAGE_TAG.match(value):
        raise ValidationError(
            _("Enter a BCP 47 language tag such as en-GB or pt-BR (hyphens, not underscores)."), code="invalid_locale"
        )


class DeviceManager(models.Manager["Device"]):
    def register(self, user: User, token: str, platform: str, **details: str) -> tuple[Device, bool]:
        """Register ``token`` for ``user``: the device, and whether it is new.

        Again, it updates the platform and the ``details`` given
        (``DEVICE_DETAILS``); those not given keep their value, and a device
        that is no longer iOS loses its APNs environment.

        A token registered to another account stays there (``DeviceTaken``):
        it moves only after that account signed out on the phone naming it,
        or changed its password, both of which delete the device
        (``nudges.receivers``). Otherwise anyone who learnt a token could
        take the person's nudges.
        """
        details = {name: value for name, value in details.items() if name in DEVICE_DETAILS}
        try:
            with transaction.atomic():
                device, created = self.get_or_create(
                    token=token, defaults={"user": user, "platform": platform, **details}
                )
        except IntegrityError:  # a concurrent registration of the same token won the insert
            device, created = self.get(token=token), False
        if device.user_id != user.pk:
            raise DeviceTaken
        if not created:
            device.platform = platform
            for name, value in details.items():
                setattr(device, name, value)
            if platform != Platform.IOS:
                device.apns_environment = ""
            device.save(update_fields=["platform", *DEVICE_DETAILS, "last_seen_at"])
        return device, created


class ApnsEnvironment(models.TextChoices):
    # An iOS token is valid on one of Apple's two gateways only: a debug build's on the sandbox.
    PRODUCTION = "production", "Production"
    SANDBOX = "sandbox", "Sandbox"


class Device(models.Model):
    """A push token the mobile app registered, which belongs to one account until it signs out there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    platform = models.CharField(max_length=10, choices=Platform.choices)
    token = models.CharField(max_length=512, unique=True)
    apns_environment = models.CharField(
        "APNs environment", max_length=10, choices=ApnsEnvironment.choices, blank=True, help_text="iOS only."
    )
    app_version = models.CharField(max_length=40, blank=True)
    locale = models.CharField(
        max_length=35,
        blank=True,
        validators=[validate_locale],
        help_text="The app's language, a BCP 47 tag such as en-GB.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    objects = DeviceManager()

    class Meta:
        db_table = "tracker_device"
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(apns_environment="") | models.Q(platform="ios"),
                name="device_apns_environment_only_on_ios",
                violation_error_message=APNS_ONLY_ON_IOS,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} device of {self.user}"

    def clean(self) -> None:
        validate_apns_environment(self.platform, self.apns_environment)


class DeliveryStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class DeliveryManager(models.Manager["Delivery"]):
    def mark_sent(self, delivery_ids: Sequence[int]) -> set[int]:
        """Mark sent those of ``delivery_ids`` still claimed; returns the ids this call changed.

        The one way a delivery becomes sent: after its email or push went out,
        or together with its in-app notification (then inside the caller's
        transaction). Of two workers finishing the same claim (one took it up
        after the other stalled past the timeout) exactly one changes each
        row, and only that one may write the notification. One conditional
        UPDATE ... RETURNING per chunk of ids: raw SQL because Django's
        update() says how many rows changed, not which.
        """
        connection = connections[self.db]
        meta = self.model._meta

        def column(name: str) -> str:
            return connection.ops.quote_name(
                cast("models.Field[Any, Any]", meta.get_field(name)).get_attname_column()[1] or name
            )

        status, sent_at, last_error, pk = column("status"), column("sent_at"), column("last_error"), column("id")
        now = meta.get_field("sent_at").get_db_prep_save(timezone.now(), connection)  # type: ignore[union-attr]
        chunk_size = max(1, (connection.features.max_query_params or 999) - 4)
        ids = list(delivery_ids)
        changed: set[int] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(ids), chunk_size):
                chunk = ids[start : start + chunk_size]
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(meta.db_table)} "
                    f"SET {status} = %s, {sent_at} = %s, {last_error} = %s "
                    f"WHERE {pk} IN ({', '.join(['%s'] * len(chunk))}) AND {status} = %s RETURNING {pk}",
                    [DeliveryStatus.SENT.value, now, "", *chunk, DeliveryStatus.CLAIMED.value],
                )
                changed.update(delivery_id for (delivery_id,) in cursor.fetchall())
        return changed


class Delivery(models.Model):
    """One nudge on one channel: claimed before sending, marked sent right after.

    The unique key (user, rule, period, channel) is what makes a nudge go out
    once: a second scan, a retried task or a re-delivered message finds the
    row and sends nothing. ``period`` names the occurrence (a day, an ISO week,
    a milestone and a date...), as the rule that produced it defines it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    period = models.CharField(max_length=120)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.CLAIMED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[DeliveryManager] = DeliveryManager()

    class Meta:
        db_table = "tracker_delivery"
        verbose_name_plural = "deliveries"
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "rule", "period", "channel"], name="delivery_once_per_user_rule_period_channel"
            )
        ]
        indexes = [
            # Re-claiming claims left behind by a dead worker.
            models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed"),
            # Admin counts per rule and day.
            models.Index(fields=["rule", "created_at"], name="delivery_rule_created"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}/{self.channel} for {self.user} ({self.period}): {self.status}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class ReminderPreferences(models.Model):
    """How and when one user wants nudges. One row per user, made on demand.

    Hours and quiet hours are in the user's own time zone (``User.timezone``).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences")
    enabled = models.BooleanField("send reminders", default=True, help_text="Master switch for every nudge.")
    email_enabled = models.BooleanField("by email", default=True)
    in_app_enabled = models.BooleanField("in the app", default=True)
    push_enabled = models.BooleanField("push to my devices", default=True)
    stalled_after_days = models.PositiveSmallIntegerField(
        "nudge me after this many quiet days",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    digest_enabled = models.BooleanField("weekly digest", default=True)
    mentor_updates_enabled = models.BooleanField(
        "mentor updates", default=True, help_text="Invitations, comments and reviews between mentor and mentee."
    )
    skills_checkin_enabled = models.BooleanField(
        "quarterly skills check-in", default=True, help_text="A reminder every three months to rate your skills again."
    )
    digest_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    digest_hour = models.PositiveSmallIntegerField(default=9, validators=[MinValueValidator(0), MaxValueValidator(23)])
    quiet_start = models.TimeField(default=time(21, 0), help_text="No nudges from this local time...")
    quiet_end = models.TimeField(default=time(8, 0), help_text="...until this local time.")
    snoozed_until = models.DateField(null=True, blank=True, help_text="No nudges until this date.")
    # Kept by the nudge scan (nudges): the instant this user is next
    # worth looking at (indexed: each beat selects ``next_check_at <= now``),
    # and the local date of the last scheduled nudge, claimed by a conditional
    # UPDATE so that at most one goes out per user and local day.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    last_nudged_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # What the person sets themselves (the settings page, the API's me/, the
    # export); the scan's own bookkeeping fields are left out.
    USER_FIELDS = (
        "enabled",
        "email_enabled",
        "in_app_enabled",
        "push_enabled",
        "stalled_after_days",
        "digest_enabled",
        "digest_weekday",
        "digest_hour",
        "mentor_updates_enabled",
        "skills_checkin_enabled",
        "quiet_start",
        "quiet_end",
        "snoozed_until",
    )

    class Meta:
        db_table = "accounts_reminderpreferences"
        verbose_name = "reminder preferences"
        verbose_name_plural = "reminder preferences"

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"

    @classmethod
    def for_user(cls, user: User) -> ReminderPreferences:
        """The user's preferences, created with defaults on first use."""
        prefs, _ = cls.objects.get_or_create(user=user)
        return prefs
