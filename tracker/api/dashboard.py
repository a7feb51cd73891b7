"""The dashboard: every current enrollment's progress and the weekly streak.

Computed in a fixed number of queries, then cached per user until their plan
or the catalogue changes, or their day ends (tracker.versions): the app opens
on this screen, far more often than anything on it changes. What is cached is
the rendered JSON (api.renderers.prerender), so a hit is sent as it was
stored, with no serializer output to rebuild and encode.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.renderers import prerender
from tracker import progress, versions

from .serializers.dashboard import DashboardSerializer


class Dashboard(APIView):
    """Per enrollment: overall and per-category percentage, next up, upcoming and overdue dates; the streak."""

    @extend_schema(responses={200: DashboardSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        today = timezone.localdate(timezone.now(), user.tzinfo)  # type: ignore[union-attr]

        def compute() -> bytes:
            return prerender(DashboardSerializer(progress.Dashboard(user, today)).data)  # type: ignore[arg-type]

        # "Today" and the time zone are in the key: overdue, upcoming, expired
        # and the streak all turn on the user's local date.
        depends_on = f"{today.isoformat()}:{user.timezone}"  # type: ignore[union-attr]
        return Response(versions.cached("dashboard", compute, key=str(user.pk), user_id=user.pk, depends_on=depends_on))
