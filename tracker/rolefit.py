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
from typing import Any

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


# --- The map of roles, drawn ---------------------------------------------------------
#
# Server-rendered SVG (``templates/tracker/includes/role_map.html``). Every
# track's exact point is marked; bubbles that share a point are spread on a
# small ring around it, each with a line back to the point, so none hides
# another and none is misplaced.

# The chart's drawing box, in SVG user units; the SVG scales to its container.
MAP_W, MAP_H, MAP_PAD, MAP_TOP = 520, 410, 50, 14
# Where the 2x2 framework splits each axis.
MAP_MIDDLE = 3


@dataclass
class MapBubble:
    """One track drawn on the map of roles: its bubble (``x``, ``y``) and its exact point (``ax``, ``ay``)."""

    track: CareerTrack
    number: int
    x: float
    y: float
    r: float
    ax: float
    ay: float

    @property
    def offset(self) -> bool:
        """Drawn beside its exact point because another track shares it."""
        return (self.x, self.y) != (self.ax, self.ay)


@dataclass(frozen=True)
class MapMark:
    """A point of the person's on the map: where they stand, a step of their trail, or a target."""

    x: float
    y: float
    se: float
    ml: float
    label: str


def map_point(se_skill: float, ml_knowledge: float) -> tuple[float, float]:
    """SVG coordinates of a (software engineering, machine learning) pair on the 1..5 axes."""
    # The axes run from 0.5 to 5.5 so bubbles at 1 or 5 stay inside the frame.
    x = MAP_PAD + (se_skill - 0.5) / 5 * (MAP_W - 2 * MAP_PAD)
    y = MAP_H - MAP_PAD - (ml_knowledge - 0.5) / 5 * (MAP_H - MAP_PAD - MAP_TOP)
    return round(x, 1), round(y, 1)


def map_mark(se_skill: float, ml_knowledge: float, label: str) -> MapMark:
    """A mark at (``se_skill``, ``ml_knowledge``), for the person's position, trail or target."""
    x, y = map_point(se_skill, ml_knowledge)
    return MapMark(x=x, y=y, se=round(se_skill, 1), ml=round(ml_knowledge, 1), label=label)


def bubble_radius(communication_weight: float) -> float:
    """A bubble's radius: larger where communication and technical writing weigh more."""
    return round(9 + 3 * communication_weight, 1)


def role_map(tracks: list[CareerTrack]) -> dict[str, Any]:
    """Geometry of the map of roles: a bubble per track, numbered for the legend.

    Tracks on the same grid point (the ML-engineer specialisations share
    some) are spread evenly on a ring around it, far enough apart that the
    largest two do not touch; the point itself stays marked.
    """
    at_point: dict[tuple[int, int], list[CareerTrack]] = {}
    for track in tracks:
        at_point.setdefault((track.se_skill, track.ml_knowledge), []).append(track)
    bubbles = []
    for number, track in enumerate(tracks, start=1):
        key = (track.se_skill, track.ml_knowledge)
        ax, ay = map_point(*key)
        x, y = ax, ay
        sharing = at_point[key]
        if len(sharing) > 1:
            widest = max(bubble_radius(t.communication_weight) for t in sharing) + 2
            # Neighbours on a ring of n are 2·d·sin(π/n) apart: at least two radii;
            # and the ring clears the point itself, so its dot and lines show.
            distance = max(widest / math.sin(math.pi / len(sharing)), widest + 8)
            angle = math.pi + 2 * math.pi * sharing.index(track) / len(sharing)
            x, y = round(ax + distance * math.cos(angle), 1), round(ay + distance * math.sin(angle), 1)
        bubbles.append(MapBubble(track, number, x, y, bubble_radius(track.communication_weight), ax, ay))
    ticks = [{"value": v, "x": map_point(v, 1)[0], "y": map_point(1, v)[1]} for v in range(1, 6)]
    mid_x, mid_y = map_point(MAP_MIDDLE, MAP_MIDDLE)
    left, right, top, bottom = MAP_PAD, MAP_W - MAP_PAD, MAP_TOP, MAP_H - MAP_PAD
    return {
        "bubbles": bubbles,
        "has_offsets": any(b.offset for b in bubbles),
        "ticks": ticks,
        "quadrants": [
            {"label": "ML first", "x": left + 8, "y": top + 20, "anchor": "start"},
            {"label": "ML and engineering", "x": right - 8, "y": top + 20, "anchor": "end"},
            {"label": "Lighter on both", "x": left + 8, "y": bottom - 10, "anchor": "start"},
            # From the split, not the corner: the corner is where a 5-and-1 role sits.
            {"label": "Engineering first", "x": mid_x + 8, "y": bottom - 10, "anchor": "start"},
        ],
        "split_x": mid_x,
        "split_y": mid_y,
        "width": MAP_W,
        "height": MAP_H,
        "pad": MAP_PAD,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "plot_w": MAP_W - 2 * MAP_PAD,
        "plot_h": MAP_H - MAP_PAD - MAP_TOP,
        "mid_x": MAP_W / 2,
        "mid_y": (MAP_H - MAP_PAD + MAP_TOP) / 2,
    }
