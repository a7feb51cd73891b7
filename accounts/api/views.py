"""Registration, JWT tokens (obtain, rotate, revoke), and the signed-in person's profile."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.export import export_user_data
from accounts.models import User
from api.throttling import ScopedThrottle

from .lockout import LoginLockout
from .serializers import (
    MeSerializer,
    RefreshTokenSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenPairSerializer,
)


class AuthEndpoint(APIView):
    """Open to anyone, with the stricter ``auth`` throttle scope, and no session (no CSRF)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (ScopedThrottle,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # With no authenticators DRF would turn a refused token into 403; it is a 401.
        return 'Bearer realm="api"'


class Register(AuthEndpoint):
    """Create an account; the answer carries a first token pair."""

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        refresh = RefreshToken.for_user(user)
        body = {"id": user.pk, "email": user.email, "access": str(refresh.access_token), "refresh": str(refresh)}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenObtain(AuthEndpoint, TokenObtainPairView):  # type: ignore[misc]
    """Email and password in, an access and a refresh token out.

    After API_LOGIN_FAILURE_LIMIT failures in a window (per address and per
    email, counted across all server processes) further attempts get 429.
    """

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        email = request.data.get("email", "") if isinstance(request.data, dict) else ""
        lockout = LoginLockout(request, str(email))
        wait = lockout.wait()
        if wait is not None:
            raise Throttled(wait=wait, detail="Too many failed sign-ins; try again later.")
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            lockout.record_failure()
            raise


class TokenRefresh(AuthEndpoint, TokenRefreshView):  # type: ignore[misc]
    """Exchange a refresh token for a new pair; the used refresh token stops working."""

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class Logout(AuthEndpoint):
    """Revoke a refresh token (the access token lapses on its own within minutes)."""

    @extend_schema(request=RefreshTokenSerializer, responses={204: None})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me(generics.RetrieveUpdateAPIView[User]):
    """The signed-in person: profile, time zone and reminder preferences. DELETE erases the account."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> User:
        return self.request.user  # type: ignore[return-value]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Cascades to enrollments, progress, history, notifications and devices.
        request.user.delete()  # type: ignore[union-attr]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyExport(APIView):
    """Everything CareerPlan holds about the signed-in person, as JSON."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = Response(export_user_data(request.user))  # type: ignore[arg-type]
        response["Content-Disposition"] = 'attachment; filename="careerplan-export.json"'
        return response
