"""The calendar feed: read its address, make one, revoke it.

``GET calendar/`` answers ``{"url": ...}`` (null without a feed); ``POST``
makes one (201), or answers the existing one (200); ``DELETE`` revokes it
(204, whether or not there was one): the old address is a 404 at once.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from calendars.models import CalendarFeed
from calendars.views import feed_url

from .serializers import CalendarFeedSerializer


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class CalendarFeedView(APIView):
    """Your private calendar feed's address."""

    @extend_schema(responses={200: CalendarFeedSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your calendar feed's address, or ``{"url": null}`` when you have none."""
        feed = CalendarFeed.objects.filter(user=_user(request)).first()
        return Response({"url": feed_url(request, feed) if feed else None})

    @extend_schema(request=None, responses={200: CalendarFeedSerializer, 201: CalendarFeedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make your calendar feed (201); when you have one, it is answered unchanged (200)."""
        feed, created = CalendarFeed.objects.open(_user(request))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response({"url": feed_url(request, feed)}, status=code)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revoke your calendar feed: its address stops working at once. 204 whether or not you had one."""
        CalendarFeed.objects.revoke(_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
