"""People who use CareerPlan, and how they want to be reminded."""

from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_timezone(value: str) -> None:
    """Accept only IANA zone names (``Europe/London``), never offsets."""
    if value not in _available_timezones():
        raise ValidationError(
            "%(value)s is not a known IANA time zone (for example Europe/London).",
            params={"value": value},
            code="invalid_timezone",
        )


def _available_timezones() -> set[str]:
    global _TZ_CACHE
    if _TZ_CACHE is None:
        _TZ_CACHE = zoneinfo.available_timezones()
    return _TZ_CACHE


_TZ_CACHE: set[str] | None = None


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by email: there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Log-in is case-insensitive on the email address.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person following career tracks. The email address is the login."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone name; reminders arrive at local hours.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        """What to call the person: the display name, else the email's local part."""
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The user's zone; an unknown stored name falls back to UTC."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def revoke_refresh_tokens(self) -> int:
        """Revoke every API refresh token handed out to this person; returns how many were live.

        Called when the password changes, so a stolen refresh token stops
        working with the old password. Access tokens are not stored and lapse
        on their own (``JWT_ACCESS_MINUTES``). ``ignore_conflicts``: a token
        revoked meanwhile by a concurrent refresh or logout is simply skipped.
        """
        # Imported here: the blacklist app's models point back at this user model.
        from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

        live = OutstandingToken.objects.filter(user=self, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
        revoked = BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in live], ignore_conflicts=True)
        return len(revoked)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name
