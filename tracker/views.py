"""The web UI: public pages, the signed-in plan pages and the inbox.

Views translate between HTTP and the domain (``tracker.models``,
``tracker.progress``, ``tracker.rolefit``) and hold no rules of their own.
Every interaction is a plain form POST followed by a redirect, so it works
with JavaScript off; when htmx sent the request (``request.htmx``) the view
answers with the partial to swap in place instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.models import User

from . import planning
from .forms import PlanDatesForm, ProgressDetailsForm, RoleFitQuizForm
from .models import (
    CareerLevel,
    CareerTrack,
    Category,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    Resource,
    Status,
)
from .progress import EXPIRED, Dashboard, StepState, TrackProgress, steps_for_tracks, track_progress
from .rolefit import Fit, rank_tracks

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


def _published_tracks() -> list[CareerTrack]:
    return list(CareerTrack.objects.published())


@dataclass
class MapBubble:
    """One track drawn on the map of roles."""

    track: CareerTrack
    number: int
    x: float
    y: float
    r: float


# The chart's drawing box, in SVG user units; the SVG scales to its container.
MAP_W, MAP_H, MAP_PAD, MAP_TOP = 520, 410, 50, 14


def _map_point(se_skill: float, ml_knowledge: float) -> tuple[float, float]:
    """SVG coordinates of a (software engineering, machine learning) pair on the 1..5 axes."""
    # The axes run from 0.5 to 5.5 so bubbles at 1 or 5 stay inside the frame.
    x = MAP_PAD + (se_skill - 0.5) / 5 * (MAP_W - 2 * MAP_PAD)
    y = MAP_H - MAP_PAD - (ml_knowledge - 0.5) / 5 * (MAP_H - MAP_PAD - MAP_TOP)
    return round(x, 1), round(y, 1)


def role_map(tracks: list[CareerTrack]) -> dict[str, Any]:
    """Geometry of the map of roles: a bubble per track, numbered for the legend.

    Tracks on the same grid point (the ML-engineer specialisations share some)
    are stacked around it so each stays visible and clickable.
    """
    at_point = Counter((t.se_skill, t.ml_knowledge) for t in tracks)
    seen: Counter[tuple[int, int]] = Counter()
    bubbles = []
    for number, track in enumerate(tracks, start=1):
        key = (track.se_skill, track.ml_knowledge)
        x, y = _map_point(*key)
        if at_point[key] > 1:
            # Spread vertically around the point, 34 units apart.
            y += (seen[key] - (at_point[key] - 1) / 2) * 34
            seen[key] += 1
        bubbles.append(MapBubble(track, number, x, round(y, 1), 9 + 3 * track.communication_weight))
    ticks = [{"value": v, "x": _map_point(v, 1)[0], "y": _map_point(1, v)[1]} for v in range(1, 6)]
    return {
        "bubbles": bubbles,
        "ticks": ticks,
        "width": MAP_W,
        "height": MAP_H,
        "pad": MAP_PAD,
        "left": MAP_PAD,
        "right": MAP_W - MAP_PAD,
        "top": MAP_TOP,
        "bottom": MAP_H - MAP_PAD,
        "plot_w": MAP_W - 2 * MAP_PAD,
        "plot_h": MAP_H - MAP_PAD - MAP_TOP,
        "mid_x": MAP_W / 2,
        "mid_y": (MAP_H - MAP_PAD + MAP_TOP) / 2,
    }


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


@require_GET
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A track's ladder by career level, with salary bands, milestones and an Enroll button."""
    track = get_object_or_404(
        CareerTrack.objects.published()
        .select_related("parent")
        .prefetch_related(
            Prefetch("levels", queryset=CareerLevel.objects.order_by("order")),
            Prefetch("specialisations", queryset=CareerTrack.objects.published()),
        ),
        slug=slug,
    )
    steps = steps_for_tracks([track.pk])[track.pk]
    resources: dict[int, list[Resource]] = {}
    for res in Resource.objects.filter(milestone__in=[s.milestone_id for s in steps]):
        resources.setdefault(res.milestone_id, []).append(res)
    by_level: dict[int | None, list] = {}
    for step in steps:
        by_level.setdefault(step.level_id, []).append(
            {"step": step, "milestone": step.milestone, "resources": resources.get(step.milestone_id, [])}
        )
    levels = [{"level": lvl, "steps": by_level.pop(lvl.pk, [])} for lvl in track.levels.all()]
    by_category: dict[str, list[LadderStep]] = {}
    for step in steps:
        by_category.setdefault(step.milestone.category, []).append(step)
    enrollment = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.for_user(_user(request)).current().filter(track=track).first()
    return render(
        request,
        "tracker/track_detail.html",
        {
            "track": track,
            "levels": levels,
            "unlevelled": by_level.pop(None, []),
            "total_effort": sum(s.milestone.effort_weeks for s in steps),
            "step_count": len(steps),
            # The same milestones grouped by kind, in catalogue order of categories.
            "categories": [(c.value, c.label, by_category[c.value]) for c in Category if c.value in by_category],
            "enrollment": enrollment,
        },
    )


@require_GET
def quiz(request: HttpRequest) -> HttpResponse:
    """The role-fit quiz; answered, it places the person on the map and ranks the tracks."""
    form = RoleFitQuizForm(request.GET or None)
    fits: list[Fit] = []
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        answers = form.answers()
        fits = rank_tracks(answers, _published_tracks())
        tracks_map = role_map([f.track for f in sorted(fits, key=lambda f: (f.track.order, f.track.name))])
        tracks_map["you"] = dict(zip(("x", "y"), _map_point(answers.se_skill, answers.ml_knowledge), strict=True))
        context.update(fits=fits, map=tracks_map)
    return render(request, "tracker/quiz.html", context)


@require_POST
def enroll(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a track (idempotent) and go to its plan."""
    track = get_object_or_404(CareerTrack.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(track.get_absolute_url())
    enrollment, _ = Enrollment.objects.enroll(_user(request), track)
    messages.success(request, f"You are following {track.name}.")
    return redirect("tracker:plan", pk=enrollment.pk)


@require_GET
@cache_control(no_store=True, private=True)  # a person's progress: no proxy or browser cache keeps it
def shared_plan(request: HttpRequest, token: str) -> HttpResponse:
    """A plan shared read-only by its owner: the track and progress, never the email."""
    enrollment = get_object_or_404(Enrollment.objects.current().select_related("track", "user"), share_token=token)
    progress = track_progress(enrollment)
    return render(
        request,
        "tracker/shared_plan.html",
        {"enrollment": enrollment, "progress": progress, "owner_name": enrollment.user.display_name},
    )


# --------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every current plan with its progress, next steps, dates, the streak and a chart (``progress.Dashboard``)."""
    board = Dashboard(_user(request))
    return render(
        request,
        "tracker/dashboard.html",
        {
            "plans": board.plans,
            "streak": board.streak_weeks,
            "chart": board.chart,
            "chart_total": board.chart_total,
            "today": board.today,
        },
    )


# --------------------------------------------------------------------------
# A plan: milestone panels, planning, sharing
# --------------------------------------------------------------------------


# The status buttons of a milestone panel, in the order shown.
STATUS_ACTIONS = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.SKIPPED]


@dataclass
class Panel:
    """A milestone panel: the step's state, its details form and any error to show."""

    item: StepState
    form: ProgressDetailsForm
    status_error: str = ""

    @property
    def status_label(self) -> str:
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


def _panel(item: StepState, user: User, form: ProgressDetailsForm | None = None, status_error: str = "") -> Panel:
    instance = item.progress or MilestoneProgress(user=user, milestone=item.milestone)
    return Panel(
        item=item,
        form=form or ProgressDetailsForm(instance=instance, prefix=f"m{item.milestone.pk}"),
        status_error=status_error,
    )


def _plan_context(
    request: HttpRequest, enrollment: Enrollment, panels: dict[int, Panel] | None = None, **extra: Any
) -> dict[str, Any]:
    user = _user(request)
    progress = track_progress(enrollment)
    panels = panels or {}
    return {
        "enrollment": enrollment,
        "progress": progress,
        "panels": [panels.get(item.milestone.pk) or _panel(item, user) for item in progress.items],
        "plan_form": PlanDatesForm(initial={"target_date": enrollment.target_date}),
        "share_url": request.build_absolute_uri(reverse("tracker:shared", args=[enrollment.share_token]))
        if enrollment.share_token
        else "",
        "statuses": Status,
        **extra,
    }


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """One plan: progress, the milestone panels, planning and sharing."""
    enrollment = _my_enrollment(request, pk)
    return render(request, "tracker/plan.html", _plan_context(request, enrollment))


def _step(enrollment: Enrollment, slug: str) -> LadderStep:
    return get_object_or_404(LadderStep.objects.ladder(), track=enrollment.track, milestone__slug=slug)


def _panel_response(
    request: HtmxHttpRequest,
    enrollment: Enrollment,
    milestone: Milestone,
    *,
    form: ProgressDetailsForm | None = None,
    status_error: str = "",
) -> HttpResponse:
    """After a change: the panel and the progress summary (htmx), else the page or a redirect."""
    failed = bool(status_error) or (form is not None and form.errors)
    if not request.htmx and not failed:
        return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}#m-{milestone.slug}")
    user = _user(request)
    progress: TrackProgress = track_progress(enrollment)
    item = next(i for i in progress.items if i.milestone.pk == milestone.pk)
    panel = _panel(item, user, form=form, status_error=status_error)
    if request.htmx:
        return render(
            request,
            "tracker/includes/milestone_panel_swap.html",
            {"panel": panel, "enrollment": enrollment, "progress": progress, "statuses": Status},
        )
    context = _plan_context(request, enrollment, panels={milestone.pk: panel})
    return render(request, "tracker/plan.html", context, status=400)


@login_required
@require_POST
def milestone_status(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Change a milestone's status in one click; missing prerequisites are named inline."""
    enrollment = _my_enrollment(request, pk)
    step = _step(enrollment, slug)
    error = ""
    try:
        MilestoneProgress.objects.update_state(
            _user(request), step.milestone, status=request.POST.get("status", ""), track=enrollment.track
        )
    except ValidationError as exc:  # PrerequisitesMissing is one
        error = " ".join(exc.message_dict.get("status", exc.messages))
    if request.POST.get("back") == "dashboard":
        # From the dashboard's "next up": back to it (htmx swaps its main region in place).
        if error:
            messages.error(request, f"{step.milestone.title}: {error}")
        return redirect("tracker:dashboard")
    return _panel_response(request, enrollment, step.milestone, status_error=error)


@login_required
@require_POST
def milestone_details(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Save a milestone's evidence link, notes and target date; bad input saves nothing."""
    enrollment = _my_enrollment(request, pk)
    step = _step(enrollment, slug)
    user = _user(request)
    instance = MilestoneProgress.objects.filter(user=user, milestone=step.milestone).first() or MilestoneProgress(
        user=user, milestone=step.milestone
    )
    form = ProgressDetailsForm(request.POST, instance=instance, prefix=f"m{step.milestone.pk}")
    if form.is_valid():
        MilestoneProgress.objects.update_state(user, step.milestone, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, f"Saved “{step.milestone.title}”.")
        return _panel_response(request, enrollment, step.milestone)
    return _panel_response(request, enrollment, step.milestone, form=form)


@login_required
@require_POST
def plan_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the track's target date and spread milestone target dates up to it by effort."""
    enrollment = _my_enrollment(request, pk)
    form = PlanDatesForm(request.POST)
    if form.is_valid():
        try:
            planned = planning.plan_dates(enrollment, target_date=form.cleaned_data["target_date"])
        except ValidationError as exc:
            for message in exc.message_dict.get("target_date", exc.messages):
                form.add_error("target_date", message)
        else:
            messages.success(request, f"Planned {len(planned)} target date{'s' if len(planned) != 1 else ''}.")
            return redirect("tracker:plan", pk=enrollment.pk)
    enrollment.refresh_from_db()
    return render(request, "tracker/plan.html", _plan_context(request, enrollment, plan_form=form), status=400)


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
