"""Enrollments: following a track, its status and target date, and planned dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers

from tracker.models import CareerTrack, Enrollment, EnrollmentStatus
from tracker.planning import check_target_date

from .plan_steps import KnownFieldsOnly
from .tracks import PublishedTrackField

PLAN_TITLE_MAX_LENGTH = CareerTrack._meta.get_field("name").max_length  # a plan's title is its track's name


class EnrollmentStatusField(serializers.ChoiceField):
    """Written as active, paused or completed; read as any status, archived included (see the schema extension)."""


class EnrollmentStatusFieldExtension(OpenApiSerializerFieldExtension):
    """The response schema lists every status an answer can carry, the request schema the writable ones."""

    target_class = EnrollmentStatusField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "response":
            return build_choice_field(serializers.ChoiceField(choices=EnrollmentStatus.choices))
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)


class TargetDateRule(serializers.Serializer[Any]):
    """A ``target_date`` after today on the person's calendar (``tracker.planning.check_target_date``).

    An unchanged date passes, so a client that sends back the plan it read
    (whose target has since passed) is not refused for it.
    """

    def validate_target_date(self, value: date | None) -> date | None:
        instance = getattr(self, "instance", None)
        if value is None or (instance is not None and value == instance.target_date):
            return value
        check_target_date(value, instance.user if instance is not None else self.context["request"].user)
        return value


class PlanTitleField(serializers.CharField):
    """The plan's name, read from its track: the catalogue track's name, or the title of a plan of one's own."""

    def get_attribute(self, instance: Enrollment) -> str:
        return instance.track.name


class EnrollmentSerializer(TargetDateRule, serializers.ModelSerializer[Enrollment]):
    track = PublishedTrackField(
        help_text="The track followed; for a plan of your own, its private track (not listed under tracks/)."
    )
    title = PlanTitleField(read_only=True, help_text="The plan's name: the track's, or your own plan's title.")
    is_own = serializers.BooleanField(
        read_only=True, help_text="A plan of your own (enrollments/own/): you rename it and choose its steps."
    )
    status = EnrollmentStatusField(
        choices=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.COMPLETED],
        required=False,
        help_text="archived is reached with DELETE and shows in lists filtered by status=archived.",
    )

    class Meta:
        model = Enrollment
        fields = (
            "id",
            "track",
            "title",
            "is_own",
            "status",
            "started_at",
            "target_date",
            "completed_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("id", "started_at", "completed_at", "updated_at", "version")

    def to_representation(self, instance: Enrollment) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["status"] = str(instance.status)  # archived included, which is not writable
        return data


class EnrollmentUpdateSerializer(EnrollmentSerializer):
    track: serializers.SlugRelatedField[CareerTrack] = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[assignment]
    # Blank is the domain's to refuse (``Enrollment.rename``: 400 required), as a catalogue plan is (400 not_own).
    title = PlanTitleField(
        required=False,
        allow_blank=True,
        max_length=PLAN_TITLE_MAX_LENGTH,
        help_text="Renames a plan of your own; a catalogue track's name is its editors' (400 not_own).",
    )


class OwnPlanCreateSerializer(TargetDateRule, KnownFieldsOnly):
    """A plan of one's own: a name, and optionally a published track whose milestones it starts with."""

    # Blank is the domain's to refuse (``start_own``: 400 required), as on rename.
    title = serializers.CharField(max_length=PLAN_TITLE_MAX_LENGTH, allow_blank=True, help_text="The plan's name.")
    from_track = PublishedTrackField(
        required=False,
        allow_null=True,
        help_text="Start with this published track's milestones, in its order (choice groups do not carry over).",
    )
    target_date = serializers.DateField(required=False, allow_null=True)


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
