"""In-app notifications (nudges): the inbox, marking one or all read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from nudges.models import Notification

from .serializers import NotificationSerializer, ReadAllSerializer


class NotificationFilter(django_filters.FilterSet):
    # A strict choice rather than BooleanFilter, which silently ignores "maybe".
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="by_unread", help_text="true: unread only."
    )

    class Meta:
        model = Notification
        fields = ("unread",)

    def by_unread(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value == "true")


class UserNotifications(generics.GenericAPIView[Notification]):
    """The requesting user's notifications only."""

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")  # type: ignore[misc]


class NotificationList(UserNotifications, generics.ListAPIView[Notification]):
    """The user's notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter


class NotificationRead(UserNotifications):
    """Mark one notification read; reading it again keeps the first time."""

    serializer_class = NotificationSerializer

    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = self.get_object()
        notification.mark_read()
        return Response(NotificationSerializer(notification).data)


class NotificationReadAll(UserNotifications):
    """Mark every unread notification read."""

    serializer_class = ReadAllSerializer

    @extend_schema(request=None, responses={200: ReadAllSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        count = self.get_queryset().mark_read()  # type: ignore[attr-defined]
        return Response({"marked_read": count})
