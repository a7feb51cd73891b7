"""The web UI: public pages, the signed-in plan pages and the inbox.

Views translate between HTTP and the domain (``tracker.models``,
``tracker.progress``, ``tracker.rolefit``) and hold no rules of their own.
Every interaction is a plain form POST followed by a redirect, so it works
with JavaScript off; when htmx sent the request (``request.htmx``) the view
answers with the partial to swap in place instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from accounts import onboarding
from accounts.models import User

from . import activity, onboarding_views, planning, undo, versions
from .forms import EarnedOnForm, PlanDatesForm, ProgressDetailsForm, RoleFitQuizForm
from .models import (
    CareerLevel,
    CareerTrack,
    Category,
    ChoiceGroup,
    Earning,
    Enrollment,
    EnrollmentStatus,
    LadderStep,
    Milestone,
    MilestoneProgress,
    Resource,
    Status,
)
from .own_plan_forms import CatalogueStepForm, PersonalMilestoneForm, RenamePlanForm
from .progress import (
    ALTERNATIVE,
    EXPIRED,
    Dashboard,
    StepState,
    TrackProgress,
    Unit,
    starting_units,
    steps_for_tracks,
    track_progress,
)
from .rolefit import Fit, map_point, rank_tracks, role_map
from .undo import Undo, UndoRefused

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (typing only)."""

    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def _my_enrollment(request: HttpRequest, pk: int) -> Enrollment:
    """The signed-in user's current enrollment ``pk``; anyone else's is a 404."""
    return get_object_or_404(Enrollment.objects.for_user(_user(request)).current().select_related("track"), pk=pk)


def catalogue_milestones() -> list[Milestone]:
    """The published catalogue's milestones, by kind and title: what a plan of one's own may take from it."""
    milestones = Milestone.objects.on_published_ladders().only("id", "slug", "title", "category")
    return list(milestones.order_by("category", "title"))


def _published_tracks() -> list[CareerTrack]:
    return list(CareerTrack.objects.published())


# --------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------


def _grouped_tracks() -> list[CareerTrack]:
    """Top-level published tracks, each with its published specialisations prefetched."""
    return list(
        CareerTrack.objects.published()
        .filter(parent=None)
        .prefetch_related(Prefetch("specialisations", queryset=CareerTrack.objects.published()))
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What CareerPlan is, and every published track grouped under its parent."""
    return render(request, "tracker/home.html", {"tracks": _grouped_tracks()})


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every published track, grouped, and the map of roles linking to each."""
    groups = _grouped_tracks()
    ordered = [t for group in groups for t in (group, *group.specialisations.all())]
    return render(request, "tracker/catalogue.html", {"groups": groups, "map": role_map(ordered)})


# Stands for the enroll box in a cached track page: it depends on who asks (and carries their CSRF token).
ENROLL_BOX_PLACEHOLDER = "enroll-box-placeholder-3b9e27"


@require_GET
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A track's ladder by career level, with salary bands, milestones and an Enroll button.

    The page is the same for every visitor but for the enroll box, and read
    far more often than editors change it: its main region is rendered once
    and cached under the catalogue's stamp (tracker.versions), so any edit to
    the catalogue shows at once; rendering the ladder was most of a signed-out
    visit's time. The enroll box (follow or enroll, with the CSRF token) is
    rendered per request into the cached HTML.
    """
    page = versions.cached("track-page", lambda: _track_page(slug), key=slug)
    if page is None:
        raise Http404("No such track.")
    enrollment = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.for_user(_user(request)).current().filter(track_id=page["pk"]).first()
    box = render_to_string(
        "tracker/includes/enroll_box.html", {"track": page, "enrollment": enrollment}, request=request
    )
    # Only the placeholder, a plain ASCII word, is replaced: the rest is the cached, escaped HTML.
    main = mark_safe(page["main"].replace(ENROLL_BOX_PLACEHOLDER, box))
    return render(request, "tracker/track_detail.html", {"page": page, "main": main})


def _track_page(slug: str) -> dict[str, Any] | None:
    """The published track ``slug``'s page as cached: its name and summary, and the main region's HTML."""
    track = (
        CareerTrack.objects.published()
        .select_related("parent")
        .prefetch_related(
            Prefetch("levels", queryset=CareerLevel.objects.order_by("order")),
            Prefetch("specialisations", queryset=CareerTrack.objects.published()),
        )
        .filter(slug=slug)
        .first()
    )
    if track is None:
        return None  # not cached: an unknown slug must not fill the cache
    steps = steps_for_tracks([track.pk])[track.pk]
    resources: dict[int, list[Resource]] = {}
    for res in Resource.objects.filter(milestone__in=[s.milestone_id for s in steps]):
        resources.setdefault(res.milestone_id, []).append(res)
    units = starting_units(steps)
    by_level = _ladder_entries(units, resources)
    levels = [{"level": lvl, "steps": by_level.pop(lvl.pk, [])} for lvl in track.levels.all()]
    by_category: dict[str, list[LadderStep]] = {}
    for step in steps:
        by_category.setdefault(step.milestone.category, []).append(step)
    main = render_to_string(
        "tracker/includes/track_main.html",
        {
            "track": track,
            "levels": levels,
            "unlevelled": by_level.pop(None, []),
            "units": units,
            # The honest total: each choice group once, by its quickest options (progress.starting_units).
            "total_effort": sum(u.effort_weeks for u in units),
            "step_count": len(steps),
            "choice_groups": [u for u in units if u.group is not None],
            # The same milestones grouped by kind, in catalogue order of categories.
            "categories": [(c.value, c.label, by_category[c.value]) for c in Category if c.value in by_category],
            "enroll_box_placeholder": ENROLL_BOX_PLACEHOLDER,
        },
    )
    return {
        "pk": track.pk,
        "slug": track.slug,
        "name": track.name,
        "title": track.name,
        "description": track.summary,
        "main": main,
    }


def _ladder_entries(units: list[Unit], resources: dict[int, list[Resource]]) -> dict[int | None, list[dict[str, Any]]]:
    """The track page's entries by career level id: a step, or a whole choice group at its first option's place.

    A group is one block ("Choose one") however its options are spread over
    the levels, as it is one unit of the plan.
    """
    by_level: dict[int | None, list[dict[str, Any]]] = {}
    for unit in units:
        entries = [
            {"step": i.step, "milestone": i.milestone, "resources": resources.get(i.milestone.pk, [])}
            for i in unit.items
        ]
        first = unit.items[0].step
        block = entries[0] if unit.group is None else {"unit": unit, "group": unit.group, "members": entries}
        by_level.setdefault(first.level_id, []).append(block)
    return by_level


@require_GET
def quiz(request: HttpRequest) -> HttpResponse:
    """The role-fit quiz; answered, its own result view: the tracks ranked with reasons, and the person on the map.

    The form sends ``answered`` with its answers, so a form submitted with
    nothing chosen is bound and says what is missing (an error summary at the
    top and a message beside each question), rather than showing the
    questions again as if nothing had happened.
    """
    form = RoleFitQuizForm(request.GET if request.GET else None)
    fits: list[Fit] = []
    context: dict[str, Any] = {"form": form}
    if form.is_bound and not form.is_valid():
        context["error_summary"] = [
            (f"{form[name].label} {' '.join(map(str, errors))}", f"{form[name].auto_id}_0")
            for name, errors in form.errors.items()
            if name in form.fields
        ]
    if form.is_bound and form.is_valid():
        answers = form.answers()
        fits = rank_tracks(answers, _published_tracks())
        tracks_map = role_map([f.track for f in sorted(fits, key=lambda f: (f.track.order, f.track.name))])
        tracks_map["you"] = dict(zip(("x", "y"), map_point(answers.se_skill, answers.ml_knowledge), strict=True))
        context.update(fits=fits, map=tracks_map)
        context["ranked"] = [(f, fit_band(f.score)) for f in fits]
        # Kept in the session until there is an account to keep it on (sign-up, sign-in or an enrolment).
        ranking = [{"track": f.track.slug, "name": f.track.name, "score": f.score, "reasons": f.reasons} for f in fits]
        onboarding.remember_quiz(request, asdict(answers), ranking)
    return render(request, "tracker/quiz.html", context)


# A fit in words, by its score's band: the scores rank the tracks, but their digits are not that precise.
FIT_BANDS = [(75, "Strong fit"), (55, "Good fit"), (35, "Some fit"), (0, "Weak fit")]


def fit_band(score: int) -> str:
    """ "Strong fit" … "Weak fit" for a role-fit score of 0..100 (``rolefit.Fit.score``)."""
    return next(label for floor, label in FIT_BANDS if score >= floor)


@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a track: the POST enrols (idempotent); a GET asks first. Signed out, either leads to sign-up.

    Sign-up (or "Sign in instead") carries ``next`` back to this page's GET,
    through the address's confirmation too (``accounts.onboarding``), which
    asks once more before anything is written. A first plan for the track
    opens "What do you already have?"; any other goes to the plan.
    """
    track = get_object_or_404(CareerTrack.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        here = reverse("tracker:enroll", args=[track.slug])
        return redirect(f"{reverse('account_signup')}?{urlencode({'next': here})}")
    user = _user(request)
    if request.method == "GET":
        current = Enrollment.objects.for_user(user).current().filter(track=track).first()
        return redirect("tracker:plan", pk=current.pk) if current else onboarding_views.start(request, track)
    onboarding.keep_quiz(request, user)  # a quiz taken just before enrolling stays with the account
    enrollment, created = Enrollment.objects.enroll(user, track)
    messages.success(request, f"You are following {track.name}.")
    if created and onboarding_views.is_first_plan(user, track):
        return redirect("tracker:already-have", pk=enrollment.pk)
    return redirect("tracker:plan", pk=enrollment.pk)


# --------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------


# Stands for the request's CSRF token in a cached dashboard: the forms' tokens differ per browser.
DASHBOARD_CSRF_PLACEHOLDER = "csrf-token-placeholder-6f1d0c"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every current plan with its progress, next steps and dates; the streak, heat-map and chart (``Dashboard``).

    The page's main region is cached per person under the stamps the API's
    dashboard is cached under (tracker.versions), so any change to their plans
    or the catalogue, a new local day or a new name shows at once; rendering it
    (the heat-map above all) was most of the page's time. Only the layout
    around it (the inbox count, messages) and the CSRF token are filled in per
    request: the token goes into the cached HTML in place of a placeholder.
    """
    user = _user(request)
    today = timezone.localdate(timezone.now(), user.tzinfo)

    def compute() -> str:
        board = Dashboard(user, today)
        context = {
            "user": user,
            "plans": board.plans,
            "streak": board.streak,
            "heatmap": board.heatmap,
            "chart": board.chart,
            "chart_total": board.chart_total,
            "today": board.today,
            "left": board.left,
            "csrf_token": DASHBOARD_CSRF_PLACEHOLDER,
        }
        return render_to_string("tracker/includes/dashboard_main.html", context)

    depends_on = f"{today.isoformat()}:{user.timezone}:{user.name}"
    main = versions.cached("dashboard-page", compute, key=str(user.pk), user_id=user.pk, depends_on=depends_on)
    # The placeholder and the token are both plain ASCII letters, digits and dashes: nothing to escape.
    main = mark_safe(main.replace(DASHBOARD_CSRF_PLACEHOLDER, get_token(request)))
    # "Saved · Undo" after a "Mark done" (a plain POST redirected here): per request, outside the cache.
    saved = Saved.take(request, back="dashboard")
    context = {"main": main, "saved": saved, "announce": f"{saved.heading} {saved.message}" if saved else ""}
    return render(request, "tracker/dashboard.html", context)


# --------------------------------------------------------------------------
# A plan: milestone panels, planning, sharing
# --------------------------------------------------------------------------


# The status buttons of a milestone panel, in the order shown.
STATUS_ACTIONS = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.SKIPPED]


@dataclass
class Panel:
    """A milestone panel: the step's state, its forms and any error to show.

    ``unit`` is the plan's unit the step belongs to (itself, or its choice
    group), when the caller has it: it tells an option nobody needs any more
    from one still to choose.
    """

    item: StepState
    form: ProgressDetailsForm
    earned_form: EarnedOnForm
    status_error: str = ""
    unit: Unit | None = None
    # The status button to focus once swapped in: after "I already have this" its form is gone, so focus
    # moves to the pressed "Done" rather than being lost.
    focus: str = ""
    # A personal milestone's edit form (title, kind, effort, what it needs first); None for any other.
    edit_form: PersonalMilestoneForm | None = None
    # "I renewed it" (a certification in its renewal window or expired), and its earnings, oldest first.
    renew_form: EarnedOnForm | None = None
    earnings: list[Earning] = field(default_factory=list)
    # Folded away behind the page's "show done or skipped" filter: set on a full page for a
    # settled milestone, never on one swapped in after a change, which stays in view.
    collapse: bool = False
    # "Saved", with an Undo of a status change, right after a change to this milestone.
    saved: Saved | None = None
    # Opened (its <details>): the one just changed, or one with an error to show.
    open: bool = False

    @property
    def is_open(self) -> bool:
        forms_ = (self.form, self.earned_form, self.renew_form, self.edit_form)
        return self.open or bool(self.status_error) or any(f is not None and f.is_bound and f.errors for f in forms_)

    @property
    def status_label(self) -> str:
        if self.item.status == Status.NOT_STARTED and self.not_needed:
            return "Not needed"
        if self.item.status == Status.NOT_STARTED and self.locked_by:
            return "Locked"
        return "Expired" if self.item.status == EXPIRED else Status(self.item.status).label

    @property
    def actions(self) -> list[tuple[str, str, bool]]:
        """(status, label, pressed) for the status buttons.

        Every status keeps its button (the current one pressed), so the button
        a keyboard user pressed is still there, with focus, after the swap. On
        an expired milestone no button is pressed: "Done" renews it.
        """
        current = self.item.status
        return [(value, value.label, value == current) for value in STATUS_ACTIONS]

    @property
    def earned_in(self) -> CareerTrack | None:
        """The other track where this milestone was earned, when it was."""
        row = self.item.progress
        if row is None or row.status != Status.DONE or row.earned_in is None:
            return None
        return row.earned_in if row.earned_in.pk != self.item.step.track_id else None

    @property
    def in_group(self) -> bool:
        return self.item.group is not None

    @property
    def not_needed(self) -> bool:
        """An option of a choice group that is done without it: shown as an alternative, not as a to-do."""
        return self.item.role == ALTERNATIVE and self.unit is not None and self.unit.status == Status.DONE

    @property
    def locked_by(self) -> list[Milestone]:
        """Prerequisites the person skipped, which keep this milestone locked while it is still to do."""
        if self.item.is_settled or self.item.status == EXPIRED:
            return []
        return self.item.skipped_prerequisites

    @property
    def hx_target(self) -> str:
        return f"#m-{self.item.milestone.slug}"


@dataclass
class Saved:
    """What a change says once saved ("Saved: marked done"), and how to take it back (``tracker.undo``).

    ``back`` is where the Undo returns to: the plan (empty) or the dashboard.
    """

    enrollment_id: int
    slug: str
    title: str
    message: str
    undo: Undo | None = None
    back: str = ""
    heading: str = "Saved."

    # A plain POST redirects (PRG): the note waits in the session for the page that comes back.
    SESSION_KEY = "tracker.saved"

    def keep(self, request: HttpRequest) -> None:
        request.session[self.SESSION_KEY] = {
            "enrollment": self.enrollment_id,
            "slug": self.slug,
            "title": self.title,
            "message": self.message,
            "undo": self.undo.as_session() if self.undo else None,
            "back": self.back,
            "heading": self.heading,
        }

    @classmethod
    def take(cls, request: HttpRequest, *, back: str, enrollment_id: int | None = None) -> Saved | None:
        """The note kept for this page (the plan ``enrollment_id``, or the dashboard), removed from the session."""
        data = request.session.get(cls.SESSION_KEY)
        if not data or data.get("back") != back or (enrollment_id is not None and data["enrollment"] != enrollment_id):
            return None
        del request.session[cls.SESSION_KEY]
        change = Undo.from_session(data["undo"]) if data.get("undo") else None
        return cls(
            enrollment_id=data["enrollment"],
            slug=data["slug"],
            title=data["title"],
            message=data["message"],
            undo=change,
            back=back,
            heading=data.get("heading", "Saved."),
        )


def _status_message(title: str, status: str, earned_on: date | None) -> str:
    """What a status change says: "“Title” is done (earned 3 Mar 2026)."."""
    if status == Status.DONE:
        earned = f" (earned {earned_on.day} {earned_on:%b %Y})" if earned_on else ""
        return f"“{title}” is done{earned}."
    return f"“{title}” is now {Status(status).label.lower()}."


@dataclass
class LevelSection:
    """The plan's blocks under one career level (``level`` None: a plan with no levels), with "n of m done"."""

    level: CareerLevel | None
    blocks: list[Block]

    @property
    def done(self) -> int:
        return sum(1 for b in self.blocks if b.unit.status == Status.DONE)

    @property
    def total(self) -> int:
        return len(self.blocks)

    @property
    def skipped(self) -> int:
        return sum(1 for b in self.blocks if b.unit.status == Status.SKIPPED)

    @property
    def anchor(self) -> str:
        return f"level-{self.level.pk}" if self.level else "level-none"


def level_sections(blocks: list[Block]) -> list[LevelSection]:
    """The plan's blocks by career level, in ladder order.

    A unit belongs to its first step's level (as ``TrackProgress.level_reached``
    reads it); a step with no level of its own (one the person added) stays
    under the level it was put after. A plan with no levels is one section.
    """
    sections: dict[int | None, LevelSection] = {}
    current: CareerLevel | None = None
    for block in blocks:
        level = block.unit.items[0].step.level
        current = level or current
        key = current.pk if current else None
        sections.setdefault(key, LevelSection(level=current, blocks=[])).blocks.append(block)
    if None in sections and len(sections) > 1:
        # Steps of one's own before any level: with the first level.
        first = next(s for k, s in sections.items() if k is not None)
        first.blocks[:0] = sections.pop(None).blocks
    return list(sections.values())


@dataclass
class Block:
    """One unit of the plan page: a milestone's panel, or a choice group with its options' panels."""

    unit: Unit
    panels: list[Panel]

    @property
    def group(self) -> ChoiceGroup | None:
        return self.unit.group

    @property
    def chosen(self) -> list[StepState]:
        """The options started or done, in ladder order."""
        return self.unit.chosen

    @property
    def state_label(self) -> str:
        """ "Pick 1 of 3" until an option is chosen, then "1 of 1 chosen"; "Done" or "Skipped" once settled."""
        needs = self.group.needs if self.group else 1
        chosen = len(self.chosen)
        if self.unit.status == Status.DONE:
            return f"Done · {chosen} of {needs} chosen" if chosen <= needs else f"Done · {chosen} chosen"
        if self.unit.status == Status.SKIPPED:
            return "Skipped"
        if chosen:
            return f"{chosen} of {needs} chosen" if chosen <= needs else f"{chosen} chosen, {needs} needed"
        return f"Pick {needs} of {len(self.unit.items)}"


def _today(user: User) -> date:
    return timezone.localdate(timezone.now(), user.tzinfo)


def _panel(
    item: StepState,
    user: User,
    form: ProgressDetailsForm | None = None,
    status_error: str = "",
    *,
    earned_form: EarnedOnForm | None = None,
    renew_form: EarnedOnForm | None = None,
    unit: Unit | None = None,
) -> Panel:
    instance = item.progress or MilestoneProgress(user=user, milestone=item.milestone)
    today = _today(user)
    prefix = f"m{item.milestone.pk}"
    return Panel(
        item=item,
        form=form or ProgressDetailsForm(instance=instance, prefix=prefix, today=today),
        earned_form=earned_form or EarnedOnForm(prefix=f"{prefix}-earned", today=today),
        status_error=status_error,
        unit=unit,
        # Only something that expires can be renewed: no form built for the rest of the plan's panels.
        renew_form=renew_form
        or (EarnedOnForm(prefix=f"{prefix}-renew", today=today, label="Date renewed") if item.validity else None),
    )


def _blocks(progress: TrackProgress, user: User, panels: dict[int, Panel]) -> list[Block]:
    """The plan's units in ladder order, each with its panels (``panels`` replace the fresh ones by milestone id)."""
    blocks = []
    for unit in progress.units:
        shown = []
        for item in unit.items:
            panel = panels.get(item.milestone.pk) or _panel(item, user)
            panel.unit = unit
            if item.milestone.is_personal and panel.edit_form is None:
                panel.edit_form = edit_form(progress, item.milestone)
            shown.append(panel)
        blocks.append(Block(unit=unit, panels=shown))
    return blocks


def _attach_earnings(user: User, panels: Sequence[Panel]) -> None:
    """Each certification panel's history of earnings (``Panel.earnings``), in one query for the page."""
    expiring = {p.item.milestone.pk: p for p in panels if p.item.validity is not None}
    if not expiring:
        return
    for earning in Earning.objects.filter(user=user, milestone_id__in=expiring).order_by("earned_on", "id"):
        expiring[earning.milestone_id].earnings.append(earning)


def edit_form(progress: TrackProgress, milestone: Milestone, data: Any = None) -> PersonalMilestoneForm:
    """The edit form of ``milestone``, a personal milestone of the plan ``progress`` reads."""
    return PersonalMilestoneForm(data, items=progress.items, milestone=milestone, prefix=f"e{milestone.pk}")


def _error_summary(
    panels: list[Panel], plan_form: PlanDatesForm | None = None, forms_by_name: Sequence[tuple[str, forms.Form]] = ()
) -> list[tuple[str, str]]:
    """(message, id of the field or message to jump to) for every error on the page, for the summary at the top.

    ``forms_by_name`` are the page's other forms, each with the name its errors are prefixed by.
    """
    found: list[tuple[str, str]] = []
    for panel in panels:
        title, slug = panel.item.milestone.title, panel.item.milestone.slug
        if panel.status_error:
            found.append((f"{title}: {panel.status_error}", f"m-{slug}-status-error"))
        panel_forms: list[forms.BaseForm] = [panel.earned_form, panel.form]
        panel_forms += [f for f in (panel.renew_form, panel.edit_form) if f is not None]
        for form in panel_forms:
            for name, errors in form.errors.items():
                where = form[name].auto_id if name in form.fields else f"m-{slug}"
                label = f", {form[name].label.lower()}" if name in form.fields else ""
                found.append((f"{title}{label}: {' '.join(map(str, errors))}", where))
    if plan_form is not None:
        for name, errors in plan_form.errors.items():
            found.append(
                (
                    f"Plan my dates: {' '.join(map(str, errors))}",
                    plan_form[name].auto_id if name in plan_form.fields else "planning",
                )
            )
    for heading, form in forms_by_name:
        for name, errors in form.errors.items():
            where = form[name].auto_id if name in form.fields else "add-to-plan"
            label = str(form[name].label) if name in form.fields else ""
            # "Add a milestone of your own, title: ..."; on a page with one form, "Title: ...".
            about = f"{heading}, {label.lower()}" if heading and label else heading or label
            found.append((f"{about}: {' '.join(map(str, errors))}", where))
    return found


# The id of a field of a panel's form: its prefix is a letter or two and the milestone's id.
PANEL_FIELD_ID = re.compile(r"id_[a-z]+(\d+)-")


def _plan_context(
    request: HttpRequest, enrollment: Enrollment, panels: dict[int, Panel] | None = None, **extra: Any
) -> dict[str, Any]:
    user = _user(request)
    progress = track_progress(enrollment)
    blocks = _blocks(progress, user, panels or {})
    flat = [panel for block in blocks for panel in block.panels]
    _attach_earnings(user, flat)
    saved = Saved.take(request, back="", enrollment_id=enrollment.pk)
    for panel in flat:
        if saved is not None and panel.item.milestone.slug == saved.slug:
            panel.saved, panel.open = saved, True
    # Folded away behind the filter; not the one just changed, which stays in view.
    settled = [
        p for b in blocks if b.group is None for p in b.panels if p.item.is_settled and not p.is_open and not p.saved
    ]
    for panel in settled:
        panel.collapse = True
    plan_form = extra.pop("plan_form", None)
    if plan_form is None:
        plan_form = PlanDatesForm(initial={"target_date": enrollment.target_date})
    if enrollment.is_own:
        plan_form.fields["target_date"].label = "Reach the end of this plan by"
    # What a person adds to the plan: a milestone of their own and, to a plan of their own, the catalogue's.
    personal_form = extra.pop("personal_form", None) or PersonalMilestoneForm(items=progress.items, prefix="new")
    catalogue_form = extra.pop("catalogue_form", None)
    rename_form = extra.pop("rename_form", None)
    if enrollment.is_own:
        catalogue_form = catalogue_form or CatalogueStepForm(
            items=progress.items, catalogue=catalogue_milestones(), prefix="add"
        )
        rename_form = rename_form or RenamePlanForm(initial={"title": enrollment.track.name}, prefix="rename")
    adding = [("Add a milestone of your own", personal_form)]
    if catalogue_form is not None and rename_form is not None:
        adding += [("Add from the catalogue", catalogue_form), ("Rename the plan", rename_form)]
    context = {
        "enrollment": enrollment,
        "progress": progress,
        "blocks": blocks,
        "sections": level_sections(blocks),
        "panels": flat,
        "plan_form": plan_form,
        "settled_count": len(settled),
        "personal_form": personal_form,
        "catalogue_form": catalogue_form,
        "rename_form": rename_form,
        "error_summary": _error_summary(flat, plan_form, adding),
        "share_url": request.build_absolute_uri(reverse("tracker:shared", args=[enrollment.share_token]))
        if enrollment.share_token
        else "",
        "statuses": Status,
        **extra,
    }
    # A panel an error points into opens, and stays in view, whichever view found the error (a badge's, a
    # checklist's): the error's anchor is inside the panel (m-<slug>…) or a field of one of its forms, whose
    # prefixes end in the milestone's id (m12-, e12-, b12-: field ids id_m12-notes, id_b12-url).
    anchors = [anchor for _, anchor in context["error_summary"]]
    field_of = {int(found.group(1)) for anchor in anchors if (found := PANEL_FIELD_ID.match(anchor))}
    for panel in flat:
        slug = panel.item.milestone.slug
        inside = any(anchor == f"m-{slug}" or anchor.startswith(f"m-{slug}-") for anchor in anchors)
        if inside or panel.item.milestone.pk in field_of:
            panel.open, panel.collapse = True, False
    return context


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan: progress, the milestone panels (a choice group's together), planning and sharing."""
    enrollment = _my_enrollment(request, pk)
    return render(request, "tracker/plan.html", _plan_context(request, enrollment))


def _milestone(enrollment: Enrollment, slug: str) -> Milestone:
    """The plan's milestone ``slug`` (on its track's ladder or added by its owner); anything else is a 404."""
    try:
        return enrollment.milestone_in_plan(slug)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone in this plan.") from None


def _panel_response(
    request: HtmxHttpRequest,
    enrollment: Enrollment,
    milestone: Milestone,
    *,
    form: ProgressDetailsForm | None = None,
    earned_form: EarnedOnForm | None = None,
    renew_form: EarnedOnForm | None = None,
    status_error: str = "",
    focus: str = "",
    saved: Saved | None = None,
) -> HttpResponse:
    """After a change: the panel and the progress summary (htmx), else the page or a redirect.

    With htmx the panel is swapped in place, open, with "Saved" (and an Undo
    of a status change), and what the change may have altered elsewhere comes
    out of band: the progress summary, the effort left, its level's "n of m
    done", the error summary, the other options of its choice group, the
    milestones that need it first (locked or unlocked now) and the page's
    live region, which announces the outcome. Without htmx a success
    redirects to the plan (a refresh never posts again), the note kept in
    the session; a failure renders the page with its error summary (400).
    """
    failed = bool(status_error) or any(f is not None and f.errors for f in (form, earned_form, renew_form))
    if not request.htmx and not failed:
        if saved is not None:
            saved.keep(request)
        return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}#m-{milestone.slug}")
    user = _user(request)
    progress: TrackProgress = track_progress(enrollment)
    units = {i.milestone.pk: u for u in progress.units for i in u.items}
    item = next(i for i in progress.items if i.milestone.pk == milestone.pk)
    unit = units[milestone.pk]
    panel = _panel(
        item, user, form=form, status_error=status_error, earned_form=earned_form, renew_form=renew_form, unit=unit
    )
    panel.focus, panel.saved, panel.open = focus, saved, True
    _attach_earnings(user, [panel])
    if not request.htmx:
        context = _plan_context(request, enrollment, panels={milestone.pk: panel})
        return render(request, "tracker/plan.html", context, status=400)
    sections = level_sections([Block(unit=u, panels=[]) for u in progress.units])
    context = {
        "panel": panel,
        "enrollment": enrollment,
        "progress": progress,
        "statuses": Status,
        "group_block": Block(unit=unit, panels=[]) if unit.group is not None else None,
        "section": next((s for s in sections if any(b.unit is unit for b in s.blocks)), None),
        "oob_panels": [_panel(i, user, unit=units[i.milestone.pk]) for i in _neighbours(progress, unit, item)],
        "error_summary": _error_summary([panel]),
        "announce": f"{saved.heading} {saved.message}"
        if saved
        else (f"Not saved: {status_error}" if status_error else ""),
        "swap": True,
    }
    return render(request, "tracker/includes/milestone_panel_swap.html", context)


def _neighbours(progress: TrackProgress, unit: Unit, item: StepState) -> list[StepState]:
    """The steps a change to ``item`` may alter besides itself: the other options of its group, and its dependants."""
    mine = {id(i) for i in unit.items}
    others = [i for i in unit.items if i is not item]
    return others + [
        i
        for i in progress.items
        if id(i) not in mine and any(p.pk == item.milestone.pk for p in i.milestone.prerequisites.all())
    ]


def _domain_errors_onto(form: forms.BaseForm, exc: ValidationError) -> bool:
    """Put the domain's refusal of ``form``'s fields beside them; False when it is about something else."""
    errors = getattr(exc, "error_dict", {})
    mine = {name: errs for name, errs in errors.items() if name in form.fields}
    for name, errs in mine.items():
        form.add_error(name, errs)
    return bool(mine)


@login_required
@require_POST
def milestone_status(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Change a milestone's status in one click; missing prerequisites or done dependants are named inline.

    "I already have this" posts ``done`` with the date earned
    (``EarnedOnForm``): a date the domain refuses (in the future) is shown
    beside the field, and nothing is saved.
    """
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    user = _user(request)
    prefix = f"m{milestone.pk}-earned"
    earned_form = EarnedOnForm(request.POST, prefix=prefix) if f"{prefix}-earned_on" in request.POST else None
    back = "dashboard" if request.POST.get("back") == "dashboard" else ""
    error, saved = "", None
    if earned_form is None or earned_form.is_valid():
        details = earned_form.cleaned_data if earned_form is not None else {}
        state_before = undo.before(user, milestone)
        try:
            progress = MilestoneProgress.objects.update_state(
                user, milestone, status=request.POST.get("status", ""), track=enrollment.track, **details
            )
        except ValidationError as exc:  # PrerequisitesMissing and DependantsDone are two
            if earned_form is None or not _domain_errors_onto(earned_form, exc):
                error = " ".join(exc.message_dict.get("status", exc.messages))
        else:
            assert progress is not None  # a status always leaves a row
            saved = Saved(
                enrollment_id=enrollment.pk,
                slug=milestone.slug,
                title=milestone.title,
                message=_status_message(milestone.title, progress.status, progress.earned_on),
                undo=undo.undo_for(user, milestone, state_before),
                back=back,
            )
    if back:
        # From the dashboard's "next up": back to it (htmx swaps its main region in place).
        return _back_to_dashboard(request, milestone, saved, error, earned_form)
    saved_with_date = earned_form is not None and not earned_form.errors and not error
    return _panel_response(
        request,
        enrollment,
        milestone,
        status_error=error,
        earned_form=earned_form,
        focus=Status.DONE if saved_with_date else "",
        saved=saved,
    )


def _back_to_dashboard(
    request: HtmxHttpRequest, milestone: Milestone, saved: Saved | None, error: str, form: EarnedOnForm | None
) -> HttpResponse:
    """The dashboard after its "Mark done": the note and its Undo on top, or the refusal beside the form."""
    if saved is not None:
        saved.keep(request)
        return redirect(f"{reverse('tracker:dashboard')}#saved")
    field_error = " ".join(str(e) for e in form.errors.get("earned_on", [])) if form is not None else ""
    message = error or field_error or "Enter the date you earned it."
    anchor = f"mark-done-{milestone.slug}-date"
    return _dashboard_page(
        request,
        status=200 if request.htmx else 400,
        mark_done_error={
            "slug": milestone.slug,
            "message": message,
            "value": request.POST.get(f"m{milestone.pk}-earned-earned_on", ""),
        },
        error_summary=[(f"{milestone.title}: {message}", anchor)],
    )


@login_required
@require_POST
def milestone_undo(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Take back a status change ("Saved · Undo"), through ``tracker.undo``: back to the status and date before.

    A stale Undo (the milestone changed since) or one the domain refuses
    (something built on it is done now) changes nothing and says why.
    """
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    user = _user(request)
    back = "dashboard" if request.POST.get("back") == "dashboard" else ""
    error, saved, focus = "", None, ""
    try:
        change = Undo(
            milestone_id=milestone.pk,
            event_id=int(request.POST.get("event", "")),
            status=request.POST.get("status", ""),
            earned_on=parse_date(request.POST.get("earned_on", "")),
        )
        progress = undo.undo(user, milestone, change, track=enrollment.track)
    except (ValueError, TypeError):  # a hand-made form: no event, or a date that is no day
        error = UndoRefused().messages[0]
    except ValidationError as exc:  # UndoRefused, DependantsDone, PrerequisitesMissing
        error = " ".join(exc.message_dict.get("status", exc.messages))
    else:
        status_label = Status(progress.status).label.lower()
        focus = progress.status
        saved = Saved(
            enrollment_id=enrollment.pk,
            slug=milestone.slug,
            title=milestone.title,
            message=f"“{milestone.title}” is back to {status_label}.",
            back=back,
            heading="Undone.",
        )
    if back:
        if error:
            messages.error(request, f"{milestone.title}: {error}")
            return redirect("tracker:dashboard")
        assert saved is not None
        saved.keep(request)
        return redirect(f"{reverse('tracker:dashboard')}#saved")
    # Focus goes to the status now pressed: the Undo that had it is gone.
    return _panel_response(request, enrollment, milestone, status_error=error, saved=saved, focus=focus)


@login_required
@require_POST
def milestone_details(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Save a milestone's evidence link, notes, target date and date earned; bad input saves nothing.

    Only what changed is written, so saving a note leaves a planned target
    date planned (a date the person types becomes theirs).
    """
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    user = _user(request)
    instance = MilestoneProgress.objects.filter(user=user, milestone=milestone).first() or MilestoneProgress(
        user=user, milestone=milestone
    )
    form = ProgressDetailsForm(request.POST, instance=instance, prefix=f"m{milestone.pk}", today=_today(user))
    if form.is_valid():
        try:
            MilestoneProgress.objects.update_state(
                user, milestone, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as exc:  # a date earned in the future
            if not _domain_errors_onto(form, exc):
                raise
        else:
            saved = Saved(
                enrollment.pk, milestone.slug, milestone.title, message=f"“{milestone.title}”: details saved."
            )
            return _panel_response(request, enrollment, milestone, saved=saved)
    return _panel_response(request, enrollment, milestone, form=form)


@login_required
@require_POST
def milestone_renew(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Record the renewal of a certification (``update_state(renew=True)``): a new earning, kept in its history.

    A renewal before its window opens, of a retired exam, or dated before the
    last earning is refused with the reason beside the form.
    """
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    user = _user(request)
    form = EarnedOnForm(request.POST, prefix=f"m{milestone.pk}-renew", today=_today(user), label="Date renewed")
    error = ""
    if form.is_valid():
        try:
            MilestoneProgress.objects.update_state(
                user, milestone, renew=True, track=enrollment.track, earned_on=form.cleaned_data["earned_on"]
            )
        except ValidationError as exc:
            if not _domain_errors_onto(form, exc):
                error = " ".join(exc.message_dict.get("status", exc.messages))
        else:
            saved = Saved(enrollment.pk, milestone.slug, milestone.title, message=f"Renewed “{milestone.title}”.")
            return _panel_response(request, enrollment, milestone, saved=saved)
    return _panel_response(request, enrollment, milestone, status_error=error, renew_form=form if form.errors else None)


@login_required
@require_POST
def plan_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the track's target date and spread milestone target dates up to it by effort."""
    enrollment = _my_enrollment(request, pk)
    form = PlanDatesForm(request.POST)
    if form.is_valid():
        try:
            plan = planning.plan_dates(enrollment, target_date=form.cleaned_data["target_date"])
        except planning.PlanDoesNotFit as exc:
            form.add_error("target_date", exc.messages[0])
            form.date_that_fits = exc.date_that_fits  # offered as a one-click plan beside the error
        except ValidationError as exc:
            for message in exc.message_dict.get("target_date", exc.messages):
                form.add_error("target_date", message)
        else:
            messages.success(request, planning.summary(plan))
            return redirect("tracker:plan", pk=enrollment.pk)
    enrollment.refresh_from_db()
    return render(request, "tracker/plan.html", _plan_context(request, enrollment, plan_form=form), status=400)


# What each plan status change says, and where it leads.
FOLLOWING: dict[str, str] = {
    EnrollmentStatus.PAUSED: "Paused {track}: no reminders about it until you resume. Your progress stays.",
    EnrollmentStatus.ACTIVE: "Resumed {track}: its reminders are back.",
    EnrollmentStatus.ARCHIVED: "You left {track}. Your progress is kept: follow the track again to pick it up.",
}


@login_required
@require_POST
def following(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause, resume or leave a plan (``Enrollment.change_status``); leaving keeps its history and progress.

    A plan of one's own that was left can be taken up again here (a track's
    plan comes back by following the track again).
    """
    enrollment = get_object_or_404(Enrollment.objects.for_user(_user(request)).select_related("track"), pk=pk)
    if enrollment.status == EnrollmentStatus.ARCHIVED and not enrollment.is_own:
        raise Http404("A plan you left comes back by following its track again.")
    status = request.POST.get("status", "")
    if status not in FOLLOWING:
        messages.error(request, "Choose to pause, resume or leave the plan.")
        return redirect("tracker:plan", pk=enrollment.pk)
    enrollment.change_status(status)
    messages.success(request, FOLLOWING[status].format(track=enrollment.track.name))
    if status == EnrollmentStatus.ARCHIVED:
        return redirect("tracker:dashboard")
    return redirect("tracker:plan", pk=enrollment.pk)


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the read-only shared link on, or revoke it."""
    enrollment = _my_enrollment(request, pk)
    if request.POST.get("share") == "on":
        enrollment.share()
        messages.success(request, "Anyone with the link can now see this plan's progress.")
    else:
        enrollment.unshare()
        messages.success(request, "The shared link no longer works.")
    return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}#share")


# --------------------------------------------------------------------------
# The dashboard's streak: taking a week off
# --------------------------------------------------------------------------


def _dashboard_page(
    request: HttpRequest,
    rest_error: str = "",
    status: int = 200,
    *,
    mark_done_error: dict[str, str] | None = None,
    error_summary: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    board = Dashboard(_user(request))
    return render(
        request,
        "tracker/dashboard.html",
        {
            "plans": board.plans,
            "streak": board.streak,
            "heatmap": board.heatmap,
            "chart": board.chart,
            "chart_total": board.chart_total,
            "today": board.today,
            "rest_error": rest_error,
            "mark_done_error": mark_done_error,
            "error_summary": error_summary or ([(rest_error, "rest-week-error")] if rest_error else []),
            "left": board.left,
        },
        status=status,
    )


@login_required
@require_POST
def rest_week(request: HtmxHttpRequest) -> HttpResponse:
    """Take this week off (``activity.take_rest_week``), or take it back (``action=undo``).

    The form names the week it was shown in, so a page left open past Sunday
    cannot rest the wrong week. A refusal is shown beside the button (with
    htmx, a 200 so the page is swapped in; without, the page with a 400).
    """
    user = _user(request)
    try:
        week = parse_date(request.POST.get("week", ""))
    except ValueError:  # well formed but no such day (2026-02-30)
        week = None
    try:
        if request.POST.get("action") == "undo":
            if activity.undo_rest_week(user, week):
                messages.success(request, "This week is no longer a rest week.")
        else:
            activity.take_rest_week(user, week)
            messages.success(request, "This week is your rest week: your streak carries on next week.")
    except ValidationError as exc:  # RestWeekRefused
        error = " ".join(exc.message_dict.get("week", exc.messages))
        return _dashboard_page(request, rest_error=error, status=200 if request.htmx else 400)
    return redirect(f"{reverse('tracker:dashboard')}#streak")
