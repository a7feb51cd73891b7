"""Badges and typed evidence on the plan's milestone panels and the shared page.

``{% badges_for milestone enrollment as badges %}`` reads the plan owner's
badges once per page, whatever the number of panels: the first panel's call
reads them all in one query (``proof.badges_by_milestone``) and keeps the
mapping on the ``enrollment`` object the page renders every panel with; the
other panels find it there. A panel swapped in alone by htmx reads its own.
No view has to prepare anything, so the panels of ``tracker`` (which may not
import this app) need only the include line.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from credentials import proof
from credentials.evidence import recognise
from credentials.forms import BadgeForm, form_prefix
from credentials.models import Badge
from tracker.models import Enrollment, Milestone

register = template.Library()

CACHE_ATTRIBUTE = "_credentials_badges_by_milestone"
STYLESHEET_ATTRIBUTE = "_credentials_stylesheet_linked"


@register.simple_tag
def badges_for(milestone: Milestone, enrollment: Enrollment) -> list[Badge]:
    """The badges the plan's owner attached to ``milestone``, oldest first."""
    mapping: dict[int, list[Badge]] | None = getattr(enrollment, CACHE_ATTRIBUTE, None)
    if mapping is None:
        mapping = proof.badges_by_milestone(enrollment)
        setattr(enrollment, CACHE_ATTRIBUTE, mapping)
    return mapping.get(milestone.pk, [])


@register.filter
def verified(badges: list[Badge]) -> list[Badge]:
    """Only the verified ones (what the shared page shows)."""
    return [badge for badge in badges if badge.is_verified]


@register.simple_tag
def evidence_link(url: str | None, **attrs: Any) -> str:
    """A link to ``url`` named for what it is ("GitHub repository owner/name"), else the address shortened.

    A value that is no http(s) address is shown as text, never linked.
    """
    if not url:
        return ""
    found = recognise(url)
    if found is None:
        if not url.lower().startswith(("http://", "https://")):
            return format_html("{}", url)
        shown = url if len(url) <= 60 else url[:59] + "…"
        return format_html('<a href="{}" rel="noopener nofollow">{}</a>', url, shown)
    return format_html(
        '<a href="{}" rel="noopener nofollow" class="evidence evidence-{}" data-testid="evidence-link">{}</a>',
        found.url,
        found.kind,
        found.label,
    )


@register.simple_tag(takes_context=True)
def badge_form(context: template.Context, milestone: Milestone) -> BadgeForm:
    """The Proof form of ``milestone``: the one refused on this request (kept as typed, with its errors), else new."""
    if context.get("badge_form_for") == milestone.pk and context.get("badge_form") is not None:
        refused: BadgeForm = context["badge_form"]
        return refused
    return BadgeForm(prefix=form_prefix(milestone))


@register.simple_tag
def proof_stylesheet(enrollment: Enrollment) -> str:
    """The badges' stylesheet, once per page (the first panel's include), whichever page includes the panels."""
    if getattr(enrollment, STYLESHEET_ATTRIBUTE, False):
        return ""
    setattr(enrollment, STYLESHEET_ATTRIBUTE, True)
    return format_html('<link rel="stylesheet" href="{}">', static("css/credentials.css"))
