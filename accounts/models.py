"""People who use CareerPlan, and how they want to be reminded."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Iterable
from importlib import import_module
from typing import Any, ClassVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .signals import credentials_changed


def validate_timezone(value: str) -> None:
    """Accept only IANA zone names (``Europe/London``), never offsets."""
    if value not in _available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone (for example Europe/London)."),
            params={"value": value},
            code="invalid_timezone",
        )


def _available_timezones() -> set[str]:
    global _TZ_CACHE
    if _TZ_CACHE is None:
        _TZ_CACHE = zoneinfo.available_timezones()
    return _TZ_CACHE


_TZ_CACHE: set[str] | None = None

# What mail clients turn into a link: a scheme, "www.", a host name (a dot
# between letters or digits and two or more letters: example.com, пример.рф,
# xn--p1ai) or an IPv4 address. "Dr. Jane" passes; "St.John" does not.
_LINK = re.compile(
    r"[a-z][a-z0-9+.-]*://|\b(?:mailto|tel|sms|javascript|data):|\bwww\.|\w\.[^\W\d_]{2,}|\d{1,3}(?:\.\d{1,3}){3}",
    re.IGNORECASE,
)
# Dots that browsers accept in host names besides ".": ideographic and half-width full stops.
_OTHER_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})
# Invisible characters that reorder text (a "moc.live" shown as "evil.com").
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_display_name(value: str) -> None:
    """Keep a display name to one line of plain words: no line breaks, control characters or links.

    The name is written into every reminder email; an account registered for
    somebody else's address must not turn it into a message with a link.
    Checked after Unicode compatibility folding (a full-width full stop is a dot)
    and with invisible format characters removed (a zero-width space inside
    "evil.com" hides nothing).
    """
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS for ch in value):
        raise ValidationError(
            _("A display name is one line of text: no line breaks or control characters."), code="line_break"
        )
    folded = unicodedata.normalize("NFKC", value).translate(_OTHER_DOTS)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    if _LINK.search(visible):
        raise ValidationError(
            _(
                "A display name cannot contain a web or email address (such as example.com); "
                "after a full stop, leave a space."
            ),
            code="link",
        )


class UserQuerySet(models.QuerySet["User"]):
    """People, narrowed by what CareerPlan may do with their address."""

    def verified(self) -> UserQuerySet:
        """People whose sign-in address is their primary address and has been confirmed."""
        # allauth keeps one primary EmailAddress per user (a partial unique
        # index) and User.email in step with it; requiring both to agree also
        # leaves out an address changed behind allauth's back (the admin).
        confirmed = EmailAddress.objects.filter(
            user=OuterRef("pk"), primary=True, verified=True, email__iexact=OuterRef("email")
        )
        return self.filter(Exists(confirmed))

    def reachable(self) -> UserQuerySet:
        """People CareerPlan may send reminders to: active, with a confirmed address.

        Until the address is confirmed nothing is sent to it (no nudge, digest
        or celebration, on any channel): whoever registered it may not own it.
        """
        return self.filter(is_active=True).verified()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
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
    display_name = models.CharField(max_length=80, blank=True, validators=[validate_display_name])
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone name; reminders arrive at local hours.",
    )
    # Where the person was going when they signed up (the enrolment they chose):
    # the first sign-in after confirming the address goes there, even in another
    # browser or after allauth's 15-minute sign-up session has lapsed.
    # A database default too: rows written by code that predates this column
    # (an older migration's historical model, mid-upgrade) still insert.
    continue_to = models.CharField(max_length=200, blank=True, editable=False, db_default="")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    # True while check_password() may rehash the password it just verified.
    _upgrading_hash: bool = False

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a new password hash signs the person out everywhere else and sends ``credentials_changed``.

        Noticed here, once, whatever set the password: allauth's change, set
        and reset, the admin's password form, ``changepassword``, or any
        ``set_password()`` then ``save()``. The stored hash is read under a row
        lock that token rotation takes too, so a refresh racing the change
        cannot hand out a token the revocation misses. Where the person changed
        it themselves on the web, their own browser stays signed in:
        ``update_session_auth_hash`` moves that session to a new key afterwards.
        """
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            changed = self._password_hash_changes(using, kwargs.get("update_fields"))
            super().save(*args, **kwargs)
            if changed:
                self.revoke_refresh_tokens()
                self.end_sessions()
                credentials_changed.send(sender=type(self), user=self)

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

    @property
    def has_verified_email(self) -> bool:
        """Whether the sign-in address has been confirmed (``UserQuerySet.verified``)."""
        return type(self).objects.filter(pk=self.pk).verified().exists()

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

    def end_sessions(self) -> int:
        """Delete every web session signed in as this person; returns how many.

        Django keeps the signed-in user inside each session's encoded data,
        not in a column, so the unexpired sessions are decoded one by one
        (about 10 µs each): fine for an event as rare as a new password.
        Deleted through the session store, so ``cached_db`` forgets its cached
        copy too; engines that keep nothing in the database have nothing to
        find, and Django's check of the password hash kept in each session
        signs those out on their next request.
        """
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not hasattr(store, "get_model_class"):
            return 0
        sessions = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
        decoder, me = store(), str(self.pk)
        mine = [
            key
            for key, data in sessions.values_list("session_key", "session_data").iterator(chunk_size=2000)
            if decoder.decode(data).get(SESSION_KEY) == me
        ]
        for key in mine:
            store(key).delete()
        return len(mine)

    def check_password(self, raw_password: str | None) -> bool:
        # A right password kept under an older hasher is rehashed and saved on
        # the way (Django's upgrade at sign-in): the same password, so not a
        # change that should sign the person out of their other devices.
        self._upgrading_hash = True
        try:
            return super().check_password(raw_password)
        finally:
            self._upgrading_hash = False

    async def acheck_password(self, raw_password: str | None) -> bool:
        self._upgrading_hash = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._upgrading_hash = False

    def _password_hash_changes(self, using: str, update_fields: Iterable[str] | None) -> bool:
        """Whether saving now writes a password hash other than the stored one (a new account has none)."""
        if self.pk is None or self._upgrading_hash or "password" in self.get_deferred_fields():
            return False
        if update_fields is not None and "password" not in update_fields:
            return False
        stored = (
            type(self)
            ._base_manager.using(using)
            .select_for_update()
            .filter(pk=self.pk)
            .values_list("password", flat=True)
            .first()
        )
        return stored is not None and stored != self.password

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class RefreshTokenFamilyManager(models.Manager["RefreshTokenFamily"]):
    def revoke(self, family: str) -> int:
        """Revoke every refresh token of ``family`` not revoked yet; returns how many.

        ``ignore_conflicts``: one revoked meanwhile (a rotation, a logout) is skipped.
        """
        # Imported here: the blacklist app's models point back at the user model.
        from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

        members = self.filter(family=family).values("token_id")
        live = OutstandingToken.objects.filter(jti__in=members, blacklistedtoken__isnull=True)
        revoked = BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in live], ignore_conflicts=True)
        return len(revoked)


class RefreshTokenFamily(models.Model):
    """The family an API refresh token handed out by rotation belongs to.

    A family is the chain of refresh tokens rotated one from another since
    one sign-in, named by the jti of its first token and carried in each
    later token's ``fam`` claim. A used token of the family presented again
    was copied, and nobody can tell whether by the app or a thief, so the
    whole family is revoked (RFC 9700, section 4.14.2): hence a row per
    token, to find the family's newest. A row goes with its OutstandingToken,
    pruned by ``flushexpiredtokens``.
    """

    token = models.OneToOneField(
        "token_blacklist.OutstandingToken",
        to_field="jti",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    family = models.CharField(max_length=255, db_index=True)

    objects = RefreshTokenFamilyManager()

    class Meta:
        verbose_name = "refresh token's family"
        verbose_name_plural = "refresh tokens' families"

    def __str__(self) -> str:
        return f"{self.token_id} in family {self.family}"


class QuizResultManager(models.Manager["QuizResult"]):
    def keep(self, user: User, result: dict[str, Any]) -> QuizResult | None:
        """Keep ``result`` (``QuizResult.as_session_data``'s shape) as ``user``'s quiz result; None if malformed.

        One result per person, the latest: taking the quiz again replaces it.
        """
        answers, ranking, taken_at = result.get("answers"), result.get("ranking"), result.get("taken_at")
        if not (isinstance(answers, dict) and isinstance(ranking, list) and isinstance(taken_at, str)):
            return None
        when = parse_datetime(taken_at) or timezone.now()
        kept, _ = self.update_or_create(user=user, defaults={"answers": answers, "ranking": ranking, "taken_at": when})
        return kept


class QuizResult(models.Model):
    """The role-fit quiz a person took last: their answers and the ranking of tracks it gave them.

    Taken signed out, it waits in the session and is kept here when they sign
    up or sign in (``accounts.onboarding``). ``accounts`` does not read it: the
    quiz (``tracker.rolefit``) writes its answers and, for each track, best
    first, ``{"track": slug, "name", "score", "reasons"}``, so the result reads
    the same later even if the catalogue changes.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_result")
    answers = models.JSONField()
    ranking = models.JSONField()
    taken_at = models.DateTimeField()

    objects = QuizResultManager()

    def __str__(self) -> str:
        return f"{self.user}: {self.top_track_name or 'no track'}"

    @property
    def top_track_name(self) -> str:
        """The name of the best-fitting track, or "" for an empty ranking."""
        first = self.ranking[0] if self.ranking else {}
        return str(first.get("name", "")) if isinstance(first, dict) else ""

    def rank_of(self, track_slug: str) -> int | None:
        """Where ``track_slug`` came in the ranking (1 is the best fit), or None if it was not ranked."""
        for place, entry in enumerate(self.ranking, start=1):
            if isinstance(entry, dict) and entry.get("track") == track_slug:
                return place
        return None
