""" "Reviewed by <mentor>" on a learner's plan page and shared page, hooked in by one include line each.

``{% reviews_on enrollment as reviews %}`` reads the plan owner's approved
reviews once per page (one query, whatever the number of milestones) and
keeps them on the ``enrollment`` object the page renders with, so
``tracker``, which may not import this app, needs only the include line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template

from mentoring.forms import CommentForm, ReviewForm, ReviewRequestForm
from mentoring.mentorships import reviewed_by
from tracker.models import Enrollment, Milestone

register = template.Library()

CACHE_ATTRIBUTE = "_mentoring_reviewed_by"


@dataclass(frozen=True)
class Reviewed:
    slug: str
    title: str
    mentor: str


@register.simple_tag
def reviews_on(enrollment: Enrollment, progress: Any = None) -> list[Reviewed]:
    """The plan's milestones a mentor approved, with the mentor's display name (in plan order given ``progress``)."""
    found: dict[int, tuple[Milestone, str]] | None = getattr(enrollment, CACHE_ATTRIBUTE, None)
    if found is None:
        found = reviewed_by(enrollment.user_id)
        setattr(enrollment, CACHE_ATTRIBUTE, found)
    if not found:
        return []
    items = getattr(progress, "items", None)
    order = [item.milestone.pk for item in items] if items is not None else sorted(enrollment.milestone_ids())
    return [
        Reviewed(slug=found[pk][0].slug, title=found[pk][0].title, mentor=found[pk][1]) for pk in order if pk in found
    ]


@register.simple_tag
def thread_of(threads: dict[int, Any], milestone: Milestone) -> Any:
    """The milestone's thread in the page's ``threads`` (``mentorships.threads_for``), or None."""
    return threads.get(milestone.pk)


FORMS = {"c": CommentForm, "r": ReviewRequestForm, "v": ReviewForm}


@register.simple_tag
def form_for(kind: str, key: object, refused: tuple[str, forms.BaseForm] | None = None) -> forms.BaseForm:
    """A new comment (``c``), review request (``r``) or review (``v``) form, or the one refused on this request."""
    prefix = f"{kind}-{key}"
    if refused is not None and refused[0] == prefix:
        return refused[1]
    return FORMS[kind](prefix=prefix)
