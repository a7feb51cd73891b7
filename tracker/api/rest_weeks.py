"""Rest weeks: take this week off (one rest week in any four keeps a weekly streak alive), or take it back.

The rule is ``tracker.activity``'s, as on the web dashboard; the streak
itself is in ``dashboard/`` (``streak``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.query import check_single_values
from tracker import activity

from .serializers.rest_weeks import RestWeekRequestSerializer, RestWeekSerializer


class RestWeeks(APIView):
    """This week as a rest week: POST takes it off, DELETE takes it back."""

    @extend_schema(request=RestWeekRequestSerializer, responses={200: RestWeekSerializer, 201: RestWeekSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take this week (on your calendar) off: it keeps your streak without adding to it.

        Taking it off again returns it (200). Refused with a 400 whose ``fields``
        name ``week`` and whose ``code`` says why: ``second_rest_week`` (another
        rest week falls in the last four weeks, so this one would end the
        streak; the body adds ``last_rest_week`` and ``next_rest_week``),
        ``week_already_counts`` (something was done this week) or
        ``not_this_week`` (``week`` is not the week you are in).
        """
        serializer = RestWeekRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # RestWeekRefused reaches the exception handler as a 400 with its code.
        rest, created = activity.take_rest_week(request.user, serializer.validated_data.get("week"))  # type: ignore[arg-type]
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(RestWeekSerializer(rest).data, status=code)

    @extend_schema(parameters=[RestWeekRequestSerializer], request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take back this week's rest week; 204 whether or not there was one. ``not_this_week`` as for POST."""
        check_single_values(request, ["week"])  # a repeated or empty week is a 400, not "this week"
        serializer = RestWeekRequestSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        activity.undo_rest_week(request.user, serializer.validated_data.get("week"))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
