"""The calendar feed in the API: its address, or null."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class CalendarFeedSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(
        allow_null=True,
        read_only=True,
        help_text="The private iCalendar (RFC 5545) address to subscribe to in a calendar app; null when you have "
        "none. Anyone holding it reads your dates: it is shown to you alone.",
    )
