"""The plans a mentorship shows, read-only: progress, dates, evidence and checklists (``tracker.progress``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import views
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import ETagMixin
from tracker.progress import progress_for_enrollments

from . import scope
from .serializers import SharedPlanSerializer


class SharedPlanList(ETagMixin, views.APIView):
    """Every plan the mentorship shows, with each milestone's state (both sides may read it)."""

    @extend_schema(responses={200: SharedPlanSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        mentorship = scope.mentorship(request, pk)
        plans = list(mentorship.visible_plans())
        progress = progress_for_enrollments(mentorship.learner, plans)
        return Response(SharedPlanSerializer([progress[p.pk] for p in plans], many=True).data)  # type: ignore[arg-type]


class SharedPlanDetail(ETagMixin, views.APIView):
    """One plan the mentorship shows."""

    @extend_schema(responses={200: SharedPlanSerializer})
    def get(self, request: Request, pk: int, plan_id: int) -> Response:
        mentorship = scope.mentorship(request, pk)
        plan = scope.shared_plan(mentorship, plan_id)
        progress = progress_for_enrollments(mentorship.learner, [plan])[plan.pk]
        return Response(SharedPlanSerializer(progress).data)
