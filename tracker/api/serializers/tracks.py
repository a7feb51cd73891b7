"""Tracks: the catalogue list and one track's ladder, as the API shows them."""

from __future__ import annotations

from typing import Any

from django.core.validators import slug_re
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import CareerLevel, CareerTrack, Category, ChoiceGroup, LadderStep, Resource
from tracker.progress import starting_units


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


class TrackSerializer(serializers.ModelSerializer[CareerTrack]):
    # "parent" is also Field.parent (the enclosing serializer) to the type checker.
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)  # type: ignore[assignment,var-annotated]
    # A JSONField to the model (CareerTrack.clean keeps it a list of names); typed here for the schema.
    tools = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Typical tools, by name.")

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
    choice_group: serializers.SlugRelatedField[ChoiceGroup] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the choice group (in the track's choice_groups) this step is one option of, if any.",
    )

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
            "choice_group",
        )

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_prerequisites(self, step: LadderStep) -> list[str]:
        """Slugs of the active prerequisites, in slug order (``LadderStep.objects.ladder`` prefetched them)."""
        return sorted(m.slug for m in step.milestone.prerequisites.all())


class ChoiceGroupSerializer(serializers.Serializer[ChoiceGroup]):
    """Alternatives in the ladder: a person needs ``needs`` of the group's milestones, not all of them."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    needs = serializers.IntegerField(help_text="How many of the group's milestones a person needs.")
    milestones = serializers.ListField(
        child=serializers.SlugField(), help_text="The group's milestones (their slugs), in ladder order."
    )


class TrackDetailSerializer(TrackSerializer):
    specialisations: serializers.SlugRelatedField[CareerTrack] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    levels = LevelSerializer(many=True, read_only=True)
    milestones = StepSerializer(source="steps", many=True, read_only=True)
    choice_groups = serializers.SerializerMethodField()
    effort_weeks = serializers.SerializerMethodField()

    class Meta(TrackSerializer.Meta):
        fields = (
            *TrackSerializer.Meta.fields,
            "specialisations",
            "levels",
            "milestones",
            "choice_groups",
            "effort_weeks",
        )

    @extend_schema_field(ChoiceGroupSerializer(many=True))
    def get_choice_groups(self, track: CareerTrack) -> list[dict[str, Any]]:
        """The visible steps' groups, in ladder order of their first milestone (steps are prefetched: no query)."""
        groups: dict[int, dict[str, Any]] = {}
        for step in track.steps.all():
            group = step.choice_group
            if group is None:
                continue
            if group.pk not in groups:
                groups[group.pk] = {
                    "slug": group.slug,
                    "title": group.title,
                    "description": group.description,
                    "needs": group.needs,
                    "milestones": [],
                }
            groups[group.pk]["milestones"].append(step.milestone.slug)
        return list(groups.values())  # already in ChoiceGroupSerializer's shape, which documents it

    @extend_schema_field(
        serializers.IntegerField(
            help_text="Weeks of effort a person starting out needs: each choice group once, by its quickest options."
        )
    )
    def get_effort_weeks(self, track: CareerTrack) -> int:
        return sum(unit.effort_weeks for unit in starting_units(list(track.steps.all())))
