"""How long an effort is, said the way people say it: "6 weeks", "1½ years", "3 years"."""

from __future__ import annotations

from django import template

from tracker.progress import effort_in_words

register = template.Library()


@register.filter
def effort(weeks: int | None) -> str:
    """Weeks up to a year, then years to the nearest half (a degree's 156 weeks are "3 years")."""
    return effort_in_words(int(weeks or 0))
