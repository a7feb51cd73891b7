"""Invitations to mentor: send one (by email), list yours, withdraw one, and accept one by its link's token.

Accepting an invitation that was accepted, withdrawn or has expired is a 409
``invite_accepted``, ``invite_withdrawn`` or ``invite_expired`` and changes
nothing; a token that names no invitation is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import ETagMixin
from mentoring import mentorships
from mentoring.models import Invite
from tracker.models import Enrollment

from . import scope
from .serializers import AcceptSerializer, InviteCreateSerializer, InviteSerializer, MentorshipSerializer


class Invites(generics.GenericAPIView[Invite]):
    serializer_class = InviteSerializer

    def get_queryset(self) -> QuerySet[Invite]:
        if getattr(self, "swagger_fake_view", False):
            return Invite.objects.none()
        return Invite.objects.sent_by(scope.caller(self.request)).prefetch_related("plans")


@extend_schema_view(post=extend_schema(request=InviteCreateSerializer, responses={201: InviteSerializer}))
class InviteList(ETagMixin, Invites, generics.ListAPIView[Invite]):
    """The invitations you sent, newest first; POST invites someone by email (the mail goes out at once)."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = InviteCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        learner = scope.caller(request)
        data = given.validated_data
        plans = list(Enrollment.objects.for_user(learner).current().filter(pk__in=data["plans"]))
        made = mentorships.invite(
            learner, data["email"], share_all=data["share_all"], plans=plans, message=data["message"]
        )
        return Response(InviteSerializer(made).data, status=status.HTTP_201_CREATED)


class InviteWithdraw(Invites):
    """Withdraw a pending invitation: its link stops working. Withdrawing again, or an answered one, changes nothing."""

    @extend_schema(request=None, responses={200: InviteSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invite = self.get_object()
        invite.withdraw()
        return Response(InviteSerializer(invite).data)


class InviteAccept(generics.GenericAPIView[Invite]):
    """Accept an invitation by its token: you become the learner's mentor and see what they chose to show."""

    serializer_class = AcceptSerializer

    @extend_schema(request=AcceptSerializer, responses={201: MentorshipSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = AcceptSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invite = Invite.from_token(given.validated_data["token"])
        if invite is None:
            raise Http404
        mentorship = mentorships.accept(invite, scope.caller(request))
        return Response(MentorshipSerializer(mentorship, context={"request": request}).data, status=201)
