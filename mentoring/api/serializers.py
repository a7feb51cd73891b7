"""Mentorships, invitations, shared plans, comments and reviews in the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentoring.models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, Comment, Invite, Mentorship, Review, Verdict
from tracker.api.serializers.dashboard import DashboardMilestoneSerializer
from tracker.progress import StepState, TrackProgress


def _user(context: Mapping[str, Any]) -> Any:
    return context["request"].user


class MentorshipSerializer(serializers.ModelSerializer[Mentorship]):
    """A mentorship as either side sees it: who the other is, and which plans it shows."""

    role = serializers.SerializerMethodField(help_text="learner: you are mentored; mentor: you mentor them.")
    learner = serializers.CharField(source="learner.name", read_only=True, help_text="The learner's display name.")
    mentor = serializers.CharField(source="mentor.name", read_only=True, help_text="The mentor's display name.")
    plans = serializers.SerializerMethodField()

    class Meta:
        model = Mentorship
        fields = ("id", "role", "learner", "mentor", "share_all", "plans", "started_at")
        read_only_fields = fields

    def get_role(self, mentorship: Mentorship) -> str:
        return mentorship.role_of(_user(self.context))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_plans(self, mentorship: Mentorship) -> list[int]:
        """Ids of the plans it shows now (every current one with ``share_all``)."""
        return [plan.pk for plan in mentorship.visible_plans()]


class SharingSerializer(serializers.Serializer[Any]):
    share_all = serializers.BooleanField(help_text="Show every current plan, those started later too.")
    plans = serializers.ListField(
        # Bounded as a database id is: a larger number is a 400, not a query the database cannot take.
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=100,
        help_text="Ids of your plans to show when share_all is false.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data["share_all"] and not data.get("plans"):
            raise serializers.ValidationError({"plans": [_("Choose at least one plan to show.")]}, code="required")
        return data


class InviteSerializer(serializers.ModelSerializer[Invite]):
    state = serializers.SerializerMethodField(help_text="pending, accepted, withdrawn or expired.")
    plans: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Invite
        fields = ("id", "email", "message", "share_all", "plans", "state", "created_at", "expires_at")
        read_only_fields = fields

    def get_state(self, invite: Invite) -> str:
        return "expired" if invite.is_expired() else invite.state


class InviteCreateSerializer(SharingSerializer):
    email = serializers.EmailField(max_length=254)
    message = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, default="", allow_blank=True)
    share_all = serializers.BooleanField(default=True, help_text="Show every current plan, those started later too.")


class AcceptSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=500, help_text="The token at the end of the invitation's link.")


class SharedChecklistItemSerializer(serializers.Serializer[Any]):
    """A checklist item of a shared milestone: its title and whether it is ticked (typed for the schema)."""

    title = serializers.CharField()
    done = serializers.BooleanField()


class SharedStepSerializer(DashboardMilestoneSerializer):
    """One milestone of a shared plan, read-only: state, dates, evidence and checklist."""

    earned_on = serializers.DateField(allow_null=True)
    evidence_url = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()

    def get_evidence_url(self, item: StepState) -> str:
        return item.progress.evidence_url if item.progress else ""

    @extend_schema_field(SharedChecklistItemSerializer(many=True))
    def get_checklist(self, item: StepState) -> list[dict[str, Any]]:
        """Each checklist item's title and whether it is ticked."""
        return [
            {"title": entry.title, "done": bool(getattr(entry, "my_done", False))} for entry in item.checklist or []
        ]


class SharedPlanSerializer(serializers.Serializer[TrackProgress]):
    id = serializers.IntegerField(source="enrollment.pk")
    track = serializers.CharField(source="enrollment.track.name")
    status = serializers.CharField(source="enrollment.status")
    target_date = serializers.DateField(source="enrollment.target_date", allow_null=True)
    percent = serializers.IntegerField()
    done = serializers.IntegerField()
    counted = serializers.IntegerField()
    milestones = SharedStepSerializer(source="items", many=True)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    plan = serializers.IntegerField(source="enrollment_id", read_only=True)
    milestone = serializers.SlugField(source="milestone.slug", read_only=True)
    author = serializers.CharField(source="author.name", read_only=True)
    by_me = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ("id", "plan", "milestone", "author", "by_me", "body", "created_at")
        read_only_fields = fields

    def get_by_me(self, comment: Comment) -> bool:
        return bool(comment.author_id == _user(self.context).pk)


class OnMilestoneSerializer(serializers.Serializer[Any]):
    plan = serializers.IntegerField(help_text="The id of a plan the mentorship shows.")
    milestone = serializers.SlugField(max_length=50, help_text="The slug of a milestone in that plan.")


class CommentCreateSerializer(OnMilestoneSerializer):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH, help_text="Plain text.")


class ReviewSerializer(serializers.ModelSerializer[Review]):
    plan = serializers.IntegerField(source="enrollment_id", read_only=True)
    milestone = serializers.SlugField(source="milestone.slug", read_only=True)
    verdict = serializers.CharField(read_only=True, help_text="approved, needs_more, or empty while it waits.")

    class Meta:
        model = Review
        fields = ("id", "plan", "milestone", "request_note", "requested_at", "verdict", "note", "reviewed_at")
        read_only_fields = fields


class ReviewRequestSerializer(OnMilestoneSerializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, default="", allow_blank=True)


class ReviewVerdictSerializer(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, default="", allow_blank=True)
