"""Skill ratings: the skills and their levels, your ratings (list, rate again) and where they place you.

``POST skills/ratings/`` records a self-rating (``SkillRating.objects.record``):
every skill from 1 to 5, or a 400 naming each field with code ``invalid``
(out of range or not a whole number) or ``required``. A mentor's ratings of
you are listed too (``rated_by: mentor``); mentors rate through the
mentoring endpoints, which check they may.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.etags import ETagMixin
from growth.models import Skill, SkillRating
from growth.standing import milestones_done, standing

from .serializers import SkillRatingSerializer, SkillSerializer, StandingSerializer, skills


def _caller(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class Skills(ETagMixin, APIView):
    """The five skills a rating scores, each with what levels 1 to 5 mean (the same words for everyone)."""

    @extend_schema(responses={200: SkillSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(SkillSerializer(skills(), many=True).data)


class SkillRatingList(ETagMixin, generics.ListAPIView[SkillRating]):
    """Your skill ratings, yours and your mentors', newest first, each with where it places you; POST rates again."""

    serializer_class = SkillRatingSerializer

    def get_queryset(self) -> QuerySet[SkillRating]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return SkillRating.objects.none()
        return SkillRating.objects.of(_caller(self.request)).select_related("person", "rater")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            # Read once for the whole page, not once per rating.
            context["done"] = milestones_done(_caller(self.request))
        return context

    @extend_schema(request=SkillRatingSerializer, responses={201: SkillRatingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = SkillRatingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        person = _caller(request)
        scores = {skill: given.validated_data[skill] for skill in Skill.values}
        rating = SkillRating.objects.record(person, person, scores, note=given.validated_data.get("note", ""))
        body = SkillRatingSerializer(rating, context={"done": milestones_done(person)}).data
        return Response(body, status=status.HTTP_201_CREATED)


class Standing(ETagMixin, APIView):
    """Where you stand on the map of roles: now, your trail, a mentor's view, and the gap to your target."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "track",
                str,
                description="The slug of the track of one of your plans to compare with (default: newest).",
            )
        ],
        responses={200: StandingSerializer},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        track = request.query_params.get("track") or None
        return Response(StandingSerializer(standing(_caller(request), track)).data)
