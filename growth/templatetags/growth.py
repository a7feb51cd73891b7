"""``{% load growth %}``: the person's place on the map of roles, for templates of the apps below (tracker)."""

from __future__ import annotations

from typing import Any

from django import template

from growth.models import CompanyCheck
from growth.standing import map_for, trail
from tracker import versions

# Company checks the dashboard's card lists; the page has the rest.
CARD_CHECKS = 3

register = template.Library()


@register.simple_tag(takes_context=True)
def person_on_map(context: template.Context, drawing: dict[str, Any]) -> dict[str, Any]:
    """The map of roles with the signed-in person's position and target track marked (unchanged signed out)."""
    request = context.get("request")
    return map_for(getattr(request, "user", None), drawing)


@register.simple_tag(takes_context=True)
def growth_summary(context: template.Context) -> dict[str, Any]:
    """For the dashboard's card: the signed-in person's latest position and their company checks.

    Kept with the dashboard's own answers (tracker.versions), under the person's
    plan stamp: every milestone done renews it, and so does every rating and
    company check (growth.apps), so a second visit to the dashboard reads no
    table for the card.
    """
    request = context.get("request")
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {}

    def compute() -> dict[str, Any]:
        checks = list(CompanyCheck.objects.for_user(person).order_by("-updated_at", "-pk"))
        latest = trail(person)[-1:]
        return {
            "position": latest[0] if latest else None,
            "checks": checks[:CARD_CHECKS],
            "more": len(checks) - CARD_CHECKS,
        }

    return versions.cached("growth-card", compute, key=str(person.pk), user_id=person.pk, depends_on=person.timezone)
