"""The mentors' part of an account (``accounts.parts``): in "Export my data", and gone with the account.

A learner's export holds their mentorships with every comment (both sides')
and review on them; a mentor's, the mentorships they hold and what they
wrote. Deleting either account deletes the mentorship and its threads
(CASCADE): they are about the learner's plans, and name the mentor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .models import Comment, Invite, Mentorship, Review


def export(user: User) -> dict[str, Any]:
    """Mentorships either side, their comments and reviews, and the invitations sent."""
    mentorships = (
        Mentorship.objects.filter(Q(learner=user) | Q(mentor=user))
        .select_related("learner", "mentor")
        .order_by("started_at", "id")
    )
    comments = list(
        Comment.objects.filter(mentorship__in=mentorships)
        .select_related("author", "milestone")
        .order_by("created_at", "id")
    )
    reviews = list(
        Review.objects.filter(mentorship__in=mentorships).select_related("milestone").order_by("requested_at", "id")
    )
    return {
        "mentorships": [
            {
                "id": m.pk,
                "role": m.role_of(user),
                "learner": m.learner.name,
                "mentor": m.mentor.name,
                "share_all": m.share_all,
                "plans": sorted(m.plans.values_list("pk", flat=True)),
                "started_at": iso(m.started_at),
                "ended_at": iso(m.ended_at),
                "comments": [
                    {
                        "plan": c.enrollment_id,
                        "milestone": c.milestone.slug,
                        "author": c.author.name,
                        "by_me": c.author_id == user.pk,
                        "body": c.body,
                        "created_at": iso(c.created_at),
                    }
                    for c in comments
                    if c.mentorship_id == m.pk
                ],
                "reviews": [
                    {
                        "plan": r.enrollment_id,
                        "milestone": r.milestone.slug,
                        "request_note": r.request_note,
                        "requested_at": iso(r.requested_at),
                        "verdict": r.verdict,
                        "note": r.note,
                        "reviewed_at": iso(r.reviewed_at),
                    }
                    for r in reviews
                    if r.mentorship_id == m.pk
                ],
            }
            for m in mentorships
        ],
        "mentor_invitations": [
            {"email": i.email, "state": i.state, "created_at": iso(i.created_at), "expires_at": iso(i.expires_at)}
            for i in Invite.objects.sent_by(user).order_by("created_at", "id")
        ],
    }


parts.register(parts.AccountPart(name="mentoring", export=export))
