"""What a shared plan shows: the page and its link-preview image read the same figures from here.

A shared link is for a mentor or a recruiter: the person's display name, the
career level reached, progress level by level, the certifications held with
their validity, and the evidence links the person recorded. Never the email,
the notes, target dates or checklists: the owner chose to share progress,
not their diary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit

from django.utils import timezone

from .models import CareerLevel, Category, Enrollment, Status, Validity
from .progress import EXPIRED, StepState, TrackProgress, track_progress

# Only these schemes become links: a javascript: or data: URL saved as evidence
# (the form refuses them, but old rows and the API may hold anything) stays text.
LINK_SCHEMES = frozenset({"http", "https"})
# An evidence link is shown as its host and path, no longer than this (a phone's line).
EVIDENCE_LABEL_MAX = 40


def is_safe_link(url: str) -> bool:
    """An absolute http(s) URL with a host: the only evidence shown as a link to strangers."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)


@dataclass(frozen=True)
class LevelProgress:
    """One career level of the plan: its units done of those counted (the skipped left out)."""

    title: str
    done: int
    counted: int
    is_reached: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 100


@dataclass(frozen=True)
class Certification:
    """A certification the person holds (or held): its title and where its validity stands."""

    title: str
    earned_on: date | None
    validity: Validity | None  # None: it does not expire
    is_expired: bool


@dataclass(frozen=True)
class Evidence:
    """A done milestone's evidence link, already checked to be http(s)."""

    title: str
    url: str
    host: str

    @property
    def label(self) -> str:
        """The link's text: its host and path ("github.com/ada/pipeline"), cut at ``EVIDENCE_LABEL_MAX`` characters."""
        parts = urlsplit(self.url)
        shown = (self.host + parts.path).rstrip("/")
        return shown if len(shown) <= EVIDENCE_LABEL_MAX else shown[: EVIDENCE_LABEL_MAX - 1] + "…"


@dataclass
class SharedPlan:
    """A plan as its shared link shows it (see the module docstring)."""

    enrollment: Enrollment
    progress: TrackProgress
    owner_name: str
    levels: list[LevelProgress]
    certifications: list[Certification]
    evidence: list[Evidence]

    @property
    def track_name(self) -> str:
        return self.enrollment.track.name

    @cached_property
    def level_reached(self) -> CareerLevel | None:
        return self.progress.level_reached

    @property
    def next_level(self) -> LevelProgress | None:
        """The first level not reached yet: what the person is working towards."""
        return next((level for level in self.levels if not level.is_reached), None)

    @property
    def headline(self) -> str:
        """The preview's title: "Ada's plan: Data Engineer"."""
        return f"{self.owner_name}'s plan: {self.track_name}" if self.owner_name else f"A plan: {self.track_name}"

    @property
    def summary(self) -> str:
        """One sentence for the preview's description: level reached, progress and certifications."""
        parts = []
        if self.level_reached is not None:
            parts.append(f"Reached {self.level_reached.title}")
        parts.append(f"{self.progress.percent}% complete ({self.progress.done} of {self.progress.counted} done)")
        held = [c for c in self.certifications if not c.is_expired]
        if held:
            parts.append(f"{len(held)} certification{'s' if len(held) != 1 else ''} held")
        return "; ".join(parts) + "."


def levels_of(progress: TrackProgress) -> list[LevelProgress]:
    """Progress level by level, in ladder order; a unit counts under the level of its first step.

    The same rule as ``TrackProgress.level_reached``. Units under no level (a
    plan of one's own) make no level: such a plan shows only its total.
    """
    reached = progress.level_reached
    by_level: dict[int, tuple[CareerLevel, list[str]]] = {}
    for unit in progress.units:
        level = unit.items[0].step.level
        if level is not None:
            by_level.setdefault(level.pk, (level, []))[1].append(unit.status)
    ordered = sorted(by_level.values(), key=lambda pair: (pair[0].order, pair[0].pk))
    reached_order = (reached.order, reached.pk) if reached is not None else None
    return [
        LevelProgress(
            title=level.title,
            done=sum(1 for s in statuses if s == Status.DONE),
            counted=sum(1 for s in statuses if s != Status.SKIPPED),
            is_reached=reached_order is not None and (level.order, level.pk) <= reached_order,
        )
        for level, statuses in ordered
    ]


def _certification(item: StepState) -> Certification:
    return Certification(
        title=item.milestone.title,
        earned_on=item.earned_on,
        validity=item.validity,
        is_expired=item.status == EXPIRED,
    )


def shared_plan(enrollment: Enrollment, today: date | None = None) -> SharedPlan:
    """What ``enrollment``'s shared link shows, on its owner's calendar (validity turns on their date)."""
    owner = enrollment.user
    today = today or timezone.localdate(timezone.now(), owner.tzinfo)
    progress = track_progress(enrollment, today=today)
    held = [i for i in progress.items if i.status in (Status.DONE, EXPIRED)]
    return SharedPlan(
        enrollment=enrollment,
        progress=progress,
        owner_name=owner.display_name,
        levels=levels_of(progress),
        certifications=[_certification(i) for i in held if i.milestone.category == Category.CERTIFICATION],
        evidence=[
            Evidence(title=i.milestone.title, url=url, host=urlsplit(url).hostname or "")
            for i in held
            if i.progress is not None and (url := i.progress.evidence_url.strip()) and is_safe_link(url)
        ],
    )
