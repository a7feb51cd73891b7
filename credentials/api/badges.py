"""Badges: attach one to a milestone (checked at once), list, read, remove, check again.

``POST badges/`` with ``{"milestone", "url"}`` checks the badge with its
issuer before answering and keeps it whatever the check found (201 with the
result); only a URL the server must not fetch is a 400 on ``url``. A
milestone in none of the person's current plans is a 409 ``not_in_plan``, the
same badge twice a 409 ``already_attached``. Another person's badge is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from credentials import proof
from credentials.models import Badge
from tracker.models import Milestone

from .serializers import BadgeCreateSerializer, BadgeSerializer


class UserBadges(generics.GenericAPIView[Badge]):
    """The requesting person's badges only."""

    serializer_class = BadgeSerializer

    def get_queryset(self) -> QuerySet[Badge]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Badge.objects.none()
        user = self.request.user
        assert isinstance(user, User)
        return Badge.objects.of(user).select_related("milestone").order_by("created_at", "id")


@extend_schema_view(
    post=extend_schema(request=BadgeCreateSerializer, responses={201: BadgeSerializer}),
)
class BadgeList(UserBadges, generics.ListAPIView[Badge]):
    """Your badges, oldest first; POST attaches one to a milestone of your plans, checked at once."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = BadgeCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        milestone = Milestone.objects.visible_to(user).filter(slug=given.validated_data["milestone"]).first()
        if milestone is None:
            raise ValidationError({"milestone": [_("No such milestone.")]}, code="not_found")
        badge = proof.attach(user, milestone, url=given.validated_data["url"])
        return Response(BadgeSerializer(badge).data, status=status.HTTP_201_CREATED)


class BadgeDetail(UserBadges, generics.RetrieveDestroyAPIView[Badge]):
    """One of your badges; DELETE removes it from its milestone."""


class BadgeCheck(UserBadges):
    """Check the badge with its issuer now; answers the badge with the result."""

    @extend_schema(request=None, responses={200: BadgeSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        badge = proof.check_again(self.get_object())
        return Response(BadgeSerializer(badge).data)
