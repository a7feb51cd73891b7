"""The dashboard: every current enrollment's progress and the weekly streak, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.models import Enrollment
from tracker.progress import progress_for_enrollments, weekly_streak

from .serializers import DashboardSerializer


class Dashboard(APIView):
    """Per enrollment: overall and per-category percentage, next up, upcoming and overdue dates; the streak."""

    @extend_schema(responses={200: DashboardSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        today = timezone.localdate(timezone.now(), user.tzinfo)  # type: ignore[union-attr]
        enrollments = list(
            Enrollment.objects.for_user(user).current().select_related("track").order_by("started_at", "id")  # type: ignore[arg-type]
        )
        progress = progress_for_enrollments(user, enrollments, today=today)  # type: ignore[arg-type]
        data = {
            "today": today,
            "streak_weeks": weekly_streak(user, today=today),  # type: ignore[arg-type]
            "enrollments": [progress[e.pk] for e in enrollments],
        }
        return Response(DashboardSerializer(data).data)
