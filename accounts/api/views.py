"""Registration, JWT tokens (obtain, rotate, revoke), and the signed-in person's profile."""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import emails
from accounts.export import export_user_data
from accounts.models import User
from accounts.signin_limits import TOO_MANY_FAILURES, SignInAttempt
from api.throttling import RefreshTokenThrottle, ScopedThrottle

from .serializers import (
    ConfirmationRequestSerializer,
    DeleteAccountSerializer,
    MeSerializer,
    RegisterSerializer,
    RegistrationAcceptedSerializer,
    TokenPairSerializer,
)
from .tokens import LogoutSerializer, sign_out


class AuthEndpoint(APIView):
    """Open to anyone, with the stricter ``auth`` throttle scope (per address), and no session (no CSRF)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (ScopedThrottle,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # With no authenticators DRF would turn a refused token into 403; it is a 401.
        return 'Bearer realm="api"'


CHECK_YOUR_INBOX = (
    "Check your inbox: we have sent {email} a link to confirm the address. "
    "Once it is confirmed, sign in with auth/token/."
)


class Register(AuthEndpoint):
    """Sign up: 202, and the rest arrives by email (a link to confirm the address, or a note that it has an account).

    The answer is the same for a new and a taken address, so it tells nobody
    which addresses have accounts; no token is handed out before the address
    is confirmed.
    """

    @extend_schema(request=RegisterSerializer, responses={202: RegistrationAcceptedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        emails.register(request, **serializer.validated_data)
        return _check_your_inbox(serializer.validated_data["email"])


class ResendConfirmation(AuthEndpoint):
    """Ask for a new confirmation link: 202 whatever the address (at most one mail per address every few minutes)."""

    @extend_schema(request=ConfirmationRequestSerializer, responses={202: RegistrationAcceptedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ConfirmationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = emails.normalize(serializer.validated_data["email"])
        emails.resend_confirmation(request, email)
        return _check_your_inbox(email)


def _check_your_inbox(email: str) -> Response:
    body = {"email": email, "message": CHECK_YOUR_INBOX.format(email=email)}
    return Response(body, status=status.HTTP_202_ACCEPTED)


class TokenObtain(AuthEndpoint, TokenObtainPairView):  # type: ignore[misc]
    """Email and password in, an access and a refresh token out.

    Under the sign-in limits every sign-in shares (accounts.signin_limits):
    past them further attempts get 429 with Retry-After.
    """

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        email = request.data.get("email", "") if isinstance(request.data, dict) else ""
        attempt = SignInAttempt(request, str(email))
        wait = attempt.begin()
        if wait is not None:
            raise Throttled(wait=wait, detail=TOO_MANY_FAILURES)
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            raise  # a wrong password: the attempt stays counted
        except Exception:
            attempt.abandoned()  # no password was checked (a field missing)
            raise
        attempt.succeeded()
        return response


class TokenRefresh(AuthEndpoint, TokenRefreshView):  # type: ignore[misc]
    """Exchange a refresh token for a new pair; the used refresh token stops working."""

    throttle_classes = (RefreshTokenThrottle,)
    throttle_scope = "refresh"

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class Logout(AuthEndpoint):
    """Revoke a refresh token (the access token lapses on its own within minutes).

    With ``device_token`` the push device signed out on is forgotten too, so
    that token can then be registered by whoever signs in next on the phone.
    """

    throttle_classes = (RefreshTokenThrottle,)
    throttle_scope = "refresh"

    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sign_out(serializer.validated_data["refresh"], serializer.validated_data.get("device_token", ""))
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me(generics.RetrieveUpdateAPIView[User]):
    """The signed-in person: profile, time zone and reminder preferences. DELETE erases the account."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> User:
        return self.request.user  # type: ignore[return-value]

    @extend_schema(request=DeleteAccountSerializer, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Erase the account, once the password in the body confirms it (an access token alone is not enough)."""
        user = self.get_object()
        DeleteAccountSerializer(data=request.data, context={"user": user}).is_valid(raise_exception=True)
        # Cascades to enrollments, progress, history, notifications and devices.
        user.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyExport(APIView):
    """Everything CareerPlan holds about the signed-in person, as JSON; never kept by a cache on the way."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = Response(export_user_data(request.user))  # type: ignore[arg-type]
        response["Content-Disposition"] = 'attachment; filename="careerplan-export.json"'
        add_never_cache_headers(response)  # Cache-Control: no-store, private (and no-cache, max-age=0)
        return response
