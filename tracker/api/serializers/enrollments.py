"""Enrollments: following a track, its status and target date, and planned dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers

from tracker.models import CareerTrack, Enrollment, EnrollmentStatus

from .tracks import PublishedTrackField


class EnrollmentStatusField(serializers.ChoiceField):
    """Written as active, paused or completed; read as any status, archived included (see the schema extension)."""


class EnrollmentStatusFieldExtension(OpenApiSerializerFieldExtension):
    """The response schema lists every status an answer can carry, the request schema the writable ones."""

    target_class = EnrollmentStatusField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "response":
            return build_choice_field(serializers.ChoiceField(choices=EnrollmentStatus.choices))
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)


class EnrollmentSerializer(serializers.ModelSerializer[Enrollment]):
    track = PublishedTrackField()
    status = EnrollmentStatusField(
        choices=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.COMPLETED],
        required=False,
        help_text="archived is reached with DELETE and shows in lists filtered by status=archived.",
    )

    class Meta:
        model = Enrollment
        fields = ("id", "track", "status", "started_at", "target_date", "completed_at", "updated_at")
        read_only_fields = ("id", "started_at", "completed_at", "updated_at")

    def to_representation(self, instance: Enrollment) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["status"] = str(instance.status)  # archived included, which is not writable
        return data


class EnrollmentUpdateSerializer(EnrollmentSerializer):
    track: serializers.SlugRelatedField[CareerTrack] = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[assignment]


class PlannedDateSerializer(serializers.Serializer[Any]):
    milestone = serializers.SlugField()
    target_date = serializers.DateField()


class PlanSerializer(serializers.Serializer[Any]):
    planned = PlannedDateSerializer(many=True, help_text="The dates this plan set, in date order.")
    kept = PlannedDateSerializer(many=True, help_text="Dates you set yourself, left as they were.")
    effort_weeks = serializers.IntegerField(help_text="The estimated effort of what is left, in weeks.")


def planned(plan: dict[int, date], slugs: dict[int, str]) -> list[dict[str, Any]]:
    """Dates by milestone id as a list in date order."""
    return [{"milestone": slugs[mid], "target_date": day} for mid, day in sorted(plan.items(), key=lambda i: i[1])]
