"""The role-fit quiz: place a person on the map of roles and rank the tracks.

The map (software-engineering skill against machine-learning knowledge, with
the weight of communication and writing as the bubble size) comes from the
seed article on ML roles. A track's score mixes three things, each 0..1:

- how close the person's point is to the track's point on the map (60%);
- whether the track produces what the person enjoys producing (25%);
- how closely the weight of writing and communication matches (15%).

Weights favour the map because it is the article's own frame for fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .models import CareerTrack, WorkProduct

MAP_WEIGHT, PRODUCT_WEIGHT, COMMUNICATION_WEIGHT = 0.60, 0.25, 0.15
# The farthest two points on a 1..5 by 1..5 grid.
MAX_DISTANCE = math.dist((1, 1), (5, 5))


@dataclass(frozen=True)
class Answers:
    """The quiz's answers: three 1..5 self-ratings and the preferred work product."""

    se_skill: int
    ml_knowledge: int
    communication: int
    produces: str

    def errors(self) -> dict[str, str]:
        """Field -> message for every answer out of range (empty when valid)."""
        problems = {}
        for name in ("se_skill", "ml_knowledge", "communication"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                problems[name] = "Give a whole number from 1 to 5."
        if self.produces not in WorkProduct.values:
            problems["produces"] = f"Choose one of: {', '.join(WorkProduct.values)}."
        return problems


@dataclass
class Fit:
    track: CareerTrack
    score: int  # 0..100
    reasons: list[str] = field(default_factory=list)


def rank_tracks(answers: Answers, tracks: list[CareerTrack] | None = None) -> list[Fit]:
    """Every published track (or ``tracks``) with its score and reasons, best first.

    Ties keep the catalogue order, so the ranking is deterministic.
    """
    if answers.errors():
        raise ValueError(answers.errors())
    if tracks is None:
        tracks = list(CareerTrack.objects.published())
    fits = [_fit(answers, track) for track in tracks]
    return sorted(fits, key=lambda f: -f.score)


def _fit(a: Answers, t: CareerTrack) -> Fit:
    distance = math.dist((a.se_skill, a.ml_knowledge), (t.se_skill, t.ml_knowledge))
    closeness = 1 - distance / MAX_DISTANCE
    product = 1.0 if t.produces == a.produces else 0.0
    communication = 1 - abs(a.communication - t.communication_weight) / 4
    score = round(100 * (MAP_WEIGHT * closeness + PRODUCT_WEIGHT * product + COMMUNICATION_WEIGHT * communication))
    return Fit(track=t, score=score, reasons=_reasons(a, t, distance))


def _reasons(a: Answers, t: CareerTrack, distance: float) -> list[str]:
    reasons = []
    if distance <= 1.0:
        reasons.append(
            f"Your mix of software engineering ({a.se_skill}/5) and machine learning ({a.ml_knowledge}/5) "
            f"sits right by this role's ({t.se_skill}/5 and {t.ml_knowledge}/5)."
        )
    else:
        gaps = []
        if t.se_skill > a.se_skill:
            gaps.append(f"more software engineering ({t.se_skill}/5 against your {a.se_skill}/5)")
        if t.ml_knowledge > a.ml_knowledge:
            gaps.append(f"more machine learning ({t.ml_knowledge}/5 against your {a.ml_knowledge}/5)")
        if gaps:
            reasons.append("The role asks for " + " and ".join(gaps) + ": the ladder below gets you there.")
        else:
            reasons.append(
                f"You already bring more than the role's core asks ({t.se_skill}/5 engineering, "
                f"{t.ml_knowledge}/5 machine learning)."
            )
    if t.produces == a.produces:
        reasons.append(f"It delivers what you enjoy producing: {t.get_produces_display().lower()}.")
    else:
        reasons.append(f"It mostly delivers {t.get_produces_display().lower()}, not what you picked.")
    gap = t.communication_weight - a.communication
    if abs(gap) <= 1:
        reasons.append("Writing and communication weigh about as much as you would like.")
    elif gap > 0:
        reasons.append(f"Writing and communication weigh more here ({t.communication_weight}/5) than you prefer.")
    else:
        reasons.append(f"Writing and communication weigh less here ({t.communication_weight}/5) than you prefer.")
    return reasons
