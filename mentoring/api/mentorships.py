"""Mentorships: list yours (either side), read one, change what it shows (the learner), end it (either side).

``POST mentorships/<id>/end/`` ends it at once: from the next request the
mentor's token reaches none of the learner's plans (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import Conflict
from api.etags import ETagMixin
from mentoring.models import Mentorship
from tracker.models import Enrollment

from . import scope
from .serializers import MentorshipSerializer, SharingSerializer


class Mentorships(generics.GenericAPIView[Mentorship]):
    serializer_class = MentorshipSerializer

    def get_queryset(self) -> QuerySet[Mentorship]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Mentorship.objects.none()
        return scope.mentorships_of(self.request)


class MentorshipList(ETagMixin, Mentorships, generics.ListAPIView[Mentorship]):
    """Your active mentorships: those where you are mentored (role learner) and those where you mentor (role mentor)."""


class MentorshipDetail(Mentorships, generics.RetrieveAPIView[Mentorship]):
    """One of your mentorships; PATCH (the learner only) changes which plans it shows."""

    @extend_schema(request=SharingSerializer, responses={200: MentorshipSerializer})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentorship = self.get_object()
        if mentorship.role_of(scope.caller(request)) != "learner":
            raise Conflict(_("Only the learner chooses what the mentorship shows."), code="not_learner")
        given = SharingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plans = list(Enrollment.objects.filter(pk__in=given.validated_data["plans"]))
        mentorship.set_sharing(given.validated_data["share_all"], plans)
        return Response(MentorshipSerializer(mentorship, context={"request": request}).data)


class MentorshipEnd(Mentorships):
    """End the mentorship (either side): the mentor sees nothing of the learner's from now on."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object().end(by=scope.caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
