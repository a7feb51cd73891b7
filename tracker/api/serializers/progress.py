"""Progress: a person's state on one milestone, read and changed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import CURRENT, LAPSED, RENEWAL_OPEN, Category, Earning, Milestone, Status, Validity
from tracker.progress import EXPIRED

from .tracks import PublishedTrackField


def _today(context: Mapping[str, Any]) -> date:
    request = context.get("request")
    tz = getattr(getattr(request, "user", None), "tzinfo", None) or timezone.get_current_timezone()
    return timezone.localdate(timezone.now(), tz)


class RenewalStateSerializer(serializers.Serializer[Validity]):
    """Where a certification you hold stands (``Milestone.validity``)."""

    state = serializers.ChoiceField(
        choices=[CURRENT, RENEWAL_OPEN, LAPSED],
        help_text="current: valid, renewal not open yet; renewal_open: renew now; expired: no longer counts.",
    )
    expires_on = serializers.DateField()
    renewal_opens_on = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Days until it expires (negative once expired).")
    is_closing = serializers.BooleanField(help_text="In the last 14 days of the renewal window.")


# Made once and shared, read-only, by every row: a serializer built per row (its fields copied
# each time) was most of what a sync page of progress rows cost.
_RENEWAL_STATE = RenewalStateSerializer()
_DATETIME = serializers.DateTimeField()


class ProgressSerializer(serializers.Serializer[Milestone]):
    """The user's state on one milestone, read from a ``Milestone`` annotated by ``progress_states``."""

    milestone = serializers.SlugField(source="slug", read_only=True)
    title = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    personal = serializers.BooleanField(
        source="is_personal", read_only=True, help_text="A milestone of your own (in one of your plans)."
    )
    status = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(source="my_started_at", read_only=True, allow_null=True)
    completed_at = serializers.DateTimeField(source="my_completed_at", read_only=True, allow_null=True)
    earned_on = serializers.DateField(
        source="my_earned_on",
        read_only=True,
        allow_null=True,
        help_text="The date earned on your own calendar; expiry counts from it. Set with status done.",
    )
    expires_on = serializers.DateField(
        source="my_expires_on",
        read_only=True,
        allow_null=True,
        help_text="The first day it no longer counts (a certification held); null when it never expires.",
    )
    renewal = serializers.SerializerMethodField()
    retired_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day its issuer stopped offering it: it can be held, not earned."
    )
    successor = serializers.CharField(
        source="successor.slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of what replaced it, for newcomers and renewing.",
    )
    target_date = serializers.DateField(source="my_target_date", read_only=True, allow_null=True)
    evidence_url = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=[*Status.values, EXPIRED]))
    def get_status(self, milestone: Milestone) -> str:
        status = milestone.my_status or Status.NOT_STARTED  # type: ignore[attr-defined]
        if status == Status.DONE:
            # Judged on the user's own calendar, as the dashboard and a renewal judge it.
            expires_on = milestone.my_expires_on  # type: ignore[attr-defined]
            if expires_on is not None and expires_on <= _today(self.context):
                return EXPIRED
        return str(status)

    @extend_schema_field(RenewalStateSerializer(allow_null=True))
    def get_renewal(self, milestone: Milestone) -> dict[str, Any] | None:
        """A certification held: current, renewal open or expired on your own calendar, with the dates."""
        if milestone.my_status != Status.DONE:  # type: ignore[attr-defined]
            return None
        expires_on = milestone.my_expires_on  # type: ignore[attr-defined]
        validity = milestone.validity(expires_on, _today(self.context))
        return _RENEWAL_STATE.to_representation(validity) if validity is not None else None

    def get_evidence_url(self, milestone: Milestone) -> str:
        return milestone.my_evidence_url or ""  # type: ignore[attr-defined]

    def get_notes(self, milestone: Milestone) -> str:
        return milestone.my_notes or ""  # type: ignore[attr-defined]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, milestone: Milestone) -> str:
        """The later of the user's row and the milestone itself: what incremental sync compares."""
        mine = milestone.my_updated_at  # type: ignore[attr-defined]
        latest = max(mine, milestone.updated_at) if mine else milestone.updated_at
        return _DATETIME.to_representation(latest)

    def get_version(self, milestone: Milestone) -> int:
        """Your state's version (0 before your first change): send it back in If-Match to refuse a stale write."""
        return int(milestone.my_version or 0)  # type: ignore[attr-defined]


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


class RenewalSerializer(serializers.Serializer[Any]):
    earned_on = serializers.DateField(
        required=False, help_text="The day you renewed it (not in the future). Default: today in your time zone."
    )


class EarningSerializer(serializers.ModelSerializer[Earning]):
    class Meta:
        model = Earning
        fields = ("earned_on", "expires_on", "is_renewal", "evidence_url", "created_at")
