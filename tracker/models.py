"""The career-ladder domain.

A ``Milestone`` (a degree, a certification, a Kaggle tier...) lives once in a
shared catalogue. Tracks list milestones through ``LadderStep`` rows, so the
same achievement can stand in many tracks; a user's ``MilestoneProgress`` is
per milestone, not per track, so earning it once counts everywhere.

Enrolling creates no per-milestone rows: a track's progress is read from the
user's progress rows for the track's steps (see ``tracker.progress``, the read
side, which these models never import).
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import versions
from .signals import progress_changed

if TYPE_CHECKING:
    from accounts.models import User


SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Category(models.TextChoices):
    EDUCATION = "education", "Education"
    EXPERIENCE = "experience", "Practical experience"
    CERTIFICATION = "certification", "Certification"
    KAGGLE = "kaggle", "Kaggle"
    SKILL = "skill", "Skill"
    SPECIALIZATION = "specialization", "Domain specialisation"
    NETWORKING = "networking", "Networking"
    MENTORING = "mentoring", "Mentoring"
    LEADERSHIP = "leadership", "Leadership"
    PROJECT = "project", "Project"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


# Statuses that satisfy a prerequisite and take a step off the to-do list.
SETTLED = frozenset({Status.DONE, Status.SKIPPED})


# --------------------------------------------------------------------------
# Content: tracks, levels, milestones, ladder steps
# --------------------------------------------------------------------------


class WorkProduct(models.TextChoices):
    """What a role mostly produces: the role-fit quiz asks which the person enjoys."""

    DEPLOYED_SYSTEMS = "deployed_systems", "Deployed, monitored production systems"
    DATA_PIPELINES = "data_pipelines", "Data pipelines and storage"
    PREDICTION_SYSTEMS = "prediction_systems", "Trained models running in products"
    RESEARCH = "research", "New models and research findings"
    INSIGHTS = "insights", "Insights and reports for decisions"


def set_catalogue_flag(queryset: models.QuerySet[Any], field: str, value: bool) -> int:
    """Set a boolean ``field`` of a catalogue queryset in one UPDATE; returns how many rows changed.

    update() sends no post_save, so the catalogue's cache stamp is renewed
    here; ``updated_at`` moves so that the API's incremental sync sees it.
    """
    changed = queryset.exclude(**{field: value}).update(**{field: value, "updated_at": timezone.now()})
    if changed:
        versions.catalogue_changed()
    return changed


class CareerTrackQuerySet(models.QuerySet["CareerTrack"]):
    def published(self) -> CareerTrackQuerySet:
        return self.filter(is_published=True)

    def set_published(self, published: bool) -> int:
        """Publish or withdraw these tracks in one UPDATE; returns how many changed."""
        return set_catalogue_flag(self, "is_published", published)


class CareerTrackManager(models.Manager["CareerTrack"]):
    def get_by_natural_key(self, slug: str) -> CareerTrack:
        return self.get(slug=slug)


class CareerTrack(models.Model):
    """A role to grow into, such as Data Engineer, with its ladder of milestones.

    ``se_skill`` and ``ml_knowledge`` place the role on the map of roles
    (software-engineering skill against machine-learning knowledge, 1 to 5);
    ``communication_weight`` is how much communication and technical writing
    matter, drawn as the bubble's size.
    """

    slug = models.SlugField(unique=True, help_text="Part of public URLs; the mobile app links to it.")
    name = models.CharField(max_length=120)
    summary = models.TextField()
    work_product = models.CharField(max_length=255, help_text="What the role delivers.")
    produces = models.CharField(
        max_length=20,
        choices=WorkProduct.choices,
        help_text="The kind of work product, matched against the role-fit quiz's answer.",
    )
    tools = models.JSONField(default=list, blank=True, help_text="Typical tools, a list of names.")
    se_skill = models.PositiveSmallIntegerField("software-engineering skill", validators=SCALE)
    ml_knowledge = models.PositiveSmallIntegerField("machine-learning knowledge", validators=SCALE)
    communication_weight = models.PositiveSmallIntegerField("weight of communication and writing", validators=SCALE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="specialisations",
        help_text="Set for a specialisation of a broader track.",
    )
    is_published = models.BooleanField("published", default=False)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareerTrackManager.from_queryset(CareerTrackQuerySet)()

    class Meta:
        ordering = ("order", "name")
        constraints = [
            models.CheckConstraint(condition=Q(se_skill__range=(1, 5)), name="track_se_skill_1_to_5"),
            models.CheckConstraint(condition=Q(ml_knowledge__range=(1, 5)), name="track_ml_knowledge_1_to_5"),
            models.CheckConstraint(condition=Q(communication_weight__range=(1, 5)), name="track_communication_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracker:track", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "A track cannot be its own parent."})
        if self.parent is not None and (
            self.parent.parent_id is not None or (self.pk is not None and self.specialisations.exists())
        ):
            raise ValidationError({"parent": "Specialisations nest one level deep only."})
        if not isinstance(self.tools, list) or not all(isinstance(t, str) for t in self.tools):
            raise ValidationError({"tools": "Give the tools as a list of names."})

    def visible_steps(self) -> LadderStepQuerySet:
        """Steps a user sees: those whose milestone is active, in ladder order (``LadderStep.objects.ladder``)."""
        return LadderStep.objects.ladder().filter(track=self)


class CareerLevelManager(models.Manager["CareerLevel"]):
    def get_by_natural_key(self, track_slug: str, slug: str) -> CareerLevel:
        return self.get(track__slug=track_slug, slug=slug)


class CareerLevel(models.Model):
    """A rung of a track's career ladder (Junior ML Engineer...) and its salary band."""

    track = models.ForeignKey(CareerTrack, on_delete=models.CASCADE, related_name="levels")
    slug = models.SlugField()
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, default="USD")
    salary_source = models.CharField(max_length=120, blank=True)
    salary_year = models.PositiveSmallIntegerField(null=True, blank=True)

    objects: ClassVar[CareerLevelManager] = CareerLevelManager()

    class Meta:
        ordering = ("track", "order", "id")
        constraints = [
            models.UniqueConstraint(fields=["track", "slug"], name="level_slug_unique_per_track"),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="level_salary_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.title}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.slug)

    natural_key.dependencies = ["tracker.careertrack"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValidationError({"salary_max": "The top of the band is below its bottom."})
        if self.salary_currency and not (len(self.salary_currency) == 3 and self.salary_currency.isalpha()):
            raise ValidationError({"salary_currency": "Use a three-letter ISO 4217 code such as USD."})
        self.salary_currency = self.salary_currency.upper()


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def active(self) -> MilestoneQuerySet:
        return self.filter(is_active=True)

    def on_published_ladders(self) -> MilestoneQuerySet:
        """Milestones a person may see: active, on a visible ladder step of a published track.

        A milestone only on draft tracks, on no track, or hidden by an editor
        is not among them, whoever asks. A subquery, not a join, so a
        milestone on several tracks comes once.
        """
        steps = LadderStep.objects.visible().filter(track__in=CareerTrack.objects.published())
        return self.active().filter(pk__in=steps.values("milestone_id"))

    def set_active(self, active: bool) -> int:
        """Show or hide these milestones everywhere in one UPDATE; returns how many changed."""
        return set_catalogue_flag(self, "is_active", active)

    def prerequisite_edges(self) -> dict[int, list[int]]:
        """``{milestone id: [ids of its prerequisites]}`` for the milestones in this queryset, in one query.

        The catalogue is small (tens to a few hundred milestones), so callers
        that walk the graph read the whole edge list and walk it in memory.
        """
        through = Milestone.prerequisites.through
        edges: dict[int, list[int]] = {}
        rows = through.objects.filter(from_milestone__in=self.values("pk")).order_by("pk")
        for from_id, to_id in rows.values_list("from_milestone_id", "to_milestone_id"):
            edges.setdefault(from_id, []).append(to_id)
        return edges


class MilestoneManager(models.Manager["Milestone"]):
    def get_by_natural_key(self, slug: str) -> Milestone:
        return self.get(slug=slug)


class Milestone(models.Model):
    """One achievement in the shared catalogue, whichever tracks list it.

    ``valid_for_months`` is how long it stays valid once earned: certifications
    expire and must be renewed; it is empty for a degree.
    """

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=160)
    description = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="unlocks")
    effort_weeks = models.PositiveSmallIntegerField(
        "estimated effort (weeks)", default=1, validators=[MaxValueValidator(520)]
    )
    valid_for_months = models.PositiveSmallIntegerField(
        "valid for (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave empty for an achievement that never expires.",
    )
    is_active = models.BooleanField("active", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneManager.from_queryset(MilestoneQuerySet)()

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def expires_on(self, completed_at: datetime | None, tz: tzinfo) -> date | None:
        """The first day an achievement earned at ``completed_at`` no longer counts, in the person's zone ``tz``.

        The one expiry rule: counted from the date earned on the person's own
        calendar, and compared with their own "today" (``has_lapsed``), so the
        web, the API, the nudges and a renewal agree even near midnight.
        """
        if completed_at is None or not self.valid_for_months:
            return None
        return add_months(timezone.localdate(completed_at, tz), self.valid_for_months)

    def has_lapsed(self, completed_at: datetime | None, tz: tzinfo, today: date) -> bool:
        """Whether an achievement earned at ``completed_at`` has expired by ``today`` (the person's local date)."""
        expires = self.expires_on(completed_at, tz)
        return expires is not None and expires <= today


class ResourceManager(models.Manager["Resource"]):
    def get_by_natural_key(self, milestone_slug: str, url: str) -> Resource:
        return self.get(milestone__slug=milestone_slug, url=url)


class Resource(models.Model):
    """A link that helps with a milestone: a course, an exam guide, a book."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=160)
    url = models.URLField(max_length=500)
    order = models.PositiveIntegerField(default=0)

    objects: ClassVar[ResourceManager] = ResourceManager()

    class Meta:
        ordering = ("milestone", "order", "id")
        constraints = [models.UniqueConstraint(fields=["milestone", "url"], name="resource_url_unique_per_milestone")]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, str]:
        return (self.milestone.slug, self.url)

    natural_key.dependencies = ["tracker.milestone"]  # type: ignore[attr-defined]


class LadderStepQuerySet(models.QuerySet["LadderStep"]):
    def visible(self) -> LadderStepQuerySet:
        """Steps whose milestone is active. Hidden steps keep everyone's progress."""
        return self.filter(milestone__is_active=True)

    def ladder(self) -> LadderStepQuerySet:
        """The visible-steps query: visible steps in ladder order with milestone, level and active prerequisites.

        The one query behind the track page, the track API, every plan's
        progress and the nudges. Prerequisites come ordered by title, as pages
        list them, and only with the fields those pages and the API show.
        """
        return (
            self.visible()
            .select_related("milestone", "level")
            .prefetch_related(
                models.Prefetch(
                    "milestone__prerequisites",
                    queryset=Milestone.objects.active().only("id", "slug", "title").order_by("title"),
                )
            )
            .order_by("track_id", "order", "id")
        )


class LadderStepManager(models.Manager["LadderStep"]):
    def get_by_natural_key(self, track_slug: str, milestone_slug: str) -> LadderStep:
        return self.get(track__slug=track_slug, milestone__slug=milestone_slug)


class LadderStep(models.Model):
    """A milestone's place in one track's ladder, optionally under a career level."""

    track = models.ForeignKey(CareerTrack, on_delete=models.CASCADE, related_name="steps")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="steps")
    level = models.ForeignKey(CareerLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="steps")
    order = models.PositiveIntegerField(default=0)

    objects = LadderStepManager.from_queryset(LadderStepQuerySet)()

    class Meta:
        ordering = ("track", "order", "id")
        constraints = [models.UniqueConstraint(fields=["track", "milestone"], name="step_milestone_once_per_track")]

    def __str__(self) -> str:
        return f"{self.track}: {self.milestone}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.milestone.slug)

    natural_key.dependencies = ["tracker.careertrack", "tracker.milestone", "tracker.careerlevel"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        if self.level is not None and self.track_id is not None and self.level.track_id != self.track_id:
            raise ValidationError({"level": "Choose a career level of this track."})


# --------------------------------------------------------------------------
# Prerequisite graph
# --------------------------------------------------------------------------


def check_prerequisite_cycle(milestone: Milestone, new_prerequisite_ids: Sequence[int]) -> None:
    """Refuse prerequisites that would make ``milestone`` depend on itself.

    The catalogue is small (tens to a few hundred milestones), so the whole
    edge list is read in one query and walked in memory.
    """
    if milestone.pk is None or not new_prerequisite_ids:
        return
    if milestone.pk in new_prerequisite_ids:
        raise ValidationError(
            "%(m)s cannot be its own prerequisite.", params={"m": milestone.title}, code="prerequisite_cycle"
        )
    edges = Milestone.objects.prerequisite_edges()
    # A cycle appears iff ``milestone`` is reachable from a new prerequisite.
    for start in new_prerequisite_ids:
        path = _path(edges, start, milestone.pk)
        if path is not None:
            titles = dict(Milestone.objects.filter(pk__in=path).values_list("pk", "title"))
            loop = " → ".join([milestone.title, *(titles[pk] for pk in path)])
            raise ValidationError(
                "These prerequisites would form a loop: %(loop)s.",
                params={"loop": loop},
                code="prerequisite_cycle",
            )


def _path(edges: dict[int, list[int]], start: int, goal: int) -> list[int] | None:
    """A path of milestone ids from ``start`` to ``goal`` along prerequisite edges."""
    parents: dict[int, int | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while (prev := parents[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in edges.get(node, ()):
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return None


# --------------------------------------------------------------------------
# A user's plan: enrollments, progress, history
# --------------------------------------------------------------------------


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def for_user(self, user: User) -> EnrollmentQuerySet:
        return self.filter(user=user)

    def current(self) -> EnrollmentQuerySet:
        """Enrollments a user still sees on the dashboard (not archived)."""
        return self.exclude(status=EnrollmentStatus.ARCHIVED)

    def complete(self, now: datetime) -> int:
        """Mark the active ones completed in one UPDATE (a finished track); returns how many changed.

        update() sends no post_save, so the owners' plan stamps are renewed
        here: their cached dashboards must show the new status.
        """
        completing = self.filter(status=EnrollmentStatus.ACTIVE)
        owners = list(completing.values_list("user_id", flat=True))
        changed = completing.update(status=EnrollmentStatus.COMPLETED, completed_at=now, updated_at=now)
        versions.plans_changed(owners)
        return changed


class EnrollmentManager(models.Manager["Enrollment"]):
    def enroll(self, user: User, track: CareerTrack, target_date: date | None = None) -> tuple[Enrollment, bool]:
        """Follow ``track``; idempotent, and creates no per-milestone rows. Returns (enrollment, created).

        An existing active, paused or completed enrollment is returned (a
        paused one is resumed); only when there is none, or all are archived,
        is a new one made. Two concurrent calls end with one active row: the
        partial unique constraint turns the loser's insert into a fetch, and
        only the winner says it created it.
        """
        existing = (
            self.filter(user=user, track=track)
            .exclude(status=EnrollmentStatus.ARCHIVED)
            .order_by("-started_at")
            .first()
        )
        if existing is not None:
            changed = []
            if existing.status == EnrollmentStatus.PAUSED:
                existing.status = EnrollmentStatus.ACTIVE
                changed.append("status")
            if target_date is not None and existing.target_date != target_date:
                existing.target_date = target_date
                changed.append("target_date")
            if changed:
                existing.save(update_fields=[*changed, "updated_at"])
            return existing, False
        try:
            with transaction.atomic():
                return self.create(user=user, track=track, target_date=target_date), True
        except IntegrityError:
            return self.get(user=user, track=track, status=EnrollmentStatus.ACTIVE), False


class Enrollment(models.Model):
    """A user following a track. At most one active enrollment per user and track."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    track = models.ForeignKey(CareerTrack, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    started_at = models.DateTimeField(default=timezone.now)
    target_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when the owner shares the plan read-only; None means not shared.
    share_token = models.CharField(max_length=43, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentManager.from_queryset(EnrollmentQuerySet)()

    class Meta:
        ordering = ("started_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"],
                condition=Q(status="active"),
                name="one_active_enrollment_per_user_and_track",
            )
        ]
        indexes = [models.Index(fields=["user", "status"], name="enrollment_user_status")]

    def __str__(self) -> str:
        return f"{self.user} → {self.track}"

    def change_status(self, status: str, now: datetime | None = None) -> None:
        """Pause, resume, complete or archive this enrollment.

        Archived enrollments are history and do not change again (enrolling in
        the track again starts a new one). ``completed_at`` is set on
        completion and cleared when the plan is taken up again.
        """
        if status not in EnrollmentStatus.values:
            raise ValidationError(
                {"status": f"Unknown status {status!r}; use one of {', '.join(EnrollmentStatus.values)}."}
            )
        if self.status == EnrollmentStatus.ARCHIVED and status != EnrollmentStatus.ARCHIVED:
            raise ValidationError({"status": "An archived enrollment cannot change; enrol in the track again."})
        if status == self.status:
            return
        self.status = status
        if status == EnrollmentStatus.COMPLETED:
            self.completed_at = now or timezone.now()
        elif status != EnrollmentStatus.ARCHIVED:
            self.completed_at = None
        self.save(update_fields=["status", "completed_at", "updated_at"])

    def share(self) -> str:
        """Turn on read-only sharing; returns the unguessable token."""
        if not self.share_token:
            self.share_token = secrets.token_urlsafe(32)
            self.save(update_fields=["share_token", "updated_at"])
        return self.share_token

    def unshare(self) -> None:
        """Revoke the shared link; the old token stops working at once."""
        if self.share_token:
            self.share_token = None
            self.save(update_fields=["share_token", "updated_at"])


class MilestoneProgressManager(models.Manager["MilestoneProgress"]):
    # What a person writes beside the status (the web panel's form, the API's PATCH).
    DETAILS = ("evidence_url", "notes", "target_date")

    def update_state(
        self,
        user: User,
        milestone: Milestone,
        *,
        status: str | None = None,
        track: CareerTrack | None = None,
        now: datetime | None = None,
        **details: Any,
    ) -> MilestoneProgress | None:
        """Change ``user``'s state on ``milestone``: its status and its details, in one transaction.

        The one write path for progress, used by the web's panels and the
        API's PATCH alike. ``details`` are any of ``DETAILS``, already
        validated by the form or serializer. Marking done needs every active
        prerequisite done or skipped; otherwise ``PrerequisitesMissing`` names
        the missing ones and nothing is saved. ``track`` records where a
        milestone was earned. Setting the current status again changes nothing
        and writes no history, so a retried request is harmless; the one
        exception is "done" on a lapsed certification, which renews it.
        Returns the row (None when nothing was asked and there is none).
        """
        unknown = set(details) - set(self.DETAILS)
        if unknown:
            raise TypeError(f"not a progress detail: {', '.join(sorted(unknown))}")
        if status is not None and status not in Status.values:
            raise ValidationError({"status": f"Unknown status {status!r}; use one of {', '.join(Status.values)}."})
        if status is None and not details:
            return self.filter(user=user, milestone=milestone).first()
        now = now or timezone.now()
        if status == Status.DONE:
            missing = milestone_missing_prerequisites(user, milestone)
            if missing:
                raise PrerequisitesMissing(missing)
        with transaction.atomic():
            progress, _ = self.select_for_update().get_or_create(user=user, milestone=milestone)
            previous = progress.status
            changed = status is not None and progress.apply_status(status, track, now, user.tzinfo)
            for name, value in details.items():
                setattr(progress, name, value)
            if changed or details:
                progress.save()
            if changed:
                assert status is not None  # only a status changes the status
                ProgressEvent.objects.create(
                    user=user, milestone=milestone, track=track, from_status=previous, to_status=status, created_at=now
                )
                progress_changed.send(
                    sender=MilestoneProgress,
                    user=user,
                    milestone=milestone,
                    track=track,
                    from_status=previous,
                    to_status=status,
                )
        return progress

    def set_target_dates(self, user: User, dates: dict[int, date]) -> None:
        """Write ``{milestone id: target date}`` for ``user`` in one statement, making rows where there are none.

        bulk_create sends no post_save, so the plan's cache stamp is renewed here.
        """
        if not dates:
            return
        now = timezone.now()
        self.bulk_create(
            [
                MilestoneProgress(user=user, milestone_id=mid, target_date=when, updated_at=now)
                for mid, when in dates.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "milestone"],
            update_fields=["target_date", "updated_at"],
        )
        versions.plans_changed([user.pk])

    def set_status(
        self,
        user: User,
        milestone: Milestone,
        status: str,
        *,
        track: CareerTrack | None = None,
        now: datetime | None = None,
    ) -> MilestoneProgress:
        """``update_state`` with a status only (the one-click buttons, scripts and tests)."""
        progress = self.update_state(user, milestone, status=status, track=track, now=now)
        assert progress is not None  # a status always leaves a row
        return progress


class PrerequisitesMissing(ValidationError):
    """Raised when a milestone is marked done before its prerequisites.

    The API answers it with a 409 that lists the missing milestones (the
    attributes below are what ``api.errors`` reads; it imports no domain class).
    """

    http_status = 409
    error_code = "prerequisites_missing"

    def __init__(self, missing: Sequence[Milestone]) -> None:
        self.missing = list(missing)
        names = ", ".join(m.title for m in self.missing)
        super().__init__(
            {"status": [f"Finish the prerequisites first: {names}."]},
        )

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"missing": [{"slug": m.slug, "title": m.title} for m in self.missing]}


def milestone_missing_prerequisites(user: User, milestone: Milestone) -> list[Milestone]:
    """Active prerequisites of ``milestone`` that ``user`` has not done or skipped."""
    # A subquery, not exclude(progress__user=..., progress__status=...): on a
    # multi-valued relation those two conditions may match different rows.
    settled = MilestoneProgress.objects.filter(user=user, status__in=SETTLED).values("milestone_id")
    return list(milestone.prerequisites.active().exclude(pk__in=settled).order_by("title"))


class MilestoneProgress(models.Model):
    """A user's state on one milestone, shared by every track that lists it.

    No row means not started. ``earned_in`` is the track the user was looking
    at when they marked it done, shown as "earned in ..." in other tracks.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    evidence_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True, max_length=5000)
    earned_in = models.ForeignKey(CareerTrack, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[MilestoneProgressManager] = MilestoneProgressManager()

    class Meta:
        verbose_name_plural = "milestone progress"
        ordering = ("user", "milestone")
        constraints = [
            models.UniqueConstraint(fields=["user", "milestone"], name="progress_once_per_user_and_milestone")
        ]
        indexes = [
            # Incremental sync: "what changed for me since T" (API updated_since).
            models.Index(fields=["user", "updated_at"], name="progress_user_updated"),
            # Deadline and overdue scans look up target dates across users.
            models.Index(fields=["target_date", "status"], name="progress_target_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.milestone}: {self.get_status_display()}"

    def is_expired(self, tz: tzinfo, today: date) -> bool:
        """Done, time-limited and lapsed by ``today`` (the person's local date in ``tz``)."""
        return self.status == Status.DONE and self.milestone.has_lapsed(self.completed_at, tz, today)

    def apply_status(self, status: str, track: CareerTrack | None, now: datetime, tz: tzinfo) -> bool:
        """Move this (unsaved) row to ``status`` with its dates; False when that changes nothing.

        "Done" again on a lapsed certification renews it: a new completion date.
        """
        renewing = status == Status.DONE and self.is_expired(tz, timezone.localdate(now, tz))
        if self.status == status and not renewing:
            return False
        self.status = status
        if status == Status.IN_PROGRESS and self.started_at is None:
            self.started_at = now
        if status == Status.DONE:
            self.completed_at = now
            self.started_at = self.started_at or now
            self.earned_in = track
        else:
            self.completed_at = None
            self.earned_in = None
        if status == Status.NOT_STARTED:
            self.started_at = None
        return True


class ProgressEvent(models.Model):
    """Append-only history of every status change. Streaks and timelines read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="events")
    track = models.ForeignKey(CareerTrack, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "created_at"], name="event_user_created")]

    def __str__(self) -> str:
        return f"{self.user} · {self.milestone}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Progress history is append-only.")
        super().save(*args, **kwargs)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
