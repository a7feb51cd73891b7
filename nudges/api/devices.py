"""Push devices: the app registers its token after sign-in and names it when signing out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from nudges.models import Device

from .serializers import DeviceSerializer


class DeviceRegister(generics.CreateAPIView[Device]):
    """Register a push token. The same token again is a no-op (200); one registered to another account is a 409."""

    serializer_class = DeviceSerializer

    @extend_schema(responses={200: DeviceSerializer, 201: DeviceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device, created = Device.objects.register(
            request.user,  # type: ignore[arg-type]
            serializer.validated_data["token"],
            serializer.validated_data["platform"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DeviceSerializer(device).data, status=code)


class DeviceDelete(generics.DestroyAPIView[Device]):
    """Forget one of the user's devices (no more pushes to it)."""

    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Device.objects.none()
        return Device.objects.filter(user=self.request.user)  # type: ignore[misc]
