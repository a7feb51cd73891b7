"""Badges in the API: what the last check found, and what a POST needs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credentials.fetch import MAX_URL_LENGTH
from credentials.models import Badge, BadgeState


class BadgeSerializer(serializers.ModelSerializer[Badge]):
    """A badge attached to a milestone, with the result of its last check."""

    milestone = serializers.SlugField(source="milestone.slug", read_only=True)
    state = serializers.ChoiceField(
        choices=BadgeState.choices,
        read_only=True,
        help_text="verified; revoked, expired, wrong_recipient (issued to an address not among your confirmed ones), "
        "invalid, or unreachable (the issuer could not be reached: it is checked again later).",
    )
    state_label = serializers.CharField(read_only=True, help_text="The state in words, as the web app shows it.")
    problem = serializers.CharField(read_only=True, help_text="Why it is not verified, in words; empty when it is.")
    assertion = serializers.SerializerMethodField()
    attached_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Badge
        fields = (
            "id",
            "milestone",
            "source_url",
            "from_image",
            "state",
            "state_label",
            "issuer_name",
            "badge_name",
            "issued_on",
            "expires_on",
            "checked_at",
            "problem",
            "assertion",
            "attached_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_assertion(self, badge: Badge) -> dict[str, Any]:
        """The Open Badges assertion as its issuer published it (empty when none could be read)."""
        return dict(badge.assertion or {})


class BadgeCreateSerializer(serializers.Serializer[Any]):
    milestone = serializers.SlugField(max_length=50, help_text="The slug of a milestone in one of your plans.")
    url = serializers.CharField(
        max_length=MAX_URL_LENGTH,
        help_text="The http(s) address of an Open Badges 2.0 assertion (hosted, or a signed one served as text).",
    )
