"""Skill ratings and company checks as part of an account (``accounts.parts``): in "Export my data", gone with it.

The export has the person's ratings (their own and their mentors', the
mentor named) with where each placed them, and their company checks with
the verdicts. Ratings a person gave others as a mentor are the mentees' data
and stay with them; deleting the account empties their ``rater``.
"""

from __future__ import annotations

from typing import Any

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .models import CompanyCheck, RatedBy, SkillRating
from .standing import milestones_done, place


def export(user: User) -> dict[str, Any]:
    """``user``'s skill ratings (oldest first, each with its map position) and company checks."""
    done = milestones_done(user)
    ratings = SkillRating.objects.of(user).select_related("person", "rater").order_by("rated_at", "pk")
    checks = CompanyCheck.objects.for_user(user).order_by("created_at", "pk")
    return {
        "skill_ratings": [_rating(r, place(r, done, user.tzinfo)) for r in ratings],
        "company_checks": [_check(c) for c in checks],
    }


def _rating(rating: SkillRating, position: Any) -> dict[str, Any]:
    mentor = rating.rated_by == RatedBy.MENTOR
    return {
        "rated_at": iso(rating.rated_at),
        "rated_by": rating.rated_by,
        "mentor": (rating.rater.name if rating.rater else None) if mentor else None,
        "scores": rating.scores,
        "note": rating.note,
        "position": {"se": position.se, "ml": position.ml, "communication": position.communication},
    }


def _check(check: CompanyCheck) -> dict[str, Any]:
    verdict = check.verdict
    return {
        "company": check.company,
        "answers": check.answers(),
        "notes": check.notes(),
        "verdict": {"outlook": verdict.outlook, "reasons": list(verdict.reasons)},
        "created_at": iso(check.created_at),
        "updated_at": iso(check.updated_at),
    }


parts.register(parts.AccountPart(name="growth", export=export))
