"""A plan's steps: its milestones in plan order, and what a person sends to add, move, edit or remove their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from accounts.models import User
from tracker.models import Category, Enrollment, Milestone
from tracker.progress import StepState

TITLE_MAX_LENGTH = Milestone._meta.get_field("title").max_length
# A personal milestone's description is free text; this keeps one within what
# a phone shows, as progress notes are kept to 5000 characters.
DESCRIPTION_MAX_LENGTH = 5000
# More prerequisites than any ladder has (tens of milestones): a bound on the query, not a rule of plans.
MAX_PREREQUISITES = 100


class PlanStepSerializer(serializers.Serializer[StepState]):
    """One milestone of a plan where the plan has it, read from ``tracker.progress.track_progress(...).items``."""

    milestone = serializers.SlugField(source="milestone.slug", read_only=True)
    title = serializers.CharField(source="milestone.title", read_only=True)
    category = serializers.ChoiceField(source="milestone.category", choices=Category.choices, read_only=True)
    effort_weeks = serializers.IntegerField(source="milestone.effort_weeks", read_only=True)
    description = serializers.CharField(source="milestone.description", read_only=True)
    personal = serializers.BooleanField(
        source="milestone.is_personal",
        read_only=True,
        help_text="A milestone of your own: private, in this plan only; edit it here.",
    )
    own_step = serializers.BooleanField(
        source="is_own_step",
        read_only=True,
        help_text="You put it in the plan, so you can move and remove it; false for a step of the track's ladder.",
    )
    level = serializers.SlugField(
        source="step.level.slug",
        read_only=True,
        allow_null=True,
        help_text="The career level it sits under (a step of yours takes the level of the ladder step before it).",
    )
    group = serializers.SlugField(
        source="group.slug", read_only=True, allow_null=True, help_text="The choice group it is one option of."
    )
    prerequisites = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_prerequisites(self, item: StepState) -> list[str]:
        """Slugs of what comes first, done or not (prefetched with the plan's steps)."""
        return [milestone.slug for milestone in item.milestone.prerequisites.all()]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_version(self, item: StepState) -> int | None:
        """A milestone of your own: its version, to send in If-Match when editing it; null for a catalogue one."""
        return item.milestone.version if item.milestone.is_personal else None


class PlanStepsSerializer(serializers.Serializer[Any]):
    enrollment = serializers.IntegerField()
    steps = PlanStepSerializer(many=True, help_text="Every milestone of the plan, in plan order.")


class KnownFieldsOnly(serializers.Serializer[Any]):
    """Refuses a field it does not know (400 ``unknown_field``) instead of ignoring it.

    With two shapes of body for one POST, a misspelt field silently ignored
    would add something other than what was meant.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: [ErrorDetail(_("Unknown field."), code="unknown_field")] for name in unknown}
                )
        return super().to_internal_value(data)


class InPlan(KnownFieldsOnly):
    """Turns the plan's milestone slugs it is sent into milestones (``context``: ``enrollment`` and ``user``)."""

    @property
    def enrollment(self) -> Enrollment:
        return self.context["enrollment"]  # type: ignore[no-any-return]

    @property
    def user(self) -> User:
        return self.context["user"]  # type: ignore[no-any-return]

    def validate_after(self, slug: str | None) -> Milestone | None:
        if slug is None:
            return None
        try:
            return self.enrollment.milestone_in_plan(slug)
        except Milestone.DoesNotExist:
            raise serializers.ValidationError(_("Choose a milestone of this plan."), code="not_in_plan") from None

    def validate_prerequisites(self, slugs: list[str]) -> list[Milestone]:
        # Whether each is in this plan is the domain's rule (``PlanStep.set_prerequisites``, 400 not_in_plan).
        found = {m.slug: m for m in Milestone.objects.visible_to(self.user).filter(slug__in=set(slugs))}
        unknown = [slug for slug in dict.fromkeys(slugs) if slug not in found]
        if unknown:
            raise serializers.ValidationError(
                _("No such milestone: %(slugs)s.") % {"slugs": ", ".join(unknown)}, code="does_not_exist"
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]


def after_field(**kwargs: Any) -> serializers.SlugField:
    return serializers.SlugField(allow_null=True, required=False, **kwargs)


def prerequisites_field(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.SlugField(), required=False, max_length=MAX_PREREQUISITES, help_text=help_text
    )


class CatalogueStepCreateSerializer(InPlan):
    """A catalogue milestone put into the plan (typically a plan of one's own)."""

    milestone = serializers.SlugField(help_text="A milestone of a published track; 400 already_in_plan if it is.")
    after = after_field(help_text="The plan's milestone it follows; null: first; left out: last.")

    def validate_milestone(self, slug: str) -> Milestone:
        try:
            return Milestone.objects.on_published_ladders().get(slug=slug)
        except Milestone.DoesNotExist:
            raise serializers.ValidationError(_("No such milestone in the catalogue."), code="does_not_exist") from None


class PersonalStepCreateSerializer(InPlan):
    """A new milestone of your own, put into the plan."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    category = serializers.ChoiceField(choices=Category.choices)
    effort_weeks = serializers.IntegerField(required=False, help_text="Estimated weeks of effort, 0 to 520; default 1.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    prerequisites = prerequisites_field("Slugs of this plan's milestones to finish first.")
    after = after_field(help_text="The plan's milestone it follows; null: first; left out: last.")


class PlanStepUpdateSerializer(InPlan):
    """Move a step you added (``after``); edit a milestone of your own (the other fields)."""

    after = after_field(help_text="Move it after this milestone of the plan; null: first. Steps you added only.")
    title = serializers.CharField(required=False, max_length=TITLE_MAX_LENGTH)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    effort_weeks = serializers.IntegerField(required=False, help_text="Estimated weeks of effort, 0 to 520.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    prerequisites = prerequisites_field("Replaces them: slugs of this plan's other milestones; [] for none.")
