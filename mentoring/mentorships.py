"""What people do in a mentorship, written once for the web pages and the API.

Inviting, accepting, commenting, asking for a review and giving one: each
checks who may do it, writes, and claims the news for the other side in the
same transaction (``mentoring.notify``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import normalize
from accounts.models import User
from tracker.models import Enrollment, Milestone

from . import notify
from .models import (
    COMMENT_MAX_LENGTH,
    MAX_INVITES_PER_DAY,
    MAX_PENDING_INVITES,
    NOTE_MAX_LENGTH,
    Comment,
    Invite,
    InviteState,
    Mentorship,
    Refused,
    Review,
    Verdict,
    clean_text,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------


def invite(
    learner: User, email: str, *, share_all: bool = True, plans: list[Enrollment] | None = None, message: str = ""
) -> Invite:
    """Invite ``email`` to mentor ``learner`` and send the invitation; refused for oneself, twice, or too many.

    The mail goes out before this returns: if it cannot be sent, the
    invitation is not kept and the learner is told to try again.
    """
    email = normalize(email)
    if email == normalize(learner.email):
        raise ValidationError(
            {"email": ValidationError(_("That is your own address: invite someone else."), code="self")}
        )
    if Mentorship.objects.active_for_learner(learner).filter(mentor__email__iexact=email).exists():
        raise ValidationError(
            {"email": ValidationError(_("This person is your mentor already."), code="already_mentor")}
        )
    pending = Invite.objects.sent_by(learner).pending()
    if pending.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": ValidationError(
                    _("You invited this address already; withdraw that invitation first."), code="duplicate"
                )
            }
        )
    if pending.count() >= MAX_PENDING_INVITES:
        raise Refused(
            "too_many_invites",
            _("You have %(count)s invitations waiting; withdraw one first.") % {"count": MAX_PENDING_INVITES},
        )
    today = Invite.objects.sent_by(learner).filter(created_at__gte=timezone.now() - timedelta(days=1))
    if today.count() >= MAX_INVITES_PER_DAY:
        raise Refused("too_many_invites", _("You have sent many invitations today; try again tomorrow."))
    if not share_all and not plans:
        raise ValidationError({"plans": ValidationError(_("Choose at least one plan to show."), code="required")})
    message = clean_text(message, NOTE_MAX_LENGTH, "message") if message.strip() else ""
    with transaction.atomic():
        created = Invite.objects.create(learner=learner, email=email, share_all=share_all, message=message)
        if not share_all:
            created.plans.set(Enrollment.objects.for_user(learner).current().filter(pk__in=[p.pk for p in plans or []]))
    try:
        send_invitation(created)
    except Exception as error:
        logger.warning("could not send mentor invitation %s", created.pk, exc_info=True)
        created.delete()
        raise Refused("invite_not_sent", _("The invitation could not be sent just now. Please try again.")) from error
    return created


def accept_url(invite: Invite) -> str:
    return settings.SITE_URL + reverse("mentoring:accept", args=[invite.token()])


def send_invitation(invite: Invite) -> None:
    """The invitation mail (subject, text and HTML): who invites, what they will show, and the link."""
    context = {
        "learner": invite.learner.name,
        "message": invite.message,
        "share_all": invite.share_all,
        "plans": [plan.track.name for plan in invite.plans.select_related("track")],
        "link": accept_url(invite),
        "expires_at": invite.expires_at,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("mentoring/email/invite_subject.txt", context).split())
    mail = EmailMultiAlternatives(
        subject=subject, body=render_to_string("mentoring/email/invite_body.txt", context), to=[invite.email]
    )
    mail.attach_alternative(render_to_string("mentoring/email/invite_body.html", context), "text/html")
    mail.send(fail_silently=False)


def accept(invite: Invite, mentor: User, now: datetime | None = None) -> Mentorship:
    """``mentor`` accepts ``invite``: a mentorship showing what the invitation offered, and the learner is told.

    An invitation works once: accepted, withdrawn or expired, it is refused
    with the reason and changes nothing. Accepted by someone already the
    learner's mentor, it widens what they see rather than making a second
    mentorship.
    """
    now = now or timezone.now()
    if mentor.pk == invite.learner_id:
        raise Refused("own_invite", _("This is your own invitation: send the link to your mentor."))
    with transaction.atomic():
        locked = Invite.objects.select_for_update().select_related("learner").get(pk=invite.pk)
        refusal = locked.refusal(now)
        if refusal is not None:
            raise refusal
        mentorship = Mentorship.objects.active().filter(learner=locked.learner, mentor=mentor).first()
        created = mentorship is None
        if mentorship is None:
            try:
                with transaction.atomic():
                    mentorship = Mentorship.objects.create(
                        learner=locked.learner, mentor=mentor, share_all=locked.share_all, started_at=now
                    )
            except IntegrityError:  # another invitation from the same learner accepted at the same instant
                mentorship = Mentorship.objects.active().get(learner=locked.learner, mentor=mentor)
                created = False
            if not locked.share_all:
                mentorship.plans.set(locked.plans.all())
        elif not mentorship.share_all:
            if locked.share_all:
                mentorship.set_sharing(True, [])
            else:
                mentorship.plans.add(*locked.plans.all())
        Invite.objects.filter(pk=locked.pk).update(state=InviteState.ACCEPTED, answered_at=now, mentorship=mentorship)
        if created:
            notify.tell(locked.learner, notify.invite_accepted(mentorship), now)
    invite.refresh_from_db()
    return mentorship


# --------------------------------------------------------------------------
# A shared plan, as both sides of a mentorship read it
# --------------------------------------------------------------------------


def comment(mentorship: Mentorship, enrollment: Enrollment, milestone: Milestone, author: User, body: str) -> Comment:
    """Add to the milestone's thread (learner or mentor, while the mentorship lasts); the other side is told."""
    if not mentorship.role_of(author) or not mentorship.is_active:
        raise Refused("not_allowed", _("Only the learner and their mentor can write here."))
    text = clean_text(body, COMMENT_MAX_LENGTH, "body")
    with transaction.atomic():
        made = Comment.objects.create(
            mentorship=mentorship, enrollment=enrollment, milestone=milestone, author=author, body=text
        )
        other = mentorship.mentor if author.pk == mentorship.learner_id else mentorship.learner
        notify.tell(other, notify.comment_made(made))
    return made


def request_review(
    mentorship: Mentorship, enrollment: Enrollment, milestone: Milestone, learner: User, note: str = ""
) -> tuple[Review, bool]:
    """The learner asks the mentor to review the milestone's evidence; (review, created).

    Asking again while a request waits returns that request and tells nobody again.
    """
    if learner.pk != mentorship.learner_id or not mentorship.is_active:
        raise Refused("not_learner", _("Only the learner asks for a review."))
    text = clean_text(note, NOTE_MAX_LENGTH, "note") if note.strip() else ""
    waiting = mentorship.reviews.waiting().filter(milestone=milestone).first()
    if waiting is not None:
        return waiting, False
    try:
        with transaction.atomic():
            review = Review.objects.create(
                mentorship=mentorship, enrollment=enrollment, milestone=milestone, request_note=text
            )
            notify.tell(mentorship.mentor, notify.review_requested(review))
    except IntegrityError:  # the same request twice at once: the other one won
        return mentorship.reviews.waiting().get(milestone=milestone), False
    return review, True


def give_review(review: Review, mentor: User, verdict: str, note: str = "", now: datetime | None = None) -> Review:
    """The mentor answers a waiting request: approved, or needs more, with a note; the learner is told once."""
    mentorship = review.mentorship
    if mentor.pk != mentorship.mentor_id or not mentorship.is_active:
        raise Refused("not_mentor", _("Only the mentor gives a review."))
    if verdict not in Verdict.values:
        raise ValidationError(
            {"verdict": ValidationError(_("Choose “approved” or “needs more”."), code="invalid_choice")}
        )
    text = clean_text(note, NOTE_MAX_LENGTH, "note") if note.strip() else ""
    if verdict == Verdict.NEEDS_MORE and not text:
        raise ValidationError({"note": ValidationError(_("Say what more you would like to see."), code="required")})
    with transaction.atomic():
        changed = Review.objects.filter(pk=review.pk, verdict="").update(
            verdict=verdict, note=text, reviewed_at=now or timezone.now()
        )
        if not changed:
            raise Refused("already_reviewed", _("This review was given already."))
        review.refresh_from_db()
        notify.tell(mentorship.learner, notify.review_given(review))
    return review


@dataclass
class Thread:
    """One milestone's messages and reviews in a mentorship."""

    comments: list[Comment]
    reviews: list[Review]

    @property
    def waiting(self) -> Review | None:
        return next((r for r in self.reviews if r.is_waiting), None)


def threads_for(mentorship: Mentorship, enrollment: Enrollment) -> dict[int, Thread]:
    """Every thread of the plan in the mentorship, by milestone id: two queries, whatever the number of milestones."""
    threads: dict[int, Thread] = {}
    comments = Comment.objects.filter(mentorship=mentorship, enrollment=enrollment).select_related("author")
    for c in comments.order_by("created_at", "id"):
        threads.setdefault(c.milestone_id, Thread([], [])).comments.append(c)
    for r in mentorship.reviews.filter(milestone_id__in=enrollment.milestone_ids()).order_by("-requested_at", "-id"):
        threads.setdefault(r.milestone_id, Thread([], [])).reviews.append(r)
    return threads


def reviewed_by(learner_id: int) -> dict[int, tuple[Milestone, str]]:
    """Each of the learner's milestones a mentor approved, with the name of the one who last did (one query)."""
    found: dict[int, tuple[Milestone, str]] = {}
    for review in Review.objects.approved_for(User(pk=learner_id)).select_related("milestone"):
        found.setdefault(review.milestone_id, (review.milestone, review.mentorship.mentor.name))
    return found
