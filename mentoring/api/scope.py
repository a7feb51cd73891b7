"""Where every mentoring endpoint starts: the caller's active mentorships, so anything else is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.request import Request

from accounts.models import User
from mentoring.models import Mentorship
from tracker.models import Enrollment, Milestone


def caller(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def mentorships_of(request: Request) -> QuerySet[Mentorship]:
    """The caller's active mentorships, either side: an ended one, or anyone else's, is not found."""
    return (
        Mentorship.objects.involving(caller(request)).select_related("learner", "mentor").order_by("started_at", "id")
    )


def mentorship(request: Request, pk: int) -> Mentorship:
    found = mentorships_of(request).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def shared_plan(found: Mentorship, plan_id: int) -> Enrollment:
    try:
        return found.plan(plan_id)
    except Enrollment.DoesNotExist:
        raise Http404 from None


def milestone(plan: Enrollment, slug: str) -> Milestone:
    try:
        return plan.milestone_in_plan(slug)
    except Milestone.DoesNotExist:
        raise Http404 from None
