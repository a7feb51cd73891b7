"""Serializers of the tracker API: translation between JSON and the domain only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.validators import slug_re
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import (
    CareerLevel,
    CareerTrack,
    Category,
    Enrollment,
    EnrollmentStatus,
    LadderStep,
    Milestone,
    Resource,
    Status,
    WorkProduct,
)
from tracker.progress import EXPIRED, CategoryProgress, Dashboard, StepState, TrackProgress


class PublishedTrackField(serializers.SlugRelatedField[CareerTrack]):
    """A published track named by its slug.

    Text that cannot be a slug is "does not exist" without a query: PostgreSQL
    refuses a NUL byte in a query parameter outright (a 500, not a 400).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=CareerTrack.objects.published(), **kwargs)

    def to_internal_value(self, data: Any) -> CareerTrack:
        if isinstance(data, str) and not slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


# ---------------------------------------------------------------- tracks


class TrackSerializer(serializers.ModelSerializer[CareerTrack]):
    # "parent" is also Field.parent (the enclosing serializer) to the type checker.
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)  # type: ignore[assignment,var-annotated]

    class Meta:
        model = CareerTrack
        fields: tuple[str, ...] = (
            "slug",
            "name",
            "summary",
            "work_product",
            "produces",
            "tools",
            "se_skill",
            "ml_knowledge",
            "communication_weight",
            "parent",
            "updated_at",
        )


class LevelSerializer(serializers.ModelSerializer[CareerLevel]):
    class Meta:
        model = CareerLevel
        fields = (
            "slug",
            "order",
            "title",
            "summary",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_source",
            "salary_year",
        )


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    class Meta:
        model = Resource
        fields = ("title", "url")


class StepSerializer(serializers.ModelSerializer[LadderStep]):
    """A milestone as it stands in one track's ladder."""

    slug = serializers.CharField(source="milestone.slug")
    title = serializers.CharField(source="milestone.title")
    description = serializers.CharField(source="milestone.description")
    category = serializers.ChoiceField(source="milestone.category", choices=Category.choices)
    effort_weeks = serializers.IntegerField(source="milestone.effort_weeks")
    valid_for_months = serializers.IntegerField(source="milestone.valid_for_months", allow_null=True)
    level: serializers.SlugRelatedField[CareerLevel] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    prerequisites = serializers.SerializerMethodField()
    resources = ResourceSerializer(source="milestone.resources", many=True, read_only=True)

    class Meta:
        model = LadderStep
        fields = (
            "slug",
            "title",
            "description",
            "category",
            "level",
            "order",
            "effort_weeks",
            "valid_for_months",
            "prerequisites",
            "resources",
        )

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_prerequisites(self, step: LadderStep) -> list[str]:
        """Slugs of the active prerequisites, in slug order (``LadderStep.objects.ladder`` prefetched them)."""
        return sorted(m.slug for m in step.milestone.prerequisites.all())


class TrackDetailSerializer(TrackSerializer):
    specialisations: serializers.SlugRelatedField[CareerTrack] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    levels = LevelSerializer(many=True, read_only=True)
    milestones = StepSerializer(source="steps", many=True, read_only=True)

    class Meta(TrackSerializer.Meta):
        fields = (*TrackSerializer.Meta.fields, "specialisations", "levels", "milestones")


# ---------------------------------------------------------------- enrollments


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
    planned = PlannedDateSerializer(many=True)


# ---------------------------------------------------------------- progress


class ProgressSerializer(serializers.Serializer[Milestone]):
    """The user's state on one milestone, read from a ``Milestone`` annotated by ``progress_states``."""

    milestone = serializers.SlugField(source="slug", read_only=True)
    title = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    status = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(source="my_started_at", read_only=True, allow_null=True)
    completed_at = serializers.DateTimeField(source="my_completed_at", read_only=True, allow_null=True)
    target_date = serializers.DateField(source="my_target_date", read_only=True, allow_null=True)
    evidence_url = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=[*Status.values, EXPIRED]))
    def get_status(self, milestone: Milestone) -> str:
        status = milestone.my_status or Status.NOT_STARTED  # type: ignore[attr-defined]
        if status == Status.DONE:
            # Judged on the user's own calendar, as the dashboard and a renewal judge it.
            request = self.context.get("request")
            tz = getattr(getattr(request, "user", None), "tzinfo", None) or timezone.get_current_timezone()
            if milestone.has_lapsed(milestone.my_completed_at, tz, timezone.localdate(timezone.now(), tz)):  # type: ignore[attr-defined]
                return EXPIRED
        return str(status)

    def get_evidence_url(self, milestone: Milestone) -> str:
        return milestone.my_evidence_url or ""  # type: ignore[attr-defined]

    def get_notes(self, milestone: Milestone) -> str:
        return milestone.my_notes or ""  # type: ignore[attr-defined]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, milestone: Milestone) -> str:
        """The later of the user's row and the milestone itself: what incremental sync compares."""
        mine = milestone.my_updated_at  # type: ignore[attr-defined]
        latest = max(mine, milestone.updated_at) if mine else milestone.updated_at
        return serializers.DateTimeField().to_representation(latest)


class ProgressUpdateSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    evidence_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    track = PublishedTrackField(
        required=False,
        help_text="Where the milestone was earned, recorded with status done.",
    )


# ---------------------------------------------------------------- dashboard


class DashboardMilestoneSerializer(serializers.Serializer[StepState]):
    milestone = serializers.CharField(source="milestone.slug")
    title = serializers.CharField(source="milestone.title")
    category = serializers.ChoiceField(source="milestone.category", choices=Category.choices)
    status = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)


class CategoryProgressSerializer(serializers.Serializer[CategoryProgress]):
    category = serializers.ChoiceField(choices=Category.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    percent = serializers.IntegerField()


class EnrollmentProgressSerializer(serializers.Serializer[TrackProgress]):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    track = serializers.CharField(source="enrollment.track.slug")
    track_name = serializers.CharField(source="enrollment.track.name")
    target_date = serializers.DateField(source="enrollment.target_date", allow_null=True)
    status = serializers.ChoiceField(source="enrollment.status", choices=EnrollmentStatus.choices)
    percent = serializers.IntegerField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    is_complete = serializers.BooleanField()
    by_category = CategoryProgressSerializer(many=True)
    next_up = DashboardMilestoneSerializer(many=True)
    upcoming = DashboardMilestoneSerializer(many=True)
    overdue = DashboardMilestoneSerializer(many=True)


class DashboardSerializer(serializers.Serializer[Dashboard]):
    today = serializers.DateField()
    streak_weeks = serializers.IntegerField()
    enrollments = EnrollmentProgressSerializer(source="plans", many=True)


# ---------------------------------------------------------------- role-fit


class RoleFitAnswersSerializer(serializers.Serializer[Any]):
    se_skill = serializers.IntegerField(min_value=1, max_value=5)
    ml_knowledge = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    produces = serializers.ChoiceField(choices=WorkProduct.choices)


class FitSerializer(serializers.Serializer[Any]):
    track = serializers.CharField(source="track.slug")
    track_name = serializers.CharField(source="track.name")
    score = serializers.IntegerField(min_value=0, max_value=100)
    reasons = serializers.ListField(child=serializers.CharField())


class RoleFitSerializer(serializers.Serializer[Any]):
    results = FitSerializer(many=True)


def planned(plan: dict[int, date], slugs: dict[int, str]) -> list[dict[str, Any]]:
    """``plan_dates``' answer as a list in date order."""
    return [{"milestone": slugs[mid], "target_date": day} for mid, day in sorted(plan.items(), key=lambda i: i[1])]
