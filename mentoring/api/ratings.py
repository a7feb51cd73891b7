"""A mentor's rating of the learner's skills, on the five levels everyone uses (``growth.SkillRating``).

``POST mentorships/<id>/ratings/`` with ``{"scores": {skill: 1..5}, "note"}``:
the mentor only (the learner rates themselves under ``growth``'s endpoints;
409 ``not_mentor``); a missing or out-of-range score is a 400 naming the skill.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, views
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import Conflict
from growth.models import NOTE_MAX, Skill, SkillRating

from . import scope


class MentorRatingSerializer(serializers.Serializer[Any]):
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        help_text=f"A level from 1 to 5 for each skill: {', '.join(Skill.values)}.",
    )
    note = serializers.CharField(max_length=NOTE_MAX, required=False, default="", allow_blank=True)


class MentorRatingResultSerializer(serializers.Serializer[SkillRating]):
    id = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.IntegerField())
    note = serializers.CharField()
    rated_at = serializers.DateTimeField()


class MentorRating(views.APIView):
    """The mentor rates the learner's skills; the learner sees it beside their own ratings."""

    @extend_schema(request=MentorRatingSerializer, responses={201: MentorRatingResultSerializer})
    def post(self, request: Request, pk: int) -> Response:
        mentorship = scope.mentorship(request, pk)
        mentor = scope.caller(request)
        if mentorship.role_of(mentor) != "mentor":
            raise Conflict(_("Only the mentor rates the learner here."), code="not_mentor")
        given = MentorRatingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rating = SkillRating.objects.record(
            mentorship.learner, mentor, given.validated_data["scores"], note=given.validated_data["note"]
        )
        return Response(MentorRatingResultSerializer(rating).data, status=status.HTTP_201_CREATED)
