"""Where a person stands on the map of roles, how they got there, and what closes the gap to their target.

The position comes from two things:

1. **The latest self-rating.** Across (software engineering) is the mean of
   the programming and software-engineering scores; up (machine learning)
   the mean of the ML-algorithms and data-modelling scores; the bubble
   (communication) is the communication score.
2. **The milestones done**, as evidence beside the self-assessment. Each
   milestone done by the rating's day adds a quarter of a step on the axes
   its kind trains (``MILESTONE_PULL``): experience and projects train
   engineering; education, Kaggle and a domain specialisation train machine
   learning; certifications and skills train both; networking, mentoring and
   leadership train communication. Milestones add at most one step per axis
   (``MILESTONE_CAP``), so the rating stays the main voice, and nothing goes
   past 5.

The trail is one point per self-rating, each computed with the milestones
done by that rating's day, so it shows how the person moved. A mentor's
rating is placed the same way and shown beside it, never mixed into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tracker.models import CareerTrack, Category, Enrollment, MilestoneProgress, Status
from tracker.progress import StepState, track_progress
from tracker.rolefit import map_mark

from .models import SkillRating

if TYPE_CHECKING:
    from accounts.models import User

STEP = 0.25
# (engineering, machine learning, communication) steps one milestone done adds, by its kind.
MILESTONE_PULL: dict[str, tuple[float, float, float]] = {
    Category.EXPERIENCE: (STEP, 0, 0),
    Category.PROJECT: (STEP, 0, 0),
    Category.EDUCATION: (0, STEP, 0),
    Category.KAGGLE: (0, STEP, 0),
    Category.SPECIALIZATION: (0, STEP, 0),
    Category.CERTIFICATION: (STEP, STEP, 0),
    Category.SKILL: (STEP, STEP, 0),
    Category.NETWORKING: (0, 0, STEP),
    Category.MENTORING: (0, 0, STEP),
    Category.LEADERSHIP: (0, 0, STEP),
}
MILESTONE_CAP = 1.0
AXES = ("se", "ml")
AXIS_NAMES = {"se": "software engineering", "ml": "machine learning"}
# Milestones suggested per axis: a step each, enough to show the way without a wall of them.
SUGGESTIONS_PER_AXIS = 4


@dataclass(frozen=True)
class Position:
    """A point on the map of roles (each 1..5) and what it was worked out from."""

    se: float
    ml: float
    communication: float
    rated_at: datetime
    rating_id: int
    # What the milestones done added on each axis (already in se, ml, communication).
    from_milestones: tuple[float, float, float] = (0.0, 0.0, 0.0)
    milestones_done: int = 0


@dataclass(frozen=True)
class Done:
    """A milestone the person has done: its kind and the day it was earned."""

    category: str
    on: date


@dataclass
class Gap:
    """How far a position is from a target track on each axis (positive: still to grow)."""

    se: float
    ml: float
    communication: float

    @property
    def closed(self) -> bool:
        return self.se <= 0 and self.ml <= 0


@dataclass
class Standing:
    """Everything the "Where you stand" page and the API show, worked out once."""

    trail: list[Position]
    mentor: Position | None
    target: CareerTrack | None
    enrollment: Enrollment | None
    gap: Gap | None
    # Axis ("se"/"ml") -> the plan's milestones not done yet that train it.
    closing: dict[str, list[StepState]] = field(default_factory=dict)
    plans: list[Enrollment] = field(default_factory=list)

    @property
    def position(self) -> Position | None:
        """Where the person stands now: the last point of the trail."""
        return self.trail[-1] if self.trail else None

    @property
    def closing_by_axis(self) -> list[tuple[str, list[StepState]]]:
        """(axis name, milestones that train it) for each axis still short of the target."""
        return [(AXIS_NAMES[axis], items) for axis, items in self.closing.items()]


def milestones_done(person: User) -> list[Done]:
    """Every milestone ``person`` has done, with the day earned (the day marked done without one)."""
    rows = MilestoneProgress.objects.filter(user=person, status=Status.DONE).values_list(
        "milestone__category", "earned_on", "completed_at"
    )
    tz = person.tzinfo
    done = []
    for category, earned_on, completed_at in rows:
        day = earned_on or (timezone.localdate(completed_at, tz) if completed_at else None)
        if day is not None:
            done.append(Done(category, day))
    return done


def place(rating: SkillRating, done: Sequence[Done], tz: object = None) -> Position:
    """Where ``rating`` puts the person, with the milestones of ``done`` earned by the rating's day."""
    day = timezone.localdate(rating.rated_at, tz or rating.person.tzinfo)  # type: ignore[arg-type]
    counted = [d for d in done if d.on <= day]
    pulls = [MILESTONE_PULL.get(d.category, (0.0, 0.0, 0.0)) for d in counted]
    extra = tuple(min(MILESTONE_CAP, sum(p[i] for p in pulls)) for i in range(3))
    se = (rating.programming + rating.software_engineering) / 2 + extra[0]
    ml = (rating.ml_algorithms + rating.data_modelling) / 2 + extra[1]
    communication = rating.communication + extra[2]
    return Position(
        se=round(min(5.0, se), 2),
        ml=round(min(5.0, ml), 2),
        communication=round(min(5.0, communication), 2),
        rated_at=rating.rated_at,
        rating_id=rating.pk,
        from_milestones=(extra[0], extra[1], extra[2]),
        milestones_done=len(counted),
    )


def trail(person: User, done: Sequence[Done] | None = None) -> list[Position]:
    """One position per self-rating of ``person``, oldest first; the last is where they stand now."""
    done = milestones_done(person) if done is None else done
    ratings = SkillRating.objects.of(person).by_self().order_by("rated_at", "pk").select_related("person")
    return [place(r, done, person.tzinfo) for r in ratings]


def mentor_position(person: User, done: Sequence[Done] | None = None) -> Position | None:
    """Where the latest mentor's rating of ``person`` places them (None without one)."""
    latest = SkillRating.objects.of(person).by_mentors().first()
    if latest is None:
        return None
    return place(latest, milestones_done(person) if done is None else done, person.tzinfo)


def current_plans(person: User) -> list[Enrollment]:
    """The person's current plans in catalogue tracks (those with a place on the map), newest first."""
    return list(
        Enrollment.objects.for_user(person)
        .current()
        .filter(track__owner__isnull=True)
        .select_related("track")
        .order_by("-started_at", "-pk")
    )


def target_for(
    person: User, plans: Sequence[Enrollment], track_slug: str | None = None
) -> tuple[CareerTrack | None, Enrollment | None]:
    """The track the person aims at, and its plan if they follow it.

    ``track_slug`` picks one of their plans; otherwise the newest plan's
    track; with no plan, the best fit of the quiz they kept; else none.
    """
    for enrollment in plans:
        if track_slug is None or enrollment.track.slug == track_slug:
            return enrollment.track, enrollment
    quiz = getattr(person, "quiz_result", None) if track_slug is None else None
    if quiz is not None and quiz.ranking and isinstance(quiz.ranking[0], dict):
        track = CareerTrack.objects.published().filter(slug=quiz.ranking[0].get("track")).first()
        return track, None
    return None, None


def gap_to(position: Position, track: CareerTrack) -> Gap:
    """How much more of each the track asks than the position has (negative: already past it)."""
    return Gap(
        se=round(track.se_skill - position.se, 2),
        ml=round(track.ml_knowledge - position.ml, 2),
        communication=round(track.communication_weight - position.communication, 2),
    )


def closing_milestones(enrollment: Enrollment, gap: Gap) -> dict[str, list[StepState]]:
    """For each axis still short of the target, the plan's milestones not done yet that train it, in ladder order."""
    to_do = track_progress(enrollment).to_do
    closing: dict[str, list[StepState]] = {}
    for index, axis in enumerate(AXES):
        if getattr(gap, axis) <= 0:
            continue
        trains = [i for i in to_do if MILESTONE_PULL.get(i.milestone.category, (0, 0, 0))[index] > 0]
        closing[axis] = trains[:SUGGESTIONS_PER_AXIS]
    return closing


def standing(person: User, track_slug: str | None = None) -> Standing:
    """Where ``person`` stands, their trail, a mentor's view, and the gap to their target track."""
    done = milestones_done(person)
    points = trail(person, done)
    plans = current_plans(person)
    target, enrollment = target_for(person, plans, track_slug)
    gap = gap_to(points[-1], target) if points and target is not None else None
    closing = closing_milestones(enrollment, gap) if gap is not None and enrollment is not None else {}
    return Standing(
        trail=points,
        mentor=mentor_position(person, done),
        target=target,
        enrollment=enrollment,
        gap=gap,
        closing=closing,
        plans=plans,
    )


# --- On the map ---------------------------------------------------------------------


def _when(position: Position) -> str:
    return f"{position.rated_at:%-d %b %Y}"


def mark_on_map(
    drawing: dict[str, Any],
    trail: Sequence[Position],
    target: CareerTrack | None,
    mentor: Position | None = None,
) -> dict[str, Any]:
    """``drawing`` (``tracker.rolefit.role_map``) with the person's trail, position, mentor's view and target marked.

    Returns a new dict; the target is marked on its own bubble when the
    track is on the map.
    """
    marked = dict(drawing)
    marks = [
        map_mark(p.se, p.ml, f"{_when(p)}: software engineering {p.se:g}, machine learning {p.ml:g}") for p in trail
    ]
    marked["trail"] = marks
    marked["trail_points"] = " ".join(f"{m.x},{m.y}" for m in marks)
    marked["me"] = marks[-1] if marks else None
    marked["me_position"] = trail[-1] if trail else None
    marked["mentor"] = (
        map_mark(mentor.se, mentor.ml, f"A mentor's rating, {_when(mentor)}") if mentor is not None else None
    )
    marked["mentor_position"] = mentor
    marked["target"] = next((b for b in drawing["bubbles"] if target is not None and b.track.pk == target.pk), None)
    marked["person_marked"] = True
    return marked


def map_for(person: User | None, drawing: dict[str, Any]) -> dict[str, Any]:
    """The map on any page (``tracker.rolefit.role_map``), with a signed-in person's position and target marked."""
    if person is None or not person.is_authenticated or drawing.get("person_marked"):
        return drawing
    latest = trail(person)[-1:]
    target, _ = target_for(person, current_plans(person))
    return mark_on_map(drawing, latest, target)


def map_tracks() -> list[CareerTrack]:
    """The published tracks in the catalogue's order: each broader track followed by its specialisations."""
    tracks = list(CareerTrack.objects.published())
    children: dict[int, list[CareerTrack]] = {}
    for track in tracks:
        if track.parent_id is not None:
            children.setdefault(track.parent_id, []).append(track)
    ordered = []
    for track in tracks:
        if track.parent_id is None:
            ordered += [track, *children.get(track.pk, [])]
    return ordered
