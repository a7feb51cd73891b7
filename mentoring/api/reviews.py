"""Reviews: the learner asks for one on a milestone's evidence; the mentor answers approved or needs_more, with a note.

Asking again while a request waits answers that request (200, not 201) and
tells nobody again; answering a review already given is a 409
``already_reviewed``; the wrong side asking or answering is a 409
``not_learner`` / ``not_mentor``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import ETagMixin
from mentoring import mentorships
from mentoring.models import Review

from . import scope
from .serializers import ReviewRequestSerializer, ReviewSerializer, ReviewVerdictSerializer


class Reviews(generics.GenericAPIView[Review]):
    serializer_class = ReviewSerializer

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        mentorship = scope.mentorship(self.request, self.kwargs["pk"])
        return mentorship.on_shown_plans(mentorship.reviews.all()).select_related("milestone", "mentorship")


@extend_schema_view(post=extend_schema(request=ReviewRequestSerializer, responses={201: ReviewSerializer}))
class ReviewList(ETagMixin, Reviews, generics.ListAPIView[Review]):
    """The mentorship's reviews, newest first; POST (the learner) asks for one on a milestone."""

    def post(self, request: Request, pk: int, *args: Any, **kwargs: Any) -> Response:
        mentorship = scope.mentorship(request, pk)
        given = ReviewRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = scope.shared_plan(mentorship, given.validated_data["plan"])
        milestone = scope.milestone(plan, given.validated_data["milestone"])
        review, created = mentorships.request_review(
            mentorship, plan, milestone, scope.caller(request), given.validated_data["note"]
        )
        return Response(
            ReviewSerializer(review).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReviewVerdict(Reviews):
    """The mentor's answer to a waiting review: approved, or needs_more with a note saying what more."""

    lookup_url_kwarg = "review_id"

    @extend_schema(request=ReviewVerdictSerializer, responses={200: ReviewSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        given = ReviewVerdictSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        done = mentorships.give_review(review, scope.caller(request), data["verdict"], data["note"])
        return Response(ReviewSerializer(done).data)
