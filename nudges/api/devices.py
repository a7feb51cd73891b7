"""Push devices: the app registers its token after sign-in, lists and updates its details, and names it at sign-out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from nudges.models import DEVICE_DETAILS, Device

from .serializers import DeviceDetailsSerializer, DeviceSerializer


class MyDevices(generics.GenericAPIView[Device]):
    """Only the signed-in person's devices: another's is simply not found (404)."""

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Device.objects.none()
        return Device.objects.filter(user=self.request.user)  # type: ignore[misc]


class DeviceList(MyDevices, generics.ListCreateAPIView[Device]):
    """The person's push devices, newest first (GET); register a push token (POST).

    Registering the same token again updates its platform and the details
    sent (200); a token registered to another account is a 409.
    """

    serializer_class = DeviceSerializer

    @extend_schema(responses={200: DeviceSerializer, 201: DeviceSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        device, created = Device.objects.register(
            request.user,  # type: ignore[arg-type]
            data["token"],
            data["platform"],
            **{name: data[name] for name in DEVICE_DETAILS if name in data},
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DeviceSerializer(device).data, status=code)


class DeviceDetail(MyDevices, generics.RetrieveUpdateDestroyAPIView[Device]):
    """One of the person's devices: read it, update its details (APNs environment, app version, locale), or forget it.

    Forgetting it stops the pushes to it at once.
    """

    serializer_class = DeviceDetailsSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]
