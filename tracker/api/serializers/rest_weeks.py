"""Rest weeks: the week the caller takes off, and which week a request means."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tracker.models import RestWeek


class RestWeekRequestSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(
        required=False,
        help_text=(
            "Any day of the week meant, which must be this week on the caller's calendar (default: this week). "
            "A request that arrives after that week ended is refused rather than applied to the next."
        ),
    )


class RestWeekSerializer(serializers.ModelSerializer[RestWeek]):
    week = serializers.DateField(source="monday", read_only=True, help_text="The Monday of the rest week.")

    class Meta:
        model = RestWeek
        fields = ("week", "created_at")
        read_only_fields = fields
