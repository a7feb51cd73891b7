"""Serializers of the nudges' API: notifications, devices and the reminder preferences in me/."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import STRICT_FIELD_MAPPING
from nudges.models import (
    DEVICE_DETAILS,
    ApnsEnvironment,
    Device,
    Notification,
    Platform,
    ReminderPreferences,
    validate_apns_environment,
    validate_locale,
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "example": "21:00:00",
        "description": "A local wall-clock time, HH:MM[:SS], with no offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the user's own zone.

    OpenAPI's ``format: time`` is RFC 3339's full-time, which demands a UTC
    offset ("21:00:00Z"); quiet hours have none, so the schema gives a pattern.
    """


class ReminderPreferencesSerializer(serializers.ModelSerializer[ReminderPreferences]):
    # JSON types read strictly (api.fields): 0 is not false here.
    serializer_field_mapping = {**STRICT_FIELD_MAPPING, models.TimeField: LocalTimeField}

    class Meta:
        model = ReminderPreferences
        fields = ReminderPreferences.USER_FIELDS


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ("id", "rule", "title", "body", "url", "created_at", "read_at")
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer[Any]):
    marked_read = serializers.IntegerField()


class StringField(serializers.CharField):
    """A JSON string and nothing else: DRF's CharField would store the number 12345 as "12345"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # DRF's own code for "Not a valid string."
        return super().to_internal_value(data)


class DeviceSerializer(serializers.ModelSerializer[Device]):
    """A push device as the app registers it (``POST devices/``) and reads it back."""

    platform = serializers.ChoiceField(choices=Platform.choices)
    # The model's unique validator would turn a re-registration into a 400;
    # registering the same token again is meant to be harmless.
    token = StringField(max_length=512)
    apns_environment = serializers.ChoiceField(
        choices=ApnsEnvironment.choices,
        allow_blank=True,
        required=False,
        help_text="iOS only: the APNs gateway of the app's build (a debug build's is sandbox).",
    )
    app_version = StringField(max_length=40, allow_blank=True, required=False, help_text="The app's version, as shown.")
    locale = StringField(
        max_length=35,
        allow_blank=True,
        required=False,
        validators=[validate_locale],
        help_text="The app's language, a BCP 47 tag such as en-GB (hyphens, not underscores).",
    )

    class Meta:
        model = Device
        fields = ("id", "platform", "token", *DEVICE_DETAILS, "created_at", "last_seen_at")
        read_only_fields = ("id", "created_at", "last_seen_at")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        platform = attrs.get("platform", getattr(self.instance, "platform", ""))
        environment = attrs.get("apns_environment", getattr(self.instance, "apns_environment", ""))
        validate_apns_environment(platform, environment)  # a Django ValidationError: DRF keeps its field and code
        return attrs


class DeviceDetailsSerializer(DeviceSerializer):
    """What ``PATCH devices/{id}/`` may change: the details, never the token or the platform."""

    platform = serializers.ChoiceField(choices=Platform.choices, read_only=True)
    token = StringField(read_only=True)
