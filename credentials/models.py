"""Proof of a milestone: Open Badges a person attaches, checked and re-checked against their issuers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

    from .verification import Result


class BadgeState(models.TextChoices):
    VERIFIED = "verified", "Verified"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"
    WRONG_RECIPIENT = "wrong_recipient", "Not issued to you"
    INVALID = "invalid", "Not valid"
    UNREACHABLE = "unreachable", "Could not be checked"


# A revoked badge stays revoked: its issuer has said so, and nothing brings it back.
FINAL_STATES = (BadgeState.REVOKED,)
# What the person is told about when a re-check finds it (proof.check_again).
BAD_NEWS = (BadgeState.REVOKED, BadgeState.EXPIRED)


class BadgeQuerySet(models.QuerySet["Badge"]):
    def of(self, user: User) -> BadgeQuerySet:
        """The person's own badges: every page and endpoint starts here, so anyone else's is not found."""
        return self.filter(user=user)

    def due_for_recheck(self, now: datetime) -> BadgeQuerySet:
        """Badges whose last attempt is older than ``CREDENTIALS_RECHECK_HOURS``, oldest first (never revoked ones).

        Served by the ``badge_attempted`` index.
        """
        since = now - timedelta(hours=settings.CREDENTIALS_RECHECK_HOURS)
        return self.filter(attempted_at__lte=since).exclude(state__in=FINAL_STATES).order_by("attempted_at", "pk")


class Badge(models.Model):
    """An Open Badges 2.0 assertion a person attached to a milestone as proof, with the last check's result.

    ``source_url`` is where it was pasted from, or, for an uploaded image,
    the assertion's id; ``baked`` keeps what a signed image carried (a JWS),
    which is checked again from here since it is published nowhere.
    ``checked_at`` is the last check that reached the issuer, ``attempted_at``
    the last try (a failed one keeps a verified badge verified for
    ``CREDENTIALS_UNREACHABLE_GRACE_DAYS``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    milestone = models.ForeignKey("tracker.Milestone", on_delete=models.CASCADE, related_name="badges")
    source_url = models.CharField(max_length=2000, blank=True)
    from_image = models.BooleanField(default=False, help_text="Uploaded as a baked image rather than pasted as a URL.")
    baked = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=20, choices=BadgeState.choices)
    issuer_name = models.CharField(max_length=200, blank=True)
    badge_name = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    problem = models.TextField(blank=True, help_text="Why it is not verified, in words for the person.")
    assertion = models.JSONField(default=dict, blank=True, help_text="The assertion as its issuer published it.")
    checked_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            # The same badge twice on one milestone is one badge.
            models.UniqueConstraint(
                fields=["user", "milestone", "source_url"],
                condition=~Q(source_url=""),
                name="badge_once_per_user_milestone_source",
            )
        ]
        indexes = [
            # The plan and shared pages read a person's badges at once.
            models.Index(fields=["user", "milestone"], name="badge_user_milestone"),
            # The re-check scan: the oldest attempts first.
            models.Index(fields=["attempted_at"], name="badge_attempted"),
        ]

    def __str__(self) -> str:
        return f"{self.badge_name or 'Badge'} of {self.user} ({self.state})"

    @property
    def is_verified(self) -> bool:
        return self.state == BadgeState.VERIFIED

    @property
    def state_label(self) -> str:
        return BadgeState(self.state).label

    def record(self, result: Result, now: datetime | None = None) -> str:
        """Keep what a check found and save; returns the state before.

        A check that could not reach the issuer changes nothing a person sees
        on a badge verified within the grace period: an issuer's server down
        for a day does not unverify everyone's proof. It is only noted.
        """
        now = now or timezone.now()
        before = self.state
        self.attempted_at = now
        grace = timedelta(days=settings.CREDENTIALS_UNREACHABLE_GRACE_DAYS)
        if result.is_transient and self.pk and self.is_verified and now - self.checked_at < grace:
            self.problem = f"The last check, on {now:%d %B %Y}, could not reach the issuer: {result.problem}"
            self.save(update_fields=["attempted_at", "problem"])
            return before
        fields: dict[str, Any] = {
            "state": result.state,
            "problem": result.problem,
            "checked_at": now,
        }
        # A check that found no assertion keeps what an earlier one did.
        if result.assertion:
            fields |= {
                "issuer_name": result.issuer_name,
                "badge_name": result.badge_name,
                "issued_on": result.issued_on,
                "expires_on": result.expires_on,
                "assertion": result.assertion,
            }
        for name, value in fields.items():
            setattr(self, name, value)
        if self.pk:
            self.save(update_fields=[*fields, "attempted_at"])
        else:
            self.save()
        return before
