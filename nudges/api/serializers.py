"""Serializers of the nudges' API: notifications, devices and the reminder preferences in me/."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from nudges.models import Device, Notification, Platform, ReminderPreferences


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
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }

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


class DeviceSerializer(serializers.ModelSerializer[Device]):
    platform = serializers.ChoiceField(choices=Platform.choices)
    # The model's unique validator would turn a re-registration into a 400;
    # registering the same token again is meant to be harmless.
    token = serializers.CharField(max_length=512)

    class Meta:
        model = Device
        fields = ("id", "platform", "token", "created_at", "last_seen_at")
        read_only_fields = ("id", "created_at", "last_seen_at")
