"""What a sync page says about each changed object, by kind: the same shapes the rest of the API uses.

Each loader reads the objects of one kind on a page in one query (plus a
fixed number of prefetches), scoped to the requesting user, and answers
``{id: data}``; an id it does not answer for is gone, or not the user's to
see any more, and is sent as a tombstone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from nudges.api.serializers import NotificationSerializer
from nudges.models import Notification
from sync.models import Kind
from tracker.api.checklists import checklist_items
from tracker.api.progress import with_state
from tracker.api.serializers.checklists import ChecklistItemSerializer
from tracker.api.serializers.enrollments import EnrollmentSerializer
from tracker.api.serializers.progress import ProgressSerializer
from tracker.api.serializers.tracks import ResourceSerializer, TrackDetailSerializer
from tracker.api.tracks import track_details
from tracker.models import ChecklistItem, Enrollment, Milestone, MilestoneProgress, PlanStep

Loader = Callable[[Request, list[int]], dict[int, Any]]


def _by_id(serializer: type[serializers.BaseSerializer[Any]], objects: Iterable[Any], **kwargs: Any) -> dict[int, Any]:
    """``objects`` serialised by one list serializer, by id.

    One serializer for the whole kind, not one per object: DRF copies a
    serializer's fields for every instance it makes, which was most of a
    sync page's time (a page of 20 progress rows built 20 sets of fields).
    """
    objects = list(objects)
    return {obj.pk: data for obj, data in zip(objects, serializer(objects, many=True, **kwargs).data, strict=True)}


def _slugs(milestones: Iterable[Milestone]) -> list[str]:
    return [m.slug for m in milestones]


class PersonalMilestoneSerializer(serializers.Serializer[Milestone]):
    """A milestone of the user's own (its place in a plan is a ``plan_step``)."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    effort_weeks = serializers.IntegerField()
    prerequisites = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send it in If-Match (or base_version) when editing it.")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_prerequisites(self, milestone: Milestone) -> list[str]:
        return _slugs(milestone.prerequisites.all())


class PlanStepRowSerializer(serializers.Serializer[PlanStep]):
    """A milestone the user put into one of their plans, and where: after a ladder step's milestone, then by order."""

    enrollment = serializers.IntegerField(source="enrollment_id")
    milestone = serializers.SlugField(source="milestone.slug")
    after = serializers.SerializerMethodField()
    order = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_after(self, step: PlanStep) -> str | None:
        """The slug of the ladder step's milestone it follows; null: at the start of the plan."""
        return step.after.milestone.slug if step.after is not None else None


class CatalogueMilestoneSerializer(serializers.Serializer[Milestone]):
    """A milestone of the published catalogue, with its resources and the checklist its editors wrote."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    effort_weeks = serializers.IntegerField()
    valid_for_months = serializers.IntegerField(allow_null=True)
    retired_on = serializers.DateField(allow_null=True)
    successor = serializers.SlugField(source="successor.slug", allow_null=True, default=None)
    prerequisites = serializers.SerializerMethodField()
    resources = ResourceSerializer(many=True)
    checklist = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_prerequisites(self, milestone: Milestone) -> list[str]:
        return _slugs(milestone.prerequisites.all())

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_checklist(self, milestone: Milestone) -> list[dict[str, Any]]:
        """The editors' items: ``id``, ``title``, ``order`` (your ticks come in your own sync)."""
        return [{"id": i.pk, "title": i.title, "order": i.order} for i in milestone.checklist.all()]


def _plans(request: Request, ids: list[int]) -> dict[int, Any]:
    plans = Enrollment.objects.for_user(request.user).filter(pk__in=ids).select_related("track")  # type: ignore[arg-type]
    return _by_id(EnrollmentSerializer, plans)


def _progress(request: Request, ids: list[int]) -> dict[int, Any]:
    rows = list(MilestoneProgress.objects.filter(user=request.user, pk__in=ids).select_related("milestone__successor"))  # type: ignore[misc]
    states = [with_state(row.milestone, row) for row in rows]
    # Keyed by the progress row's id (the change's), not the milestone's.
    data = ProgressSerializer(states, many=True, context={"request": request}).data  # type: ignore[arg-type]
    return {row.pk: item for row, item in zip(rows, data, strict=True)}


def _checklist_items(request: Request, ids: list[int]) -> dict[int, Any]:
    items = checklist_items(request.user).filter(pk__in=ids)  # type: ignore[arg-type]
    return _by_id(ChecklistItemSerializer, items)


def _personal_milestones(request: Request, ids: list[int]) -> dict[int, Any]:
    only_slugs = Milestone.objects.only("id", "slug").order_by("title")
    milestones = Milestone.objects.filter(owner=request.user, is_active=True, pk__in=ids).prefetch_related(  # type: ignore[misc]
        Prefetch("prerequisites", queryset=only_slugs)
    )
    return _by_id(PersonalMilestoneSerializer, milestones)


def _plan_steps(request: Request, ids: list[int]) -> dict[int, Any]:
    steps = (
        PlanStep.objects.visible()
        .filter(enrollment__user=request.user, pk__in=ids)  # type: ignore[misc]
        .select_related("milestone", "after__milestone")
    )
    return _by_id(PlanStepRowSerializer, steps)


def _notifications(request: Request, ids: list[int]) -> dict[int, Any]:
    notes = Notification.objects.filter(user=request.user, pk__in=ids)  # type: ignore[misc]
    return _by_id(NotificationSerializer, notes)


def _tracks(request: Request, ids: list[int]) -> dict[int, Any]:
    tracks = track_details().catalogue().filter(pk__in=ids)
    return _by_id(TrackDetailSerializer, tracks)


def _catalogue_milestones(request: Request, ids: list[int]) -> dict[int, Any]:
    milestones = (
        Milestone.objects.on_published_ladders()
        .filter(pk__in=ids)
        .select_related("successor")
        .prefetch_related(  # type: ignore[type-var]
            Prefetch("prerequisites", queryset=Milestone.objects.active().only("id", "slug").order_by("title")),
            "resources",
            Prefetch("checklist", queryset=ChecklistItem.objects.defaults().order_by("order", "id")),
        )
    )
    return _by_id(CatalogueMilestoneSerializer, milestones)


PERSONAL: dict[str, Loader] = {
    Kind.PLAN: _plans,
    Kind.PROGRESS: _progress,
    Kind.CHECKLIST_ITEM: _checklist_items,
    Kind.MILESTONE: _personal_milestones,
    Kind.PLAN_STEP: _plan_steps,
    Kind.NOTIFICATION: _notifications,
}
CATALOGUE: dict[str, Loader] = {Kind.TRACK: _tracks, Kind.MILESTONE: _catalogue_milestones}


@extend_schema_field({"type": "object", "additionalProperties": True})
class AnObject(serializers.DictField):
    """An object whose shape is another endpoint's (named in the help text): typed as an object, kept as sent."""


class ChangeSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        help_text="plan, progress, checklist_item, milestone, plan_step, notification (your sync); "
        "track, milestone (the catalogue's). Ignore a kind you do not know.",
    )
    id = serializers.IntegerField(help_text="The object's id within its kind.")
    deleted = serializers.BooleanField(help_text="A tombstone: drop the object (data is null).")
    data = AnObject(  # type: ignore[assignment]
        allow_null=True, help_text="The object as its own endpoint shows it (see the README); null on a tombstone."
    )


class SyncPageSerializer(serializers.Serializer[Any]):
    changes = ChangeSerializer(many=True, help_text="In the stream's order; apply them in turn.")
    next_cursor = serializers.CharField(help_text="Send it as cursor next time (opaque; keep it with your data).")
    has_more = serializers.BooleanField(help_text="More changes wait: ask again at once with next_cursor.")
