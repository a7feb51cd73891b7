"""Registration, JWT tokens (obtain, rotate, revoke), the password (change, reset), and the person's profile."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account import signals as allauth_signals
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.core import ratelimit
from allauth.utils import get_form_class
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from redis.exceptions import RedisError
from rest_framework import generics, status
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
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
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    PasswordResetSerializer,
    RegisterSerializer,
    RegistrationAcceptedSerializer,
    TokenPairSerializer,
)
from .tokens import LogoutSerializer, fresh_pair, sign_out

logger = logging.getLogger(__name__)


class AuthEndpoint(APIView):
    """Open to anyone, with the stricter ``auth`` throttle scope (per address), and no session (no CSRF)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (ScopedThrottle,)
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # With no authenticators DRF would turn a refused token into 403; it is a 401.
        return 'Bearer realm="api"'


CHECK_YOUR_INBOX = gettext_lazy(
    "Check your inbox: we have sent %(email)s a link to confirm the address. "
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
    body = {"email": email, "message": str(CHECK_YOUR_INBOX) % {"email": email}}
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
            raise Throttled(wait=wait, detail=str(TOO_MANY_FAILURES))
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


PASSWORD_CHANGED = gettext_lazy(
    "Your password has been changed. Every other sign-in has ended, and push notifications stopped on all your "
    "devices: keep using this app with the tokens in this answer, and register its push token again (POST devices/)."
)
RESET_SENT = gettext_lazy(
    "Check your inbox: if %(email)s is the address of an account, we have sent it a link to choose a new password. "
    "Otherwise it gets a note saying so."
)
TOO_MANY_REQUESTS = gettext_lazy("Too many requests of this kind. Wait a minute, then try again.")


def _within_allauth_limit(request: Request, action: str, **who: Any) -> None:
    """Count one ``action`` against allauth's rate limit, the one the web's page counts against too.

    Past it, 429 with Retry-After (the limits are per minute). While the
    cache is unreachable the limit is skipped, as every throttle is.
    """
    try:
        allowed = ratelimit.consume(request._request, action=action, **who)
    except RedisError:
        logger.warning("%s: the cache is unreachable; allauth's limit is skipped", action)
        allowed = True
    if not allowed:
        raise Throttled(wait=60, detail=str(TOO_MANY_REQUESTS))


class PasswordChange(APIView):
    """Change the password, giving the current one; the web's rules and limit (allauth's form, 5 a minute).

    Like a change on the web, it ends every other sign-in: every refresh token
    is revoked, web sessions end, and every push device is forgotten (the
    apps elsewhere stop getting nudges). This app keeps going with the new
    token pair in the answer, and registers its push token again.
    """

    @extend_schema(request=PasswordChangeSerializer, responses={200: PasswordChangedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Read afresh: the authenticated person may come from the cache (api.authentication) without the hash.
        user = User.objects.get(pk=request.user.pk)
        _within_allauth_limit(request, "change_password", user=user)
        serializer = PasswordChangeSerializer(data=request.data, context={"user": user})
        serializer.is_valid(raise_exception=True)
        # User.save revokes the refresh tokens, ends the sessions and sends credentials_changed (devices go).
        serializer.validated_data["form"].save()
        get_adapter(request._request).send_notification_mail("account/email/password_changed", user)
        allauth_signals.password_changed.send(sender=User, request=request._request, user=user)
        return Response({**fresh_pair(user), "message": str(PASSWORD_CHANGED)})


class PasswordReset(AuthEndpoint):
    """Ask for a link to choose a new password, by email: 202 whatever the address, as the web's page answers.

    allauth's own form and mail: the link opens the web's page for a new
    password. An address with no account gets a note instead, so the answer
    tells nobody which addresses have accounts. Past the web's limits (per
    client address, and per address asked about) it is 429.
    """

    @extend_schema(request=PasswordResetSerializer, responses={202: RegistrationAcceptedSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = emails.normalize(serializer.validated_data["email"])
        form = get_form_class(allauth_settings.FORMS, "reset_password", ResetPasswordForm)(data={"email": email})
        if not form.is_valid():  # the serializer took the address already; this is allauth's own check
            raise ValidationError(
                {"email": [str(m) for m in form.errors.get("email", [])] or [_("Enter a valid email.")]}
            )
        _within_allauth_limit(request, "reset_password", key=email)
        form.save(request._request)
        body = {"email": email, "message": str(RESET_SENT) % {"email": email}}
        return Response(body, status=status.HTTP_202_ACCEPTED)


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
