"""Checklists: the items inside a milestone, ticked per person, and the items a person adds.

``progress/{milestone}/checklist/`` is one milestone's checklist as the user
sees it ("3 of 5" and the items); POST there adds an item of their own to a
milestone in one of their plans. ``checklist-items/{id}/`` is one item: PATCH
``{"done": true}`` ticks it (any item the user sees; ticking a milestone not
started moves it to in progress), ``title`` and ``order`` rename and move the
user's own items; DELETE removes an own item. Changing or removing an item
that comes with the milestone is a 403 ``not_own_item``, not a 404: the user
can see it and tick it. Another person's item is a 404, as an unknown one is.

Incremental sync: ``checklist-items/`` lists the items of the milestones in
the user's current plans; with ``updated_since=T`` only those whose item,
tick or milestone changed after T (or that arrived with a plan changed after
T), plus ``removed``: the ids of items the app may hold that are not listed
any more (own items removed after T, items of milestones that left the
user's plans or were hidden), so the app drops whichever it holds. As with
progress, ``removed`` is complete each time, and an editors' item deleted
outright leaves no trace to report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api.etags import conflict_response, precondition, version_etag
from tracker import checklists
from tracker.models import ChecklistItem, ChecklistItemQuerySet, Enrollment, Milestone, VersionConflict

from .progress import RecordsDevice, SyncPagination, SyncTimeFilter
from .serializers.checklists import (
    ChecklistItemCreateSerializer,
    ChecklistItemSerializer,
    ChecklistItemUpdateSerializer,
    ChecklistSerializer,
    item_version,
)


def checklist_items(user: User) -> ChecklistItemQuerySet:
    """The items ``user`` may see, each with their tick (``my_*``) and its milestone, in checklist order."""
    return (
        ChecklistItem.objects.visible_to(user)
        .with_state(user)
        .select_related("milestone")
        .order_by("milestone_id", "order", "id")
    )


@extend_schema_view(
    get=extend_schema(responses={200: ChecklistSerializer}),
    post=extend_schema(request=ChecklistItemCreateSerializer, responses={201: ChecklistItemSerializer}),
)
class Checklist(generics.GenericAPIView[Milestone]):
    """One milestone's checklist for the user; POST adds an own item (409 ``not_in_plan`` or ``checklist_full``)."""

    serializer_class = ChecklistSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "milestone_slug"

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Milestone.objects.none()
        return Milestone.objects.visible_to(self.request.user)  # type: ignore[arg-type]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        items = list(checklist_items(request.user).filter(milestone=milestone))  # type: ignore[arg-type]
        done = sum(bool(item.my_done) for item in items)  # type: ignore[attr-defined]
        return Response(
            ChecklistSerializer({"milestone": milestone.slug, "done": done, "total": len(items), "items": items}).data
        )

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        added = add_checklist_item(request, self.get_object(), request.data)
        return Response(ChecklistItemSerializer(added).data, status=status.HTTP_201_CREATED)


class ChecklistSyncFilter(django_filters.FilterSet):
    updated_since = SyncTimeFilter(
        method="changed_since", help_text="ISO 8601 time: only what changed after it (adds `removed`)."
    )

    class Meta:
        model = ChecklistItem
        fields = ("updated_since",)

    def changed_since(self, queryset: QuerySet[ChecklistItem], name: str, value: Any) -> QuerySet[ChecklistItem]:
        arrived = Milestone.objects.arrived_in_plans_of(self.request.user, value)  # type: ignore[arg-type]
        return queryset.filter(
            Q(updated_at__gt=value)
            | Q(mine__updated_at__gt=value)
            | Q(milestone__updated_at__gt=value)
            | Q(milestone_id__in=arrived.values("pk"))
        )


def removed_ids(user: User, since: datetime) -> list[int]:
    """The ids of items ``user``'s app may hold that the sync no longer lists: what it must drop.

    The app can only hold what this API listed for the user: their own items
    (those removed before ``since`` were reported by an earlier sync) and the
    editors' items of milestones on tracks they follow or followed. Of
    those, whatever is not listed now is named.
    """
    followed = Milestone.objects.in_plans(Enrollment.objects.for_user(user))
    held = ChecklistItem.objects.filter(
        Q(owner=user, removed_at__isnull=True)
        | Q(owner=user, removed_at__gt=since)
        | Q(owner__isnull=True, milestone__in=followed.values("pk"))
    )
    listed = ChecklistItem.objects.visible_to(user).in_plans_of(user)
    return list(held.exclude(pk__in=listed.values("pk")).order_by("pk").values_list("pk", flat=True))


class ChecklistSyncPagination(SyncPagination):
    """The page shape plus ``removed``, item ids here, when the request is an incremental sync."""

    removed: list[int] | None = None  # type: ignore[assignment]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["removed"] = {
            "type": "array",
            "items": {"type": "integer"},
            "description": "With updated_since only: ids of checklist items to drop.",
        }
        return described


class ChecklistItemList(generics.ListAPIView[ChecklistItem]):
    """The checklist items of the milestones in the user's plans, with their ticks; see the module docstring."""

    serializer_class = ChecklistItemSerializer
    filterset_class = ChecklistSyncFilter
    pagination_class = ChecklistSyncPagination

    def get_queryset(self) -> QuerySet[ChecklistItem]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ChecklistItem.objects.none()
        user: User = self.request.user  # type: ignore[assignment]
        return checklist_items(user).in_plans_of(user).order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sync = ChecklistSyncFilter(request.query_params, self.get_queryset(), request=request)
        since = sync.form.cleaned_data.get("updated_since") if sync.is_valid() else None
        if since is not None:
            self.paginator.removed = removed_ids(request.user, since)  # type: ignore[arg-type,union-attr]
        return super().list(request, *args, **kwargs)


@extend_schema_view(
    patch=extend_schema(request=ChecklistItemUpdateSerializer, responses={200: ChecklistItemSerializer}),
    delete=extend_schema(responses={204: OpenApiResponse(description="Removed.")}),
)
class ChecklistItemDetail(RecordsDevice, generics.GenericAPIView[ChecklistItem]):
    """One item the user sees: PATCH ticks it (and renames or moves an own one), DELETE removes an own one."""

    serializer_class = ChecklistItemSerializer

    def get_queryset(self) -> QuerySet[ChecklistItem]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ChecklistItem.objects.none()
        return checklist_items(self.request.user)  # type: ignore[arg-type]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        return Response(self.get_serializer(item).data, headers={"ETag": version_etag(item_version(item))})

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, data = precondition(request)
        try:
            item = update_checklist_item(request, self.get_object(), data, expected)
        except VersionConflict:
            return self.conflict()
        return Response(self.get_serializer(item).data, headers={"ETag": version_etag(item_version(item))})

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, _ = precondition(request)
        try:
            remove_checklist_item(request, self.get_object(), expected)
        except VersionConflict:
            return self.conflict()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def conflict(self) -> Response:
        item = self.get_object()
        return conflict_response(self.get_serializer(item).data, item_version(item))


def update_checklist_item(request: Request, item: ChecklistItem, data: Any, expected: int | None) -> ChecklistItem:
    """Apply a PATCH body to ``item`` (one the user sees): tick, rename, move; the item as it now stands.

    One transaction: the precondition (``expected``, the item's version as
    the user sees it; 412 when stale) is checked on the locked rows, then the
    domain call; an editors' item refuses a title or an order (403) before any change.
    """
    user: User = request.user  # type: ignore[assignment]
    update = ChecklistItemUpdateSerializer(data=data)
    update.is_valid(raise_exception=True)
    with transaction.atomic():
        item.check_state_version(user, expected)
        checklists.update_item(user, item, **update.validated_data)
    return checklist_items(user).get(pk=item.pk)


def remove_checklist_item(request: Request, item: ChecklistItem, expected: int | None) -> None:
    """Remove the user's own ``item`` (403 for an editors' one), refusing a stale ``expected`` version (412)."""
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        item.check_state_version(user, expected)
        checklists.remove_item(user, item)


def add_checklist_item(request: Request, milestone: Milestone, data: Any) -> ChecklistItem:
    """Add the user's own item to ``milestone`` from a POST body; the item with its (empty) tick."""
    create = ChecklistItemCreateSerializer(data=data)
    create.is_valid(raise_exception=True)
    # Bad titles (400), a milestone in no plan or a full checklist (409) reach the exception handler.
    item = checklists.add_item(request.user, milestone, **create.validated_data)  # type: ignore[arg-type]
    return checklist_items(request.user).get(pk=item.pk)  # type: ignore[arg-type]
