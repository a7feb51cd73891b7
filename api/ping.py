"""A token check and the server's clock, touching no table.

The app calls it to learn whether its access token still works and how far
its own clock is off, so that the ``updated_since`` it sends next is in server
time. The benchmark uses it as the framework's floor: it pays for everything
every endpoint pays for (authentication, throttling, rendering) and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Ping(APIView):
    """The authenticated user's id and the server's time (UTC, ISO 8601)."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "Ping", {"user_id": serializers.IntegerField(), "server_time": serializers.DateTimeField()}
            )
        }
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"user_id": request.user.pk, "server_time": timezone.now()})
