"""Checklists: the items inside a milestone with the person's ticks, and what a person may change."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import ChecklistItem


class ChecklistItemSerializer(serializers.Serializer[ChecklistItem]):
    """One item with the user's tick, read from ``ChecklistItem.objects.with_state``."""

    id = serializers.IntegerField(read_only=True)
    milestone = serializers.SlugField(source="milestone.slug", read_only=True)
    title = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True, help_text="Items show in this order, then by id.")
    own = serializers.BooleanField(
        source="is_own",
        read_only=True,
        help_text="Your own item (rename, reorder, remove it); false for one that comes with the milestone.",
    )
    done = serializers.BooleanField(source="my_done", read_only=True)
    done_at = serializers.DateTimeField(source="my_done_at", read_only=True, allow_null=True)
    updated_at = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, item: ChecklistItem) -> str:
        """The later of the item and the user's tick: what incremental sync compares."""
        mine = item.my_updated_at  # type: ignore[attr-defined]
        latest = max(mine, item.updated_at) if mine else item.updated_at
        return serializers.DateTimeField().to_representation(latest)

    def get_version(self, item: ChecklistItem) -> int:
        """The item and your tick together: moves on when either changes. Send it in If-Match."""
        return item_version(item)


def item_version(item: ChecklistItem) -> int:
    """An item's version as a person sees it (``ChecklistItem.check_state_version``), read from ``with_state``."""
    return item.version + int(item.my_version or 0)  # type: ignore[attr-defined]


class ChecklistSerializer(serializers.Serializer[Any]):
    """A milestone's checklist as the user sees it: "3 of 5", and the items in order."""

    milestone = serializers.SlugField()
    done = serializers.IntegerField(help_text="Items ticked.")
    total = serializers.IntegerField(help_text="Items in the checklist.")
    items = ChecklistItemSerializer(many=True)


class ChecklistItemCreateSerializer(serializers.Serializer[Any]):
    # The title's rules (stripped, 1 to 200 characters) are the domain's
    # (tracker.checklists.clean_title), so they are written once.
    title = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="1 to 200 characters.")
    order = serializers.IntegerField(
        required=False, help_text="Where it goes (0 or more); default: after every item you see there."
    )


class ChecklistItemUpdateSerializer(serializers.Serializer[Any]):
    done = serializers.BooleanField(required=False, help_text="Tick (true) or untick (false); any item you see.")
    title = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Your own items only: 1 to 200 characters."
    )
    order = serializers.IntegerField(required=False, help_text="Your own items only: 0 or more.")
