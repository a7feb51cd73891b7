"""Comments: the threads on the milestones of the plans a mentorship shows; either side reads and writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import ETagMixin
from mentoring import mentorships
from mentoring.models import Comment

from . import scope
from .serializers import CommentCreateSerializer, CommentSerializer


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("plan", int, description="Only this plan's threads.")]),
    post=extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer}),
)
class CommentList(ETagMixin, generics.ListAPIView[Comment]):
    """The mentorship's comments on the plans it shows, oldest first; POST adds one to a milestone's thread."""

    serializer_class = CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        mentorship = scope.mentorship(self.request, self.kwargs["pk"])
        comments = mentorship.on_shown_plans(mentorship.comments.all()).select_related("author", "milestone")
        plan = self.request.query_params.get("plan", "")
        if plan.isdigit():
            comments = comments.filter(enrollment_id=int(plan))
        return comments.order_by("created_at", "id")

    def post(self, request: Request, pk: int, *args: Any, **kwargs: Any) -> Response:
        mentorship = scope.mentorship(request, pk)
        given = CommentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = scope.shared_plan(mentorship, given.validated_data["plan"])
        milestone = scope.milestone(plan, given.validated_data["milestone"])
        made = mentorships.comment(mentorship, plan, milestone, scope.caller(request), given.validated_data["body"])
        return Response(CommentSerializer(made, context={"request": request}).data, status=status.HTTP_201_CREATED)
