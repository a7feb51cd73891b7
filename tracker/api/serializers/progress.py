"""Progress: a person's state on one milestone, read and changed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import Category, Milestone, Status
from tracker.progress import EXPIRED

from .tracks import PublishedTrackField


class ProgressSerializer(serializers.Serializer[Milestone]):
    """The user's state on one milestone, read from a ``Milestone`` annotated by ``progress_states``."""

    milestone = serializers.SlugField(source="slug", read_only=True)
    title = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    status = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(source="my_started_at", read_only=True, allow_null=True)
    completed_at = serializers.DateTimeField(source="my_completed_at", read_only=True, allow_null=True)
    earned_on = serializers.DateField(
        source="my_earned_on",
        read_only=True,
        allow_null=True,
        help_text="The date earned on your own calendar; expiry counts from it. Set with status done.",
    )
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
            if milestone.has_lapsed(milestone.my_earned_on, timezone.localdate(timezone.now(), tz)):  # type: ignore[attr-defined]
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
    earned_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date you earned it (not in the future); with status done, or on a done milestone. "
        "Default: today in your time zone.",
    )
    track = PublishedTrackField(
        required=False,
        help_text="Where the milestone was earned, recorded with status done.",
    )
