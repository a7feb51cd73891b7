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
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, TypeVar, Union

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


# Statuses that take a step off the to-do list. Only done satisfies a
# prerequisite: skipped means "not for me", not "I can do what builds on it".
SETTLED = frozenset({Status.DONE, Status.SKIPPED})


class RenewalCountsFrom(models.TextChoices):
    """Where a renewal's new validity starts, as each issuer rules it (Totara's "recertification date" choice)."""

    EARNED = "earned", "The day the renewal is earned"
    EXPIRY = "expiry", "The old expiry date, when renewed before it"


# How long before expiry a certification's renewal opens, unless its editors
# say otherwise; and the days left at which "the window is closing" is said.
DEFAULT_RENEWAL_WINDOW_DAYS = 90
RENEWAL_CLOSING_DAYS = 14
# A person's standing on something that expires.
CURRENT, RENEWAL_OPEN, LAPSED = "current", "renewal_open", "expired"


@dataclass(frozen=True)
class Validity:
    """Where one earning of an expiring milestone stands on a day: current, renewal open, or expired."""

    expires_on: date
    renewal_opens_on: date
    state: str
    days_left: int

    @property
    def is_closing(self) -> bool:
        """In the last days of the renewal window (``RENEWAL_CLOSING_DAYS``)."""
        return self.state == RENEWAL_OPEN and self.days_left <= RENEWAL_CLOSING_DAYS


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


# --------------------------------------------------------------------------
# Versions: what a client's precondition (If-Match) is compared with
# --------------------------------------------------------------------------

_M = TypeVar("_M", bound=models.Model)


def day_in_words(day: date) -> str:
    """A date as a message says it, in the request's language: "5 March 2026" ("5. März 2026")."""
    return date_format(day, pgettext("date in a sentence", "j F Y"))


class VersionConflict(Exception):
    """A write that started from version ``expected`` of a row that has moved on since (API: 412 ``version_conflict``).

    ``current`` is the row as it stands, so the caller can answer with it and
    the app can merge or ask.
    """

    http_status = 412
    error_code = "version_conflict"

    def __init__(self, current: Any, expected: int) -> None:
        self.current = current
        self.expected = expected
        # No row yet (progress never touched) is version 0.
        now_at = current.version if current is not None else 0
        super().__init__(
            _("This changed since you read it: you had version %(expected)s, it is now at %(now_at)s.")
            % {"expected": expected, "now_at": now_at}
        )


class VersionedQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        """Every UPDATE through a queryset moves ``version`` on, in the same statement (``Versioned``)."""
        kwargs.setdefault("version", models.F("version") + 1)
        return super().update(**kwargs)


class VersionedManager(models.Manager[_M]):
    def get_queryset(self) -> VersionedQuerySet[_M]:
        return VersionedQuerySet(self.model, using=self._db)


class Versioned(models.Model):
    """A row whose every change moves ``version`` on by one, so a stale write can be told apart.

    The rule is written here once: ``save()`` of an existing row and
    ``VersionedQuerySet.update()`` both send ``version = version + 1`` in the
    UPDATE itself, so two concurrent writers can never both leave the same
    number behind (a Python-side ``+= 1`` could). A precondition is checked
    with ``check_version`` on a row read under ``select_for_update``.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on with every change: what an API client's If-Match names."
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self._state.adding or kwargs.get("force_insert") or (update_fields is not None and not update_fields):
            super().save(*args, **kwargs)
            return
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        old = self.version
        self.version = models.F("version") + 1  # type: ignore[assignment]
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = old
            raise
        self.refresh_from_db(fields=["version"])

    def check_version(self, expected: int | None) -> None:
        """Refuse (``VersionConflict``) a write that started from another version; None is "no precondition"."""
        if expected is not None and self.version != expected:
            raise VersionConflict(self, expected)


class CareerTrackQuerySet(models.QuerySet["CareerTrack"]):
    def published(self) -> CareerTrackQuerySet:
        return self.filter(is_published=True)

    def catalogue(self) -> CareerTrackQuerySet:
        """The editors' tracks, published or draft: not the containers of people's plans of their own."""
        return self.filter(owner__isnull=True)

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
    # Set on the track behind a plan of one's own (``Enrollment.objects.start_own``):
    # private, never published, and never in the catalogue or the admin.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="own_tracks",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareerTrackManager.from_queryset(CareerTrackQuerySet)()

    class Meta:
        ordering = ("order", "name")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(is_published=False), name="own_track_never_published"
            ),
            models.CheckConstraint(condition=Q(se_skill__range=(1, 5)), name="track_se_skill_1_to_5"),
            models.CheckConstraint(condition=Q(ml_knowledge__range=(1, 5)), name="track_ml_knowledge_1_to_5"),
            models.CheckConstraint(condition=Q(communication_weight__range=(1, 5)), name="track_communication_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracker:track", args=[self.slug])

    @property
    def is_own(self) -> bool:
        """The private track behind someone's plan of their own, with no public page."""
        return self.owner_id is not None

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


class MilestoneQuerySet(VersionedQuerySet["Milestone"]):
    def active(self) -> MilestoneQuerySet:
        return self.filter(is_active=True)

    def catalogue(self) -> MilestoneQuerySet:
        """The editors' milestones: not anyone's personal ones."""
        return self.filter(owner__isnull=True)

    def visible_to(self, user: User) -> MilestoneQuerySet:
        """What ``user`` may see, read and write progress on: the published catalogue and their own milestones.

        A personal milestone is private to its owner; anyone else looking it
        up is simply "not found", as for a draft.
        """
        return self.filter(Q(pk__in=self.on_published_ladders().values("pk")) | self._owned_by(user))

    def owned_by(self, user: User) -> MilestoneQuerySet:
        """``user``'s own milestones that are not removed: the personal half of ``visible_to``."""
        return self.filter(self._owned_by(user))

    @staticmethod
    def _owned_by(user: User) -> Q:
        return Q(owner=user, is_active=True)

    def published_ids_by_slug(self) -> dict[str, int]:
        """``{slug: id}`` of the published catalogue's milestones: the catalogue half of ``visible_to``."""
        return dict(self.on_published_ladders().values_list("slug", "pk"))

    def in_plans(self, enrollments: models.QuerySet[Enrollment]) -> MilestoneQuerySet:
        """Milestones of these plans: on their tracks' ladders or added to them (``PlanStep``), hidden ones too.

        Subqueries, not joins, so a milestone on several plans comes once.
        """
        ladder = LadderStep.objects.filter(track_id__in=enrollments.values("track_id")).values("milestone_id")
        own = PlanStep.objects.filter(enrollment__in=enrollments.values("pk")).values("milestone_id")
        return self.filter(Q(pk__in=ladder) | Q(pk__in=own))

    def arrived_in_plans_of(self, user: User, since: datetime) -> MilestoneQuerySet:
        """Milestones that came into ``user``'s plans after ``since``: with a plan started or changed, or added to one.

        What an incremental sync lists besides what itself changed.
        """
        plans = Enrollment.objects.for_user(user)
        added = PlanStep.objects.filter(enrollment__in=plans.values("pk"), created_at__gt=since)
        return self.filter(
            Q(pk__in=self.in_plans(plans.filter(updated_at__gt=since)).values("pk"))
            | Q(pk__in=added.values("milestone_id"))
        )

    def in_current_plans_of(self, user: User) -> MilestoneQuerySet:
        """The active milestones of ``user``'s current plans: what their dashboard, sync and checklists cover."""
        return self.active().in_plans(Enrollment.objects.for_user(user).current())

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


class Milestone(Versioned):
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
    # Certifications: when renewal opens, where a renewal's validity counts
    # from, and whether the issuer still offers it (and what replaced it).
    renewal_window_days = models.PositiveSmallIntegerField(
        "renewal window (days)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(730)],
        help_text=f"How many days before expiry renewal opens. Empty: {DEFAULT_RENEWAL_WINDOW_DAYS} days.",
    )
    renewal_counts_from = models.CharField(
        "a renewal's validity counts from",
        max_length=10,
        choices=RenewalCountsFrom.choices,
        default=RenewalCountsFrom.EARNED,
    )
    retired_on = models.DateField(
        "retired on",
        null=True,
        blank=True,
        help_text="The day the issuer stopped offering it. Holders keep it until it expires; newcomers are "
        "pointed to the successor.",
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="What replaced it, for newcomers and for renewing.",
    )
    source_url = models.URLField(
        "source", max_length=500, blank=True, help_text="Where the facts above (validity, retirement) were checked."
    )
    source_checked_on = models.DateField("facts checked on", null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    # Set on a person's own milestone (``PlanStep.objects.add_personal``): private
    # to them, in their plans only, never in the catalogue or the admin.
    # Removing one clears ``is_active`` (kept, so a syncing app learns it went).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="own_milestones",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneManager.from_queryset(MilestoneQuerySet)()

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def expires_on(self, earned_on: date | None) -> date | None:
        """The first day an achievement first earned on ``earned_on`` (the person's own calendar) no longer counts.

        A renewal's is ``renewed_until``. The expiry is kept on the earning
        (``Earning.expires_on``, and the current one on the progress row), and
        compared with the person's own "today" (``validity``), so the web, the
        API, the nudges and a renewal agree even near midnight.
        """
        if earned_on is None or not self.valid_for_months:
            return None
        return add_months(earned_on, self.valid_for_months)

    def renewed_until(self, earned_on: date, old_expiry: date | None) -> date | None:
        """The expiry of a renewal earned on ``earned_on`` of an earning that expired (or expires) on ``old_expiry``.

        From the renewal's own date, or, for an issuer that counts from the old
        expiry, from that expiry when the renewal came before it (after it,
        nothing is left to extend, and the renewal's date counts).
        """
        if not self.valid_for_months:
            return None
        counts_from_expiry = self.renewal_counts_from == RenewalCountsFrom.EXPIRY
        if counts_from_expiry and old_expiry is not None and earned_on < old_expiry:
            return add_months(old_expiry, self.valid_for_months)
        return add_months(earned_on, self.valid_for_months)

    @property
    def renewal_window(self) -> int:
        return DEFAULT_RENEWAL_WINDOW_DAYS if self.renewal_window_days is None else self.renewal_window_days

    def validity(self, expires_on: date | None, today: date) -> Validity | None:
        """Where an earning that expires on ``expires_on`` stands on ``today`` (the person's own date).

        The one lifecycle rule: the page, the API, the calendar and the nudges read it.
        """
        if expires_on is None:
            return None
        opens = expires_on - timedelta(days=self.renewal_window)
        state = LAPSED if expires_on <= today else RENEWAL_OPEN if opens <= today else CURRENT
        return Validity(expires_on=expires_on, renewal_opens_on=opens, state=state, days_left=(expires_on - today).days)

    def is_retired(self, today: date) -> bool:
        """No longer offered by its issuer on ``today``: it can be held, not earned or renewed."""
        return self.retired_on is not None and self.retired_on <= today

    def retired_refusal(self) -> ValidationError:
        """Why a retired milestone cannot be earned or renewed now, pointing to its successor."""
        assert self.retired_on is not None  # asked of a retired milestone only
        params = {"title": self.title, "day": day_in_words(self.retired_on)}
        if self.successor_id and self.successor:
            return ValidationError(
                _(
                    "%(title)s was retired on %(day)s: it can no longer be earned or renewed. "
                    "Take %(successor)s instead."
                ),
                params={**params, "successor": self.successor.title},
                code="retired",
            )
        return ValidationError(
            _("%(title)s was retired on %(day)s: it can no longer be earned or renewed."), params=params, code="retired"
        )


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


class ChoiceGroupManager(models.Manager["ChoiceGroup"]):
    def get_by_natural_key(self, track_slug: str, slug: str) -> ChoiceGroup:
        return self.get(track__slug=track_slug, slug=slug)


class ChoiceGroup(models.Model):
    """Alternatives in one track's ladder: a person needs ``needs`` of its steps, not all of them.

    "One domain specialisation", "one route into practical experience": the
    group counts as one unit in every percentage and effort total
    (``tracker.units``), and once enough members are done the rest are
    alternatives nobody is asked to do.
    """

    track = models.ForeignKey(CareerTrack, on_delete=models.CASCADE, related_name="choice_groups")
    slug = models.SlugField()
    title = models.CharField(max_length=120, help_text='What the person picks, e.g. "One domain specialisation".')
    description = models.TextField(blank=True, help_text="Why these are alternatives and how to choose.")
    needs = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="How many of the group's steps a person needs."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ChoiceGroupManager] = ChoiceGroupManager()

    class Meta:
        ordering = ("track", "slug")
        constraints = [
            models.UniqueConstraint(fields=["track", "slug"], name="choice_group_slug_unique_per_track"),
            models.CheckConstraint(condition=Q(needs__gte=1), name="choice_group_needs_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.title}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.slug)

    natural_key.dependencies = ["tracker.careertrack"]  # type: ignore[attr-defined]


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
            # The successor too: a retired certification's panel and nudges name it.
            .select_related("milestone", "milestone__successor", "level", "choice_group")
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
    choice_group = models.ForeignKey(
        ChoiceGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steps",
        help_text="Set when this step is one of several alternatives.",
    )

    objects = LadderStepManager.from_queryset(LadderStepQuerySet)()

    class Meta:
        ordering = ("track", "order", "id")
        constraints = [models.UniqueConstraint(fields=["track", "milestone"], name="step_milestone_once_per_track")]

    def __str__(self) -> str:
        return f"{self.track}: {self.milestone}"

    def natural_key(self) -> tuple[str, str]:
        return (self.track.slug, self.milestone.slug)

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "tracker.careertrack",
        "tracker.milestone",
        "tracker.careerlevel",
        "tracker.choicegroup",
    ]

    def clean(self) -> None:
        if self.milestone_id is not None and self.milestone.owner_id is not None:
            raise ValidationError({"milestone": "A personal milestone belongs to its owner's plan, not to a track."})
        if self.level is not None and self.track_id is not None and self.level.track_id != self.track_id:
            raise ValidationError({"level": "Choose a career level of this track."})
        if self.choice_group is not None and self.track_id is not None and self.choice_group.track_id != self.track_id:
            raise ValidationError({"choice_group": "Choose a choice group of this track."})


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
            _("%(m)s cannot be its own prerequisite."), params={"m": milestone.title}, code="prerequisite_cycle"
        )
    edges = Milestone.objects.prerequisite_edges()
    # A cycle appears iff ``milestone`` is reachable from a new prerequisite.
    for start in new_prerequisite_ids:
        path = _path(edges, start, milestone.pk)
        if path is not None:
            titles = dict(Milestone.objects.filter(pk__in=path).values_list("pk", "title"))
            loop = " → ".join([milestone.title, *(titles[pk] for pk in path)])
            raise ValidationError(
                _("These prerequisites would form a loop: %(loop)s."),
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


class EnrollmentQuerySet(VersionedQuerySet["Enrollment"]):
    def for_user(self, user: User) -> EnrollmentQuerySet:
        return self.filter(user=user)

    def current(self) -> EnrollmentQuerySet:
        """Enrollments a user still sees on the dashboard (not archived)."""
        return self.exclude(status=EnrollmentStatus.ARCHIVED)

    def left(self) -> EnrollmentQuerySet:
        """Plans left (archived) for tracks not followed again since: the latest of each, newest first."""
        followed = self.current().values("track_id")
        latest = (
            self.filter(status=EnrollmentStatus.ARCHIVED, track_id=models.OuterRef("track_id"))
            .order_by("-updated_at", "-id")
            .values("id")[:1]
        )
        return (
            self.filter(status=EnrollmentStatus.ARCHIVED, id=models.Subquery(latest))
            .exclude(track_id__in=followed)
            .order_by("-updated_at", "-id")
        )

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

    def start_own(
        self, user: User, title: str, *, from_track: CareerTrack | None = None, target_date: date | None = None
    ) -> Enrollment:
        """Start a plan of one's own called ``title``: empty, or holding ``from_track``'s milestones in its order.

        The plan follows a private track of its own (``CareerTrack.owner``),
        so everything that reads a plan reads this one the same way; its
        milestones are ``PlanStep`` rows the person adds, removes and orders.
        A track's choice groups do not carry over: in a plan of one's own the
        person keeps only what they mean to do.
        """
        title = clean_plan_title(title)
        with transaction.atomic():
            track = CareerTrack(
                owner=user,
                slug=f"own-{secrets.token_hex(6)}",
                name=title,
                summary=from_track.summary if from_track else "",
                work_product=from_track.work_product if from_track else "",
                produces=from_track.produces if from_track else "",
                se_skill=from_track.se_skill if from_track else OWN_TRACK_SCALE,
                ml_knowledge=from_track.ml_knowledge if from_track else OWN_TRACK_SCALE,
                communication_weight=from_track.communication_weight if from_track else OWN_TRACK_SCALE,
            )
            track.full_clean(exclude=["slug", "summary", "work_product", "produces"])
            track.save()
            enrollment = self.create(user=user, track=track, target_date=target_date)
            if from_track is not None:
                steps = LadderStep.objects.visible().filter(track=from_track).order_by("order", "id")
                PlanStep.objects.bulk_create(
                    PlanStep(enrollment=enrollment, milestone_id=mid, order=n)
                    for n, mid in enumerate(steps.values_list("milestone_id", flat=True))
                )
        return enrollment


class Enrollment(Versioned):
    """A user following a track. At most one active enrollment per user and track."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    # RESTRICT: a catalogue track people follow cannot be deleted, but an
    # account's deletion takes its plans of its own, private tracks and all.
    track = models.ForeignKey(CareerTrack, on_delete=models.RESTRICT, related_name="enrollments")
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

    def get_absolute_url(self, milestone: Milestone | None = None) -> str:
        """The plan's page, at ``milestone``'s panel when given: where reminders about it lead."""
        url = reverse("tracker:plan", args=[self.pk])
        return f"{url}#m-{milestone.slug}" if milestone is not None else url

    def change_status(self, status: str, now: datetime | None = None) -> None:
        """Pause, resume, complete or archive this enrollment.

        Archived enrollments are history and do not change again (enrolling in
        the track again starts a new one), except a plan of one's own, which
        can only come back itself. ``completed_at`` is set on
        completion and cleared when the plan is taken up again.
        """
        if status not in EnrollmentStatus.values:
            raise ValidationError(
                {
                    "status": _("Unknown status %(status)s; use one of %(choices)s.")
                    % {"status": repr(status), "choices": ", ".join(EnrollmentStatus.values)}
                }
            )
        if self.status == EnrollmentStatus.ARCHIVED and status != EnrollmentStatus.ARCHIVED and not self.is_own:
            # A plan of one's own has no track to follow again: it is the plan
            # itself that comes back, and its private track can have no other.
            raise ValidationError({"status": _("An archived enrollment cannot change; enrol in the track again.")})
        if status == self.status:
            return
        self.status = status
        if status == EnrollmentStatus.COMPLETED:
            self.completed_at = now or timezone.now()
        elif status != EnrollmentStatus.ARCHIVED:
            self.completed_at = None
        self.save(update_fields=["status", "completed_at", "updated_at"])

    @property
    def is_own(self) -> bool:
        """A plan of one's own (``EnrollmentManager.start_own``), not a track from the catalogue."""
        return self.track.owner_id is not None

    def milestone_ids(self) -> set[int]:
        """Ids of the milestones in this plan: its track's visible ladder and its own visible steps."""
        ladder = LadderStep.objects.visible().filter(track_id=self.track_id).values_list("milestone_id", flat=True)
        own = PlanStep.objects.visible().filter(enrollment=self).values_list("milestone_id", flat=True)
        return set(ladder) | set(own)

    def milestone_in_plan(self, slug: str) -> Milestone:
        """The plan's milestone ``slug`` (on its ladder or one of its own steps); ``Milestone.DoesNotExist`` if not."""
        in_plan = Q(steps__track_id=self.track_id) | Q(plan_steps__enrollment=self)
        return Milestone.objects.active().filter(in_plan, slug=slug).distinct().get()

    def own_step(self, slug: str) -> PlanStep:
        """The plan's own step for milestone ``slug``; ``PlanStep.DoesNotExist`` if it has none."""
        steps = PlanStep.objects.visible().select_related("milestone", "enrollment", "enrollment__track")
        return steps.get(enrollment=self, milestone__slug=slug)

    def rename(self, title: str) -> None:
        """Rename a plan of one's own (a catalogue track's name belongs to its editors)."""
        if not self.is_own:
            raise ValidationError(
                {"title": ValidationError(_("Only a plan of your own can be renamed."), code="not_own")}
            )
        self.track.name = clean_plan_title(title)
        self.track.full_clean(exclude=["slug", "summary", "work_product", "produces"])
        self.track.save(update_fields=["name", "updated_at"])
        self.save(update_fields=["updated_at"])  # the plan's title is part of the plan: its version moves on
        versions.plans_changed([self.user_id])

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


# --------------------------------------------------------------------------
# Plans of one's own: personal milestones and the person's own steps
# --------------------------------------------------------------------------

# What a plan of one's own copies from a track it starts from, when it does:
# nothing else reads these on a private track (it is not on the map of roles).
OWN_TRACK_SCALE = 3
PERSONAL_FIELDS = ("title", "description", "category", "effort_weeks")
# A plan holds at most this many steps of its own: far more than any ladder,
# and a guard against a runaway client (like checklists' MAX_OWN_ITEMS).
MAX_PLAN_STEPS = 300
PLAN_TITLE_MAX = 120


def clean_plan_title(title: str) -> str:
    """A plan's name with its spaces tidied; refused (on ``title``) when empty or longer than a track's name."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": ValidationError(_("Give the plan a name."), code="required")})
    if len(title) > PLAN_TITLE_MAX:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("Keep the name to %(limit)s characters.") % {"limit": PLAN_TITLE_MAX}, code="max_length"
                )
            }
        )
    return title


# Where a step goes in its plan: after one of the plan's milestones, first (None), or last.
AT_END: Final = "end"
Place = Union["Milestone", Literal["end"], None]


class NotInPlan(ValidationError):
    """A prerequisite or a place named for a plan step that is not one of the plan's milestones."""


class PlanStepQuerySet(models.QuerySet["PlanStep"]):
    def visible(self) -> PlanStepQuerySet:
        """Steps whose milestone is active: a removed personal milestone (or a hidden one) drops out."""
        return self.filter(milestone__is_active=True)

    def for_enrollments(self, enrollment_ids: Sequence[int]) -> PlanStepQuerySet:
        """The visible own steps of these plans, in their order, with milestone and active prerequisites.

        Shaped like ``LadderStep.objects.ladder()``, so a plan's progress reads
        both kinds of step the same way.
        """
        return (
            self.visible()
            .filter(enrollment_id__in=enrollment_ids)
            .select_related("milestone", "milestone__successor")
            .prefetch_related(
                models.Prefetch(
                    "milestone__prerequisites",
                    queryset=Milestone.objects.active().only("id", "slug", "title").order_by("title"),
                )
            )
            .order_by("enrollment_id", "order", "id")
        )


class PlanStepManager(models.Manager["PlanStep"]):
    def add(
        self,
        enrollment: Enrollment,
        milestone: Milestone,
        *,
        after: Place = None,
    ) -> PlanStep:
        """Put a catalogue milestone, or one of the owner's own, into ``enrollment``'s plan.

        ``after`` is the plan's milestone it follows (None: first; ``AT_END``: last).
        A milestone already in the plan, someone else's, or not in the published
        catalogue is refused with a message on ``milestone``.
        """
        if milestone.owner_id is not None and milestone.owner_id != enrollment.user_id:
            raise ValidationError({"milestone": ValidationError(_("No such milestone."), code="does_not_exist")})
        published = Milestone.objects.on_published_ladders()
        if milestone.owner_id is None and not published.filter(pk=milestone.pk).exists():
            raise ValidationError({"milestone": ValidationError(_("No such milestone."), code="does_not_exist")})
        if milestone.owner_id is not None and self.filter(milestone=milestone).exclude(enrollment=enrollment).exists():
            # A personal milestone counts in its own plan only; another plan gets a milestone of its own.
            raise ValidationError(
                {
                    "milestone": ValidationError(
                        _("That milestone belongs to another of your plans."), code="in_another_plan"
                    )
                }
            )
        if self.filter(enrollment=enrollment).count() >= MAX_PLAN_STEPS:
            raise ValidationError(
                {
                    "milestone": ValidationError(
                        _("A plan holds at most %(limit)s milestones of its own.") % {"limit": MAX_PLAN_STEPS},
                        code="plan_full",
                    )
                }
            )
        if milestone.pk in enrollment.milestone_ids():
            raise ValidationError(
                {
                    "milestone": ValidationError(
                        _("%(title)s is in this plan already."),
                        params={"title": milestone.title},
                        code="already_in_plan",
                    )
                }
            )
        with transaction.atomic():
            step = self.create(enrollment=enrollment, milestone=milestone)
            step.move(after)
        return step

    def add_personal(
        self,
        enrollment: Enrollment,
        *,
        title: str,
        category: str,
        effort_weeks: int = 1,
        description: str = "",
        prerequisites: Sequence[Milestone] = (),
        after: Place = None,
    ) -> PlanStep:
        """Make a personal milestone for the owner of ``enrollment`` and put it in that plan.

        It is private and counts in this plan only. Its prerequisites must be
        milestones of the same plan (``NotInPlan`` otherwise).
        """
        with transaction.atomic():
            milestone = Milestone(
                owner_id=enrollment.user_id,
                slug=f"mine-{secrets.token_hex(6)}",
                title=title,
                category=category,
                effort_weeks=effort_weeks,
                description=description,
            )
            milestone.full_clean(exclude=["slug", "description"])  # a description is optional here
            milestone.save()
            step = self.add(enrollment, milestone, after=after)
            step.set_prerequisites(prerequisites)
        return step


class PlanStep(models.Model):
    """A milestone a person put into one of their plans: a personal one, or a catalogue one in a plan of their own.

    A plan's steps are its track's ladder with these merged in
    (``tracker.progress``): each comes after the ladder step ``after`` (at
    the start when empty), then by ``order``. A plan of one's own has an
    empty ladder, so ``order`` alone is its order.
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="own_steps")
    milestone = models.ForeignKey(Milestone, on_delete=models.RESTRICT, related_name="plan_steps")
    # The ladder step this one follows; a step whose place went (deleted) moves to the start.
    after = models.ForeignKey(LadderStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanStepManager.from_queryset(PlanStepQuerySet)()

    # Read the way ladder steps are (``StepState.step``): a person's own step
    # is in no choice group, and sits under the career level of the ladder
    # step it follows (set when the plan is read; None at the start).
    choice_group: ChoiceGroup | None = None
    level: CareerLevel | None = None
    level_id: int | None = None

    class Meta:
        ordering = ("enrollment", "order", "id")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "milestone"], name="plan_step_milestone_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.milestone}"

    @property
    def track_id(self) -> int:
        return self.enrollment.track_id

    def move(self, after: Place) -> None:
        """Place this step right after the plan's milestone ``after`` (None: first; ``AT_END``: last).

        The plan's own steps are renumbered around the track's ladder, which
        only editors reorder: each takes the nearest ladder step before it as
        ``after``.
        """
        ladder = list(
            LadderStep.objects.visible()
            .filter(track_id=self.enrollment.track_id)
            .order_by("order", "id")
            .values_list("pk", "milestone_id")
        )
        own = list(PlanStep.objects.visible().filter(enrollment_id=self.enrollment_id).exclude(pk=self.pk))
        sequence: list[tuple[str, Any]] = []
        by_after: dict[int | None, list[PlanStep]] = {}
        known = {pk for pk, _ in ladder}
        for step in own:
            by_after.setdefault(step.after_id if step.after_id in known else None, []).append(step)
        for step in by_after.get(None, []):
            sequence.append(("own", step))
        for pk, milestone_id in ladder:
            sequence.append(("ladder", (pk, milestone_id)))
            sequence.extend(("own", step) for step in by_after.get(pk, []))
        if after == AT_END:
            place = len(sequence)
        elif after is None:
            place = 0
        else:
            assert isinstance(after, Milestone)
            ids = [value.milestone_id if kind == "own" else value[1] for kind, value in sequence]
            if after.pk not in ids:
                raise NotInPlan({"after": ValidationError(_("Choose a milestone of this plan."), code="not_in_plan")})
            place = ids.index(after.pk) + 1
        sequence.insert(place, ("own", self))
        previous: int | None = None
        changed = []
        now = timezone.now()
        for position, (kind, value) in enumerate(sequence):
            if kind == "ladder":
                previous = value[0]
                continue
            if value.after_id != previous or value.order != position:
                value.after_id, value.order, value.updated_at = previous, position, now
                changed.append(value)
        if changed:
            # bulk_update sends no post_save: the owner's plan stamp is renewed here.
            PlanStep.objects.bulk_update(changed, ["after", "order", "updated_at"])
            versions.plans_changed([self.enrollment.user_id])

    def set_prerequisites(self, prerequisites: Sequence[Milestone]) -> None:
        """A personal milestone's prerequisites: milestones of the same plan, other than itself."""
        in_plan = self.enrollment.milestone_ids()
        outside = [m.title for m in prerequisites if m.pk not in in_plan or m.pk == self.milestone_id]
        if outside:
            raise NotInPlan(
                {
                    "prerequisites": ValidationError(
                        _("Choose prerequisites among this plan's other milestones (not %(titles)s)."),
                        params={"titles": ", ".join(outside)},
                        code="not_in_plan",
                    )
                }
            )
        self.milestone.prerequisites.set(prerequisites)  # the cycle check is in tracker.receivers

    def update_personal(self, prerequisites: Sequence[Milestone] | None = None, **fields: Any) -> None:
        """Edit this step's personal milestone (``PERSONAL_FIELDS``, and its prerequisites when given)."""
        if self.milestone.owner_id is None:
            raise ValidationError(_("Only a milestone of your own can be edited."), code="not_personal")
        unknown = set(fields) - set(PERSONAL_FIELDS)
        if unknown:
            raise TypeError(f"not a personal milestone field: {', '.join(sorted(unknown))}")
        with transaction.atomic():
            for name, value in fields.items():
                setattr(self.milestone, name, value)
            self.milestone.full_clean(exclude=["slug", "description"])  # a description is optional here
            self.milestone.save()
            if prerequisites is not None:
                self.set_prerequisites(prerequisites)

    def remove(self) -> None:
        """Take this step out of its plan; a personal milestone goes too, with the person's progress on it kept.

        The personal milestone is deactivated rather than deleted, so the
        history keeps its title and a syncing app is told it went.
        """
        milestone = self.milestone
        if milestone.owner_id is not None:
            milestone.is_active = False
            milestone.save(update_fields=["is_active", "updated_at"])
        else:
            self.delete()
        versions.plans_changed([self.enrollment.user_id])


class MilestoneProgressManager(VersionedManager["MilestoneProgress"]):
    # What a person writes beside the status (the web panel's form, the API's PATCH).
    DETAILS = ("evidence_url", "notes", "target_date", "earned_on")

    def update_state(
        self,
        user: User,
        milestone: Milestone,
        *,
        status: str | None = None,
        track: CareerTrack | None = None,
        now: datetime | None = None,
        renew: bool = False,
        expected_version: int | None = None,
        device: str | None = None,
        **details: Any,
    ) -> MilestoneProgress | None:
        """Change ``user``'s state on ``milestone``: its status and its details, in one transaction.

        The one write path for progress, used by the web's panels and the
        API's PATCH alike. ``details`` are any of ``DETAILS``, already
        validated by the form or serializer. Marking done needs every active
        prerequisite done (skipped is not enough); otherwise
        ``PrerequisitesMissing`` names the missing ones and nothing is saved.
        Moving a milestone out of done while something built on it is done is
        refused the same way (``DependantsDone``). Done carries ``earned_on``,
        the date earned on the person's calendar: today unless given, never in
        the future, and changeable later. A ``target_date`` given here is the
        person's own, which "Plan my dates" leaves alone. ``track`` records
        where a milestone was earned. Setting the current status again changes
        nothing and writes no history, so a retried request is harmless; the
        one exception is "done" on a lapsed certification, which renews it.
        ``renew`` renews a done certification whose renewal window is open
        (``renew_refusal`` says why not otherwise). Each earning and renewal is
        kept as an ``Earning``; undoing "done" takes back the latest. A retired
        milestone cannot be earned after its retirement date nor renewed.
        ``expected_version`` is the version the caller's change started from
        (0: no row yet): another is refused with ``VersionConflict`` before
        anything is saved; None checks nothing. ``device`` is the installation
        that made the change, kept on its history (default: ``acting_device``).
        Returns the row (None when nothing was asked and there is none).
        """
        unknown = set(details) - set(self.DETAILS)
        if unknown:
            raise TypeError(f"not a progress detail: {', '.join(sorted(unknown))}")
        if status is not None and status not in Status.values:
            raise ValidationError(
                {
                    "status": _("Unknown status %(status)s; use one of %(choices)s.")
                    % {"status": repr(status), "choices": ", ".join(Status.values)}
                }
            )
        if renew:
            status = Status.DONE  # a renewal is "done" again, with a new earning
        if status is None and not details:
            row = self.filter(user=user, milestone=milestone).first()
            if expected_version is not None and (row.version if row else 0) != expected_version:
                raise VersionConflict(row, expected_version)
            return row
        now = now or timezone.now()
        today = timezone.localdate(now, user.tzinfo)
        earned_on = details.get("earned_on")
        if earned_on is not None and earned_on > today:
            raise ValidationError(
                {"earned_on": ValidationError(_("The date earned cannot be in the future."), code="in_future")}
            )
        if status == Status.DONE:
            missing = milestone_missing_prerequisites(user, milestone)
            if missing:
                raise PrerequisitesMissing(missing)
        with transaction.atomic():
            progress, created = self.select_for_update().get_or_create(user=user, milestone=milestone)
            # A row made just now stands for "no row" (version 0), which is what the caller saw.
            if expected_version is not None and (0 if created else progress.version) != expected_version:
                raise VersionConflict(progress, expected_version)
            previous, old_expiry = progress.status, progress.expires_on
            if previous == Status.DONE and status is not None and status != Status.DONE:
                dependants = milestone_done_dependants(user, milestone)
                if dependants:
                    raise DependantsDone(milestone, dependants)
            lapsed = status == Status.DONE and progress.is_expired(today)
            if renew or lapsed:
                refusal = progress.renew_refusal(today, details.get("earned_on") or today)
                # A lapsed one may be renewed whatever its window; not a retired
                # one, and never with a date before the earning it renews.
                if refusal is not None and (renew or refusal.code in ("retired", "before_last_earning")):
                    raise ValidationError({"status": refusal})
            renewing = status == Status.DONE and previous == Status.DONE and (renew or lapsed)
            changed = status is not None and progress.apply_status(status, track, now, user.tzinfo, renewing=renewing)
            if "earned_on" in details and progress.status != Status.DONE:
                raise ValidationError(
                    {"earned_on": ValidationError(_("Only a done milestone has a date earned."), code="not_done")}
                )
            if "earned_on" in details and earned_on is None:
                details["earned_on"] = progress.earned_on or today  # done always has a date
            redated = not changed and "earned_on" in details and details["earned_on"] != progress.earned_on
            # Only what differs is written: a retried request, or a form saved
            # unchanged, is no activity. A target date given here becomes the
            # person's own even when it equals the planned one.
            edited = {name: value for name, value in details.items() if getattr(progress, name) != value}
            if "target_date" in details and progress.target_date_planned:
                edited["target_date_planned"] = False
            for name, value in edited.items():
                setattr(progress, name, value)
            # The earnings history (``Earning``): the first earning and each
            # renewal add one, undoing "done" takes the latest back, and a new
            # date earned moves the latest. The row keeps the latest's expiry.
            first = progress.status == Status.DONE and previous != Status.DONE
            earned = progress.earned_on or today
            if (first or redated) and milestone.retired_on and earned > milestone.retired_on:
                raise ValidationError({"earned_on": milestone.retired_refusal()})
            kept = Earning.objects.filter(user=user, milestone=milestone).order_by("-earned_on", "-id")
            latest = kept.first() if redated else None
            if progress.status != Status.DONE:
                progress.expires_on = None
            elif renewing:
                progress.expires_on = milestone.renewed_until(earned, old_expiry)
            elif first:
                progress.expires_on = milestone.expires_on(earned)
            elif latest is not None:
                before = kept.exclude(pk=latest.pk).first() if latest.is_renewal else None
                progress.expires_on = milestone.renewed_until(earned, before.expires_on if before else None)
            if changed or edited:
                progress.save()
                ActivityDay.objects.record(user, now)
            if previous == Status.DONE and progress.status != Status.DONE:
                undone = kept.first()
                if undone is not None:
                    undone.delete()
            elif first or renewing:
                Earning.objects.create(
                    user=user,
                    milestone=milestone,
                    earned_on=earned,
                    expires_on=progress.expires_on,
                    is_renewal=renewing,
                    evidence_url=progress.evidence_url,
                    created_at=now,
                )
            elif redated and latest is not None:
                latest.earned_on, latest.expires_on = earned, progress.expires_on
                latest.save(update_fields=["earned_on", "expires_on"])
            if changed or redated:
                ProgressEvent.objects.create(
                    user=user,
                    milestone=milestone,
                    track=track,
                    from_status=previous,
                    to_status=progress.status,
                    earned_on=progress.earned_on,
                    device=_device.get() if device is None else device,
                    created_at=now,
                )
            if changed:
                assert status is not None  # only a status changes the status
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
        """Write planned ``{milestone id: target date}`` for ``user`` in one statement, making missing rows.

        The dates are marked planned, so planning again may move them; a
        caller must not pass a milestone whose date the person chose
        (``tracker.planning`` leaves those out). bulk_create sends no
        post_save, so the plan's cache stamp is renewed here.
        """
        if not dates:
            return
        now = timezone.now()
        self.bulk_create(
            [
                MilestoneProgress(
                    user=user, milestone_id=mid, target_date=when, target_date_planned=True, updated_at=now
                )
                for mid, when in dates.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "milestone"],
            update_fields=["target_date", "target_date_planned", "updated_at"],
        )
        # The upsert cannot say "version + 1": each row it touched moves on here, in the same transaction.
        self.filter(user=user, milestone_id__in=list(dates)).update()
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
            {"status": [_("Finish the prerequisites first: %(names)s.") % {"names": names}]},
        )

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"missing": [{"slug": m.slug, "title": m.title} for m in self.missing]}


class DependantsDone(ValidationError):
    """Raised when a milestone would leave done while milestones built on it are done.

    Answered with a 409 naming them, like ``PrerequisitesMissing``: undo those first.
    """

    http_status = 409
    error_code = "dependants_done"

    def __init__(self, milestone: Milestone, dependants: Sequence[Milestone]) -> None:
        self.dependants = list(dependants)
        names = ", ".join(m.title for m in self.dependants)
        super().__init__(
            {
                "status": [
                    _("%(title)s is a prerequisite of what you have done: %(names)s. Undo those first.")
                    % {"title": milestone.title, "names": names}
                ]
            },
        )

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"dependants": [{"slug": m.slug, "title": m.title} for m in self.dependants]}


def milestone_missing_prerequisites(user: User, milestone: Milestone) -> list[Milestone]:
    """Active prerequisites of ``milestone`` that ``user`` has not done (skipped ones included)."""
    # A subquery, not exclude(progress__user=..., progress__status=...): on a
    # multi-valued relation those two conditions may match different rows.
    done = MilestoneProgress.objects.filter(user=user, status=Status.DONE).values("milestone_id")
    return list(milestone.prerequisites.active().exclude(pk__in=done).order_by("title"))


def milestone_done_dependants(user: User, milestone: Milestone) -> list[Milestone]:
    """Active milestones that need ``milestone`` first and that ``user`` has done."""
    done = MilestoneProgress.objects.filter(user=user, status=Status.DONE).values("milestone_id")
    return list(milestone.unlocks.active().filter(pk__in=done).order_by("title"))


class MilestoneProgress(Versioned):
    """A user's state on one milestone, shared by every track that lists it.

    No row means not started. ``earned_in`` is the track the user was looking
    at when they marked it done, shown as "earned in ..." in other tracks.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress")
    # RESTRICT, not PROTECT: a catalogue milestone with progress cannot be
    # deleted, but deleting an account takes its personal milestones along
    # with its progress on them in one cascade.
    milestone = models.ForeignKey(Milestone, on_delete=models.RESTRICT, related_name="progress")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The day it was earned on the person's own calendar: expiry and renewal
    # count from it. Today when marked done, earlier for "I already have this".
    earned_on = models.DateField("date earned", null=True, blank=True)
    # The first day the current earning no longer counts (``Earning``): set with
    # each earning, so a renewal counted from the old expiry keeps its date.
    expires_on = models.DateField("valid until", null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # Whether target_date came from "Plan my dates" (which may move it again)
    # rather than from the person (which it never overwrites).
    target_date_planned = models.BooleanField(default=False)
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

    def is_expired(self, today: date) -> bool:
        """Done, time-limited and lapsed by ``today`` (the person's local date)."""
        return self.status == Status.DONE and self.expires_on is not None and self.expires_on <= today

    def validity(self, today: date) -> Validity | None:
        """Current, renewal open or expired on ``today``, with the dates; None when not done or never expiring."""
        return self.milestone.validity(self.expires_on, today) if self.status == Status.DONE else None

    def renew_refusal(self, today: date, earned_on: date) -> ValidationError | None:
        """Why this row cannot be renewed with a renewal earned on ``earned_on``, or None when it can."""
        milestone = self.milestone
        if not milestone.valid_for_months:
            return ValidationError(
                _("%(title)s does not expire."), params={"title": milestone.title}, code="not_renewable"
            )
        if milestone.is_retired(today):
            return milestone.retired_refusal()
        if self.status != Status.DONE:
            return ValidationError(_("Only a certification you hold can be renewed."), code="not_done")
        validity = self.validity(today)
        if validity is not None and validity.state == CURRENT:
            return ValidationError(
                _("Renewal opens on %(opens)s."),
                params={"opens": day_in_words(validity.renewal_opens_on)},
                code="renewal_not_open",
            )
        if self.earned_on is not None and earned_on < self.earned_on:
            return ValidationError(
                _("A renewal cannot come before the earning it renews (%(earned)s)."),
                params={"earned": day_in_words(self.earned_on)},
                code="before_last_earning",
            )
        return None

    def apply_status(
        self, status: str, track: CareerTrack | None, now: datetime, tz: tzinfo, *, renewing: bool = False
    ) -> bool:
        """Move this (unsaved) row to ``status`` with its dates; False when that changes nothing.

        "Done" again when ``renewing`` (a lapsed certification, or one in its
        renewal window) renews it: a new completion date, earned today (in
        ``tz``) unless the caller then sets another.
        """
        today = timezone.localdate(now, tz)
        if self.status == status and not renewing:
            return False
        self.status = status
        if status == Status.IN_PROGRESS and self.started_at is None:
            self.started_at = now
        if status == Status.DONE:
            self.completed_at = now
            self.earned_on = today
            self.started_at = self.started_at or now
            self.earned_in = track
        else:
            self.completed_at = None
            self.earned_on = None
            self.earned_in = None
        if status == Status.NOT_STARTED:
            self.started_at = None
        return True


class Earning(models.Model):
    """One earning of a milestone by a person: the first, or a renewal. History, never overwritten.

    The latest is the one that counts (its dates are on the progress row).
    Undoing "done" takes back the latest; renewing adds one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="earnings")
    milestone = models.ForeignKey(Milestone, on_delete=models.RESTRICT, related_name="earnings")  # as on progress
    earned_on = models.DateField("date earned")
    expires_on = models.DateField("valid until", null=True, blank=True)
    is_renewal = models.BooleanField("renewal", default=False)
    evidence_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("user", "milestone", "earned_on", "id")
        indexes = [models.Index(fields=["user", "milestone", "earned_on"], name="earning_user_milestone")]

    def __str__(self) -> str:
        return f"{self.user} · {self.milestone}: {self.earned_on}"


# Device-Id: an app installation's opaque id, kept on the history of what it changed.
DEVICE_ID_MAX_LENGTH = 64
_DEVICE_ID = re.compile(r"[A-Za-z0-9._:-]+")
_device: ContextVar[str] = ContextVar("acting_device", default="")


def clean_device_id(value: str) -> str:
    """A Device-Id as kept: 1 to 64 of letters, digits and ``. _ : -`` (a UUID fits); empty stays empty."""
    value = value.strip()
    if value and (len(value) > DEVICE_ID_MAX_LENGTH or not _DEVICE_ID.fullmatch(value)):
        raise ValidationError(
            _("Use at most %(limit)s letters, digits, dots, colons, dashes or underscores.")
            % {"limit": DEVICE_ID_MAX_LENGTH},
            code="invalid_device_id",
        )
    return value


@contextmanager
def acting_device(device_id: str) -> Iterator[None]:
    """Within the block, history written without a ``device`` of its own records ``device_id``.

    The API sets it for a request, so a change made indirectly (a checklist
    tick that starts its milestone) is recorded against the same device.
    """
    token = _device.set(device_id)
    try:
        yield
    finally:
        _device.reset(token)


class ProgressEvent(models.Model):
    """Append-only history of every status change. Streaks and timelines read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events")
    milestone = models.ForeignKey(Milestone, on_delete=models.RESTRICT, related_name="events")  # as on progress
    track = models.ForeignKey(CareerTrack, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    # The date earned, on an event that marks a milestone done (or moves its date).
    earned_on = models.DateField(null=True, blank=True)
    device = models.CharField(
        max_length=DEVICE_ID_MAX_LENGTH,
        blank=True,
        help_text="The app installation that made the change (its Device-Id header); empty on the web.",
    )
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


# --------------------------------------------------------------------------
# Checklists: the steps inside a milestone
# --------------------------------------------------------------------------


class ChecklistItemQuerySet(VersionedQuerySet["ChecklistItem"]):
    def defaults(self) -> ChecklistItemQuerySet:
        """The items editors wrote, which everyone's plan shows."""
        return self.filter(owner__isnull=True)

    def for_user(self, user: User) -> ChecklistItemQuerySet:
        """What ``user`` sees in their milestones: the editors' items and their own (removed ones left out)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user), removed_at__isnull=True)

    def visible_to(self, user: User) -> ChecklistItemQuerySet:
        """What ``user`` may read and tick: ``for_user`` on milestones they may see.

        Another person's item, a removed one, or one of a hidden milestone is
        not among them, so looking it up is simply "not found".
        """
        return self.for_user(user).filter(milestone__in=Milestone.objects.visible_to(user))

    def in_plans_of(self, user: User) -> ChecklistItemQuerySet:
        """Items of the active milestones of ``user``'s current plans (a subquery, no join)."""
        return self.filter(milestone__in=Milestone.objects.in_current_plans_of(user).values("pk"))

    def with_state(self, user: User) -> ChecklistItemQuerySet:
        """Each item with ``user``'s tick as ``my_*`` attributes, in one join.

        ``my_done`` is False for an item never ticked, whose ``my_done_at``
        and ``my_updated_at`` are None.
        """
        return self.annotate(mine=models.FilteredRelation("ticks", condition=Q(ticks__user=user))).annotate(
            my_done=models.Case(
                models.When(mine__done=True, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
            my_done_at=models.F("mine__done_at"),
            my_updated_at=models.F("mine__updated_at"),
            my_version=models.F("mine__version"),
        )


class ChecklistItemManager(models.Manager["ChecklistItem"]):
    def get_by_natural_key(self, milestone_slug: str, slug: str) -> ChecklistItem:
        return self.get(milestone__slug=milestone_slug, slug=slug, owner__isnull=True)


class ChecklistItem(Versioned):
    """One step inside a milestone ("book the exam"): written by editors for everyone, or by a person for themselves.

    Editors' items (``owner`` empty) are content, identified by their slug
    within the milestone. A person's own items are private; removing one
    stamps ``removed_at`` rather than deleting it, so a syncing app learns
    that it went.
    """

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="checklist")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist_items",
        help_text="Empty for an item every plan shows; set for a person's own item.",
    )
    slug = models.SlugField(blank=True, help_text="Identifies an editor's item within its milestone.")
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemManager.from_queryset(ChecklistItemQuerySet)()

    class Meta:
        ordering = ("milestone", "order", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "slug"],
                condition=Q(owner__isnull=True),
                name="checklist_default_slug_unique_per_milestone",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(slug=""), name="checklist_default_item_has_a_slug"
            ),
        ]
        indexes = [models.Index(fields=["owner", "updated_at"], name="checklist_owner_updated")]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.title}"

    def natural_key(self) -> tuple[str, str]:
        return (self.milestone.slug, self.slug)

    natural_key.dependencies = ["tracker.milestone"]  # type: ignore[attr-defined]

    @property
    def is_own(self) -> bool:
        """A person's own item (which they may rename, reorder and remove), not an editors' one."""
        return self.owner_id is not None

    def check_state_version(self, user: User, expected: int | None) -> None:
        """Refuse (``VersionConflict``) a change to this item as ``user`` sees it that started from another version.

        What a person sees of an item is the item and their tick, so its
        version is the sum of both rows' versions: each only grows, so the sum
        moves on whenever either changes. Both rows are locked until the
        transaction ends, so the change that follows cannot race another.
        Call it inside ``transaction.atomic()``.
        """
        if expected is None:
            return
        item = ChecklistItem.objects.select_for_update().get(pk=self.pk)
        tick = ChecklistTick.objects.select_for_update().filter(user=user, item=self).first()
        if item.version + (tick.version if tick else 0) != expected:
            raise VersionConflict(item, expected)


class ChecklistTick(Versioned):
    """A person's state on one checklist item. Unticking keeps the row (``done`` false) so sync sees it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_ticks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    done = models.BooleanField(default=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[VersionedManager[ChecklistTick]] = VersionedManager()  # type: ignore[assignment]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="tick_once_per_user_and_item")]
        indexes = [models.Index(fields=["user", "updated_at"], name="tick_user_updated")]

    def __str__(self) -> str:
        return f"{self.user} · {self.item}: {'done' if self.done else 'not done'}"


# --------------------------------------------------------------------------
# Activity: the days a person moved their plan forward
# --------------------------------------------------------------------------


class ActivityDayManager(models.Manager["ActivityDay"]):
    def record(self, user: User, when: datetime | None = None) -> None:
        """Count one thing done in the plan on ``when``'s day in the person's own zone (now by default).

        Safe under concurrent calls: an increment, or an insert when the day
        has no row yet, and an increment after all when a parallel call
        inserted it first.
        """
        day = timezone.localdate(when or timezone.now(), user.tzinfo)
        if self.filter(user=user, day=day).update(count=models.F("count") + 1):
            return
        try:
            with transaction.atomic():
                self.create(user=user, day=day, count=1)
        except IntegrityError:
            self.filter(user=user, day=day).update(count=models.F("count") + 1)


class ActivityDay(models.Model):
    """A day on the person's own calendar on which they did something in their plan, and how many things.

    Status changes, checklist ticks and saved evidence or notes each count.
    The streak and the heat-map read these rows, so neither depends on the
    time zone the server runs in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)

    objects: ClassVar[ActivityDayManager] = ActivityDayManager()

    class Meta:
        ordering = ("user", "day")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="activity_once_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}: {self.count}"


class RestWeek(models.Model):
    """A week (by its Monday, on the person's calendar) the person marked as rest: it keeps a weekly streak alive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rest_weeks")
    monday = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("user", "monday")
        constraints = [models.UniqueConstraint(fields=["user", "monday"], name="rest_week_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · rest week of {self.monday}"


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
