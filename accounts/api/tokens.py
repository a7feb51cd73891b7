"""API refresh tokens: rotation in families with reuse detection, and signing out.

Each refresh hands out a new refresh token and revokes the one used. The
tokens rotated one from another since a sign-in form a family, named by the
jti of its first token and carried in every later one's ``fam`` claim (signed,
like every claim). A used token presented again means a copy is about, and
the server cannot tell the app's from a thief's, so it revokes the whole
family: the newest token stops working too, and the person signs in again
(OAuth 2.0 Security BCP, RFC 9700 section 4.14.2).

One exception, as Okta's and Auth0's reuse intervals make: a token presented
again within ``JWT_REFRESH_REUSE_GRACE_SECONDS`` of its revocation is only
refused. That is an app racing itself (two requests that both found their
access token expired and refreshed at once): exactly one of them wins, and
the winner's new token keeps working instead of signing the person out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import RefreshTokenFamily, User
from accounts.signals import signed_out
from api.user_stamps import users_changed

from .serializers import RefreshTokenSerializer

FAMILY_CLAIM = "fam"
REUSED = _(
    "This refresh token was already used or revoked, so every token of its sign-in is now revoked. Sign in again."
)


class RefreshTokenReused(TokenError):
    """A used (revoked) refresh token was presented again: its family is to be revoked."""

    def __init__(self, token: FamilyRefreshToken, *, just_revoked: bool) -> None:
        super().__init__(str(REUSED) if not just_revoked else gettext("Token is blacklisted"))
        self.family = token.family
        self.user_id = token.get(api_settings.USER_ID_CLAIM)
        # Revoked within the grace period: an app racing itself, refused without ending the family.
        self.just_revoked = just_revoked


class FamilyRefreshToken(RefreshToken):
    """A refresh token that knows its family; presenting it once used raises ``RefreshTokenReused``."""

    # Access tokens need no family: they are never rotated. (simplejwt's
    # attribute is inferred as a tuple of exactly its own five claims.)
    no_copy_claims = (*RefreshToken.no_copy_claims, FAMILY_CLAIM)  # type: ignore[assignment]

    @property
    def family(self) -> str:
        """The family's name: the claim, or this token's own jti if it is the first of its family."""
        return str(self.get(FAMILY_CLAIM) or self[api_settings.JTI_CLAIM])

    def check_blacklist(self) -> None:
        # Runs after the signature was verified: only a genuine token can end its family.
        revoked = (
            BlacklistedToken.objects.filter(token__jti=self[api_settings.JTI_CLAIM])
            .values_list("blacklisted_at", flat=True)
            .first()
        )
        if revoked is not None:
            grace = timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS)
            raise RefreshTokenReused(self, just_revoked=revoked > timezone.now() - grace)

    def successor(self) -> FamilyRefreshToken:
        """The next token of this family: the same claims, a new id and a full lifetime."""
        token = FamilyRefreshToken()
        token.payload = {**self.payload, FAMILY_CLAIM: self.family}
        token.set_jti()
        token.set_exp()
        token.set_iat()
        return token


def rotate(refresh: str) -> FamilyRefreshToken:
    """Revoke the refresh token ``refresh`` and return its successor in the same family.

    Raises ``TokenError`` for a forged, expired or revoked token or a closed
    account; a used token first revokes its whole family.
    """
    try:
        # simplejwt annotates the encoded token as a Token; it is the string.
        presented = FamilyRefreshToken(refresh)  # type: ignore[arg-type]  # signature, expiry, type, unused
        user = User.objects.filter(pk=presented.get(api_settings.USER_ID_CLAIM, 0)).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise TokenError(gettext("No active account found for the given token."))
        return _hand_over(presented, user)
    except RefreshTokenReused as reused:
        if reused.just_revoked:
            raise
        with transaction.atomic():
            _lock_person(reused.user_id)
            RefreshTokenFamily.objects.revoke(reused.family)
            # No access token is tied to a family today; renewed anyway, so one that ever is stops at once.
            users_changed([reused.user_id])
        raise


def _lock_person(user_id: Any) -> None:
    # Rotation, the revocation of a family and a password change (User.save)
    # each take this row lock first, so none of them can miss a token another
    # is handing out. (SQLite's IMMEDIATE transactions serialize them anyway.)
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _hand_over(presented: FamilyRefreshToken, user: User) -> FamilyRefreshToken:
    """Revoke ``presented`` and record its successor, in one transaction.

    Revoking inserts the token's BlacklistedToken row, whose one-to-one
    unique constraint lets exactly one of concurrent rotations win. A loser
    presented a token revoked a moment ago: refused, within the grace period.
    """
    try:
        with transaction.atomic():
            _lock_person(user.pk)
            outstanding, _ = OutstandingToken.objects.get_or_create(
                jti=presented[api_settings.JTI_CLAIM],
                defaults={
                    "user": user,
                    "token": str(presented),
                    "created_at": presented.current_time,
                    "expires_at": datetime_from_epoch(presented["exp"]),
                },
            )
            BlacklistedToken.objects.create(token=outstanding)
            successor = presented.successor()
            OutstandingToken.objects.create(
                user=user,
                jti=successor[api_settings.JTI_CLAIM],
                token=str(successor),
                created_at=successor.current_time,
                expires_at=datetime_from_epoch(successor["exp"]),
            )
            RefreshTokenFamily.objects.create(token_id=successor[api_settings.JTI_CLAIM], family=successor.family)
    except IntegrityError:
        raise RefreshTokenReused(presented, just_revoked=True) from None
    return successor


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """simplejwt's refresh, rotating in families (see ``rotate``)."""

    token_class = FamilyRefreshToken
    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            successor = rotate(attrs["refresh"])
        except TokenError as exc:
            raise InvalidToken(str(exc)) from None
        return {"access": str(successor.access_token), "refresh": str(successor)}


class LogoutSerializer(RefreshTokenSerializer):
    device_token = serializers.CharField(
        max_length=512,
        required=False,
        allow_blank=True,
        help_text="The push token this app registered under devices/: the device gets no more nudges.",
    )


def sign_out(refresh: str, device_token: str = "") -> None:
    """Revoke ``refresh`` and send ``signed_out`` for its person (the apps drop the named device).

    Raises ``TokenError`` for a token that is forged, expired or already revoked.
    """
    with transaction.atomic():
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # the string, as above
        token.blacklist()
        user = User.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM, 0)).first()
        if user is not None:
            users_changed([user.pk])  # as for a revoked family (rotate)
            signed_out.send(sender=User, user=user, device_token=device_token)


def fresh_pair(user: User) -> dict[str, str]:
    """An access and a refresh token for ``user``: the first of a new family, as a sign-in hands out."""
    refresh = FamilyRefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}
