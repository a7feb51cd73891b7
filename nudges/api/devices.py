"""Push devices: the app registers its token after sign-in and removes it at sign-out."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from nudges.models import Device

from .serializers import DeviceSerializer


class DeviceRegister(generics.CreateAPIView[Device]):
    """Register a push token. The same token again is a no-op (200); a token seen on another account moves here."""

    serializer_class = DeviceSerializer

    @extend_schema(responses={200: DeviceSerializer, 201: DeviceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, platform = serializer.validated_data["token"], serializer.validated_data["platform"]
        try:
            # A phone handed to someone else re-registers under the new account:
            # the token belongs to whoever signed in last.
            with transaction.atomic():
                device, created = Device.objects.update_or_create(  # type: ignore[misc]
                    token=token, defaults={"user": request.user, "platform": platform}
                )
        except IntegrityError:  # a concurrent registration of the same token won the insert
            device, created = Device.objects.get(token=token), False
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DeviceSerializer(device).data, status=code)


class DeviceDelete(generics.DestroyAPIView[Device]):
    """Forget one of the user's devices (no more pushes to it)."""

    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Device.objects.none()
        return Device.objects.filter(user=self.request.user)  # type: ignore[misc]
