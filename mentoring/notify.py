"""Telling the other side of a mentorship what happened, through the nudges' channels and delivery ledger, once.

Each piece of news is claimed as ``Delivery`` rows in the request's own
transaction (``nudges.delivery.claim_all``: unique per person, rule, period
and channel; the period names the event, so the same event is never news
twice), then a worker sends the claims after the commit
(``mentoring.tasks.send_news``). The database is the outbox: if the broker is
down, the claims wait and the nudges' scan takes them up with the person's
next batch (``nudges.delivery.reclaim_stale``). As every nudge: nothing to an
unconfirmed address, nothing with reminders or mentor updates switched off,
and only on the channels the person chose.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from nudges.delivery import channels_for, claim_all, preferences_for
from nudges.models import Rule
from nudges.rules import Nudge
from nudges.tasks import enqueue_from_request

from .models import Comment, Mentorship, Review, Verdict

RULE = Rule.MENTOR


def plan_page(mentorship: Mentorship, enrollment_id: int, slug: str = "") -> str:
    """The plan as the mentorship shows it (both sides read it there), at the milestone's thread when given."""
    url = reverse("mentoring:plan", args=[mentorship.pk, enrollment_id])
    return f"{url}#m-{slug}" if slug else url


def invite_accepted(mentorship: Mentorship) -> Nudge:
    mentor = mentorship.mentor.name
    return Nudge(
        rule=RULE,
        period=f"accepted:{mentorship.pk}",
        title=f"{mentor} is now your mentor",
        body=f"{mentor} accepted your invitation and can now see the plans you chose to show them.",
        url=reverse("mentoring:mentors"),
    )


def comment_made(comment: Comment) -> Nudge:
    who, milestone = comment.author.name, comment.milestone.title
    return Nudge(
        rule=RULE,
        period=f"comment:{comment.pk}",
        title=f"{who} commented on {milestone}",
        body=f"{who} wrote on {milestone}: “{_excerpt(comment.body)}”",
        url=plan_page(comment.mentorship, comment.enrollment_id, comment.milestone.slug),
    )


def review_requested(review: Review) -> Nudge:
    learner, milestone = review.mentorship.learner.name, review.milestone.title
    return Nudge(
        rule=RULE,
        period=f"review-requested:{review.pk}",
        title=f"{learner} asks you to review {milestone}",
        body=f"{learner} asks you to look at the evidence for {milestone} and say whether it is enough.",
        url=plan_page(review.mentorship, review.enrollment_id, review.milestone.slug),
    )


def review_given(review: Review) -> Nudge:
    mentor, milestone = review.mentorship.mentor.name, review.milestone.title
    if review.verdict == Verdict.APPROVED:
        title = f"{mentor} approved your evidence for {milestone}"
    else:
        title = f"{mentor} asks for more evidence for {milestone}"
    body = f"{title}." + (f" Their note: “{_excerpt(review.note)}”" if review.note else "")
    return Nudge(
        rule=RULE,
        period=f"review-given:{review.pk}",
        title=title,
        body=body,
        url=plan_page(review.mentorship, review.enrollment_id, review.milestone.slug),
    )


def _excerpt(text: str, limit: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def tell(person: User, nudge: Nudge, now: datetime | None = None) -> list[int]:
    """Claim ``nudge`` for ``person`` on their channels and send it after the commit; returns the claims' ids.

    Call inside the transaction that made the news: a rolled-back change claims and sends nothing.
    """
    now = now or timezone.now()
    user = User.objects.reachable().filter(pk=person.pk).first()
    if user is None:
        return []
    prefs = preferences_for([user])[user.pk]
    if not (prefs.enabled and prefs.mentor_updates_enabled):
        return []
    held = claim_all([(user, nudge, channel) for channel in channels_for(user, prefs)], now)
    ids = [delivery.pk for delivery in held]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(delivery_ids: list[int]) -> None:
    """Ask a worker to send the claims; a broker failure is logged, and the nudges' scan sends them later."""
    from .tasks import send_news

    enqueue_from_request(send_news, delivery_ids)
