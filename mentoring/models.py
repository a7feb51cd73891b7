"""Mentors: invitations by email, who may see which plans, threads on milestones and reviews of evidence.

A learner invites someone by email (``Invite``); whoever opens the signed
link within ``INVITE_DAYS`` and accepts becomes their mentor
(``Mentorship``), and sees the plans the learner chose to show, read-only,
until either of them ends it. Everything a mentor may reach starts from
``Mentorship.objects.active_for_mentor`` and ``Mentorship.visible_plans``, so
an ended mentorship shows nothing, at once. Comments and reviews hang off the
mentorship: they belong to the learner's account and go with it (or with the
mentor's), by CASCADE.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tracker.models import Enrollment, Milestone

if TYPE_CHECKING:
    from accounts.models import User

_R = TypeVar("_R", bound=models.Model)

INVITE_DAYS = 7
# Pending invitations a learner may have at once: each sends an email to an
# address nobody here has confirmed, so the number is kept small.
MAX_PENDING_INVITES = 10
# Invitations a learner may send in a day, withdrawn ones included: withdrawing
# and inviting again must not turn the app into a way to mail anyone at will.
MAX_INVITES_PER_DAY = 20
COMMENT_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
_INVITE_SALT = "careerplan.mentoring.invite"


class Refused(ValidationError):
    """A request the domain refuses in the current state: a 409 with ``error_code`` in the API, a message on the web."""

    http_status = 409

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.error_code = code


# --------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------


class InviteState(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InviteQuerySet(models.QuerySet["Invite"]):
    def sent_by(self, learner: User) -> InviteQuerySet:
        return self.filter(learner=learner)

    def pending(self, now: datetime | None = None) -> InviteQuerySet:
        """Neither answered, withdrawn nor expired."""
        return self.filter(state=InviteState.PENDING, expires_at__gt=now or timezone.now())


class Invite(models.Model):
    """A learner's invitation to ``email`` to mentor them, good for ``INVITE_DAYS``, and what it offers to show.

    The link's token is signed (``token``): it names the invitation and its
    random ``nonce``, so a token cannot be made for another invitation and
    none is stored. Whether it still works is the row's state and
    ``expires_at``: accepted or withdrawn, it does nothing again.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_invites")
    email = models.EmailField()
    message = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True, help_text="A few words to the mentor.")
    share_all = models.BooleanField(default=True, help_text="Show every current plan, those started later too.")
    plans = models.ManyToManyField(Enrollment, blank=True, related_name="+", help_text="Shown when not all are.")
    # token_hex(): 32 random bytes, written as 64 hex digits (PostgreSQL refuses a longer value; SQLite would not).
    nonce = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    state = models.CharField(max_length=10, choices=InviteState.choices, default=InviteState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.ForeignKey(
        "Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Once accepted."
    )

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["learner", "state"], name="invite_learner_state")]

    def __str__(self) -> str:
        return f"{self.learner} invites {self.email} ({self.state})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.expires_at is None:
            self.expires_at = self.created_at + timedelta(days=INVITE_DAYS)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def token(self) -> str:
        """The link's signed token: this invitation's id and nonce."""
        # No timestamp in it: the same invitation always has the same link, and its expiry is the row's.
        return signing.Signer(salt=_INVITE_SALT).sign_object([self.pk, self.nonce], compress=True)

    @classmethod
    def from_token(cls, token: str) -> Invite | None:
        """The invitation ``token`` names, whatever its state; None for a forged, altered or unknown token."""
        try:
            pk, nonce = signing.Signer(salt=_INVITE_SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.select_related("learner").filter(pk=pk, nonce=nonce).first()

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.state == InviteState.PENDING and self.expires_at <= (now or timezone.now())

    @property
    def shown_state(self) -> str:
        """The state as people read it: a pending invitation past its date has expired."""
        return "Expired" if self.is_expired() else self.get_state_display()

    def refusal(self, now: datetime | None = None) -> Refused | None:
        """Why this invitation cannot be accepted (again), or None while it can."""
        if self.state == InviteState.ACCEPTED:
            return Refused("invite_accepted", _("This invitation was accepted already; it cannot be used again."))
        if self.state == InviteState.WITHDRAWN:
            return Refused("invite_withdrawn", _("%(name)s withdrew this invitation.") % {"name": self.learner.name})
        if self.is_expired(now):
            return Refused(
                "invite_expired",
                _("This invitation expired on %(day)s. Ask %(name)s for a new one.")
                % {
                    "day": date_format(self.expires_at, pgettext("date in a sentence", "d F Y")),
                    "name": self.learner.name,
                },
            )
        return None

    def withdraw(self, now: datetime | None = None) -> bool:
        """Withdraw a pending invitation; True if this call did. Accepted or withdrawn ones stay as they are."""
        changed = Invite.objects.filter(pk=self.pk, state=InviteState.PENDING).update(
            state=InviteState.WITHDRAWN, answered_at=now or timezone.now()
        )
        self.refresh_from_db(fields=["state", "answered_at"])
        return bool(changed)


# --------------------------------------------------------------------------
# Mentorships
# --------------------------------------------------------------------------


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def active(self) -> MentorshipQuerySet:
        return self.filter(ended_at__isnull=True)

    def active_for_mentor(self, mentor: User) -> MentorshipQuerySet:
        """The mentorships in which ``mentor`` may still see something: where every mentor's page starts."""
        return self.active().filter(mentor=mentor)

    def active_for_learner(self, learner: User) -> MentorshipQuerySet:
        return self.active().filter(learner=learner)

    def involving(self, user: User) -> MentorshipQuerySet:
        """Active mentorships in which ``user`` is the learner or the mentor."""
        return self.active().filter(Q(mentor=user) | Q(learner=user))


class Mentorship(models.Model):
    """A mentor seeing a learner's plans (all current ones, or those chosen), read-only, until one of them ends it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_learner"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    share_all = models.BooleanField(default=True, help_text="Every current plan, those started later too.")
    plans = models.ManyToManyField(Enrollment, blank=True, related_name="+", help_text="Shown when not all are.")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ("started_at", "id")
        constraints = [
            # Accepting a second invitation from the same learner widens the
            # one mentorship rather than making a twin.
            models.UniqueConstraint(
                fields=["learner", "mentor"], condition=Q(ended_at__isnull=True), name="one_active_mentorship_per_pair"
            ),
            models.CheckConstraint(condition=~Q(learner=models.F("mentor")), name="mentor_is_not_the_learner"),
        ]
        indexes = [models.Index(fields=["mentor", "ended_at"], name="mentorship_mentor_ended")]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.learner}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def role_of(self, user: User) -> str:
        """``learner`` or ``mentor``: which side of this mentorship ``user`` is on ('' for anyone else)."""
        if user.pk == self.learner_id:
            return "learner"
        return "mentor" if user.pk == self.mentor_id else ""

    def visible_plans(self) -> models.QuerySet[Enrollment]:
        """The learner's current plans this mentorship shows (none once it has ended), oldest first."""
        if not self.is_active:
            return Enrollment.objects.none()
        plans = Enrollment.objects.for_user(self.learner).current().select_related("track")
        if not self.share_all:
            plans = plans.filter(pk__in=self.plans.values("pk"))
        return plans.order_by("started_at", "id")

    def on_shown_plans(self, rows: models.QuerySet[_R]) -> models.QuerySet[_R]:
        """``rows`` (its comments or reviews) on the plans it still shows: unsharing a plan hides them too."""
        return rows.filter(enrollment__in=self.visible_plans().values("pk"))

    def plan(self, enrollment_id: int) -> Enrollment:
        """One plan this mentorship shows; ``Enrollment.DoesNotExist`` for any other."""
        return self.visible_plans().get(pk=enrollment_id)

    def set_sharing(self, share_all: bool, plans: list[Enrollment]) -> None:
        """Show every current plan, or only ``plans`` (the learner's own current ones; others are ignored)."""
        self.share_all = share_all
        self.save(update_fields=["share_all"])
        own = Enrollment.objects.for_user(self.learner).current().filter(pk__in=[p.pk for p in plans])
        self.plans.set([] if share_all else list(own))

    def end(self, by: User, now: datetime | None = None) -> bool:
        """End it (either side may); True if this call did. The mentor sees nothing from this moment on."""
        changed = Mentorship.objects.filter(pk=self.pk, ended_at__isnull=True).update(
            ended_at=now or timezone.now(), ended_by=by
        )
        self.refresh_from_db(fields=["ended_at", "ended_by"])
        return bool(changed)


# --------------------------------------------------------------------------
# Threads and reviews
# --------------------------------------------------------------------------


def clean_text(value: str, limit: int, field: str) -> str:
    """Plain text as kept: trimmed, control characters but newlines and tabs dropped, at most ``limit`` long."""
    text = "".join(ch for ch in value.replace("\r\n", "\n") if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))
    text = text.strip()
    if not text:
        raise ValidationError({field: ValidationError(_("Write something first."), code="blank")})
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Keep it to %(limit)s characters (this is %(length)s).") % {"limit": limit, "length": len(text)},
                    code="max_length",
                )
            }
        )
    return text


class Comment(models.Model):
    """One message in the thread of a milestone of a shared plan, by the learner or the mentor. Plain text."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="comments")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["mentorship", "enrollment", "created_at"], name="comment_thread")]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.milestone}"


class Verdict(models.TextChoices):
    APPROVED = "approved", "Approved"
    NEEDS_MORE = "needs_more", "Needs more"


class ReviewQuerySet(models.QuerySet["Review"]):
    def waiting(self) -> ReviewQuerySet:
        return self.filter(verdict="")

    def approved_for(self, learner: User) -> ReviewQuerySet:
        """The learner's approved reviews, newest first: what "reviewed by" is read from (one query per page)."""
        return (
            self.filter(mentorship__learner=learner, verdict=Verdict.APPROVED)
            .select_related("mentorship__mentor")
            .order_by("-reviewed_at", "-id")
        )


class Review(models.Model):
    """The learner's request that the mentor review a milestone's evidence, and the mentor's verdict with a note."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reviews")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    request_note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = [
            # One open request per milestone and mentor: asking again while one waits changes nothing.
            models.UniqueConstraint(
                fields=["mentorship", "milestone"], condition=Q(verdict=""), name="one_waiting_review_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.milestone} ({self.verdict or 'waiting'})"

    @property
    def is_waiting(self) -> bool:
        return not self.verdict
