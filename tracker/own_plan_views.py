"""The web side of plans of one's own: starting one, adding milestones (personal or from the catalogue), moving,
editing and removing them, renaming the plan.

Each is a plain form POST and a redirect to the plan, at the milestone it
changed; a refusal re-renders the plan page (400) with the error beside the
field and in the summary at the top, and nothing is saved. The rules are the
domain's (``PlanStep``, ``Enrollment.objects.start_own``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .models import Enrollment, Milestone, PlanStep
from .own_plan_forms import CatalogueStepForm, NewPlanForm, PersonalMilestoneForm, RenamePlanForm
from .progress import TrackProgress, track_progress
from .views import (
    _domain_errors_onto,
    _error_summary,
    _my_enrollment,
    _panel,
    _plan_context,
    _user,
    catalogue_milestones,
    edit_form,
)


def _at(enrollment: Enrollment, milestone: Milestone | None = None) -> HttpResponse:
    anchor = f"#m-{milestone.slug}" if milestone is not None else "#milestones-heading"
    return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}{anchor}")


def _refused(request: HttpRequest, enrollment: Enrollment, **forms: Form) -> HttpResponse:
    return render(request, "tracker/plan.html", _plan_context(request, enrollment, None, **forms), status=400)


def _own_step(enrollment: Enrollment, slug: str) -> PlanStep:
    try:
        return enrollment.own_step(slug)
    except PlanStep.DoesNotExist:
        raise Http404("No milestone of yours by that name in this plan.") from None


@login_required
@require_http_methods(["GET", "POST"])
def new_plan(request: HttpRequest) -> HttpResponse:
    """Start a plan of one's own: empty, or with a track's milestones to shape as one likes."""
    form = NewPlanForm(request.POST or None, initial={"from_track": request.GET.get("from")})
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = Enrollment.objects.start_own(
                _user(request), form.cleaned_data["title"], from_track=form.cleaned_data["from_track"]
            )
        except ValidationError as exc:
            _domain_errors_onto(form, exc)
        else:
            messages.success(
                request, f"Your plan “{enrollment.track.name}” is ready: add, remove and order its milestones."
            )
            return redirect("tracker:plan", pk=enrollment.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "form_errors": _error_summary([], None, [("", form)])}
    return render(request, "tracker/new_plan.html", context, status=status)


@login_required
@require_POST
def add_personal(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a milestone of one's own to the plan, where the person put it, with what it needs first."""
    enrollment = _my_enrollment(request, pk)
    progress = track_progress(enrollment)
    form = PersonalMilestoneForm(request.POST, items=progress.items, prefix="new")
    if form.is_valid():
        try:
            step = PlanStep.objects.add_personal(
                enrollment, **form.fields_for_domain(), prerequisites=form.chosen_prerequisites(), after=form.place()
            )
        except ValidationError as exc:
            _put_on(form, exc)
        else:
            messages.success(request, f"Added “{step.milestone.title}” to your plan.")
            return _at(enrollment, step.milestone)
    return _refused(request, enrollment, personal_form=form)


@login_required
@require_POST
def add_from_catalogue(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a catalogue milestone into a plan of one's own."""
    enrollment = _my_enrollment(request, pk)
    if not enrollment.is_own:
        raise Http404("A track's plan takes its milestones from the track.")
    progress = track_progress(enrollment)
    form = CatalogueStepForm(request.POST, items=progress.items, catalogue=catalogue_milestones(), prefix="add")
    if form.is_valid():
        milestone = Milestone.objects.on_published_ladders().get(slug=form.cleaned_data["milestone"])
        try:
            PlanStep.objects.add(enrollment, milestone, after=form.place())
        except ValidationError as exc:
            _put_on(form, exc)
        else:
            messages.success(request, f"Added “{milestone.title}” to your plan.")
            return _at(enrollment, milestone)
    return _refused(request, enrollment, catalogue_form=form)


@login_required
@require_POST
def edit_personal(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Change a milestone of one's own: its title, kind, effort, description and what it needs first."""
    enrollment = _my_enrollment(request, pk)
    step = _own_step(enrollment, slug)
    if not step.milestone.is_personal:
        raise Http404("Only a milestone of your own can be edited.")
    progress = track_progress(enrollment)
    form = edit_form(progress, step.milestone, request.POST)
    if form.is_valid():
        try:
            step.update_personal(prerequisites=form.chosen_prerequisites(), **form.fields_for_domain())
        except ValidationError as exc:
            _put_on(form, exc)
        else:
            messages.success(request, f"Saved “{step.milestone.title}”.")
            return _at(enrollment, step.milestone)
    return _refused_panel(request, enrollment, progress, step.milestone, form)


@login_required
@require_POST
def move(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Move one of the person's own steps one place up or down the plan (past a ladder step too)."""
    enrollment = _my_enrollment(request, pk)
    step = _own_step(enrollment, slug)
    items = track_progress(enrollment).items
    here = next(n for n, item in enumerate(items) if item.milestone.pk == step.milestone_id)
    direction = request.POST.get("direction")
    if direction == "up" and here > 0:
        step.move(items[here - 2].milestone if here >= 2 else None)
    elif direction == "down" and here < len(items) - 1:
        step.move(items[here + 1].milestone)
    return _at(enrollment, step.milestone)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Take a step the person added out of the plan; what they recorded on it stays in their history."""
    enrollment = _my_enrollment(request, pk)
    step = _own_step(enrollment, slug)
    title = step.milestone.title
    step.remove()
    messages.success(request, f"Removed “{title}” from this plan.")
    return _at(enrollment)


@login_required
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _my_enrollment(request, pk)
    form = RenamePlanForm(request.POST, prefix="rename")
    if form.is_valid():
        try:
            enrollment.rename(form.cleaned_data["title"])
        except ValidationError as exc:
            _put_on(form, exc)
        else:
            messages.success(request, f"Renamed the plan “{enrollment.track.name}”.")
            return redirect("tracker:plan", pk=enrollment.pk)
    return _refused(request, enrollment, rename_form=form)


def _put_on(form: PersonalMilestoneForm | CatalogueStepForm | RenamePlanForm, exc: ValidationError) -> None:
    """The domain's refusal beside the form's fields, or at the top of the form when it names none of them."""
    if not _domain_errors_onto(form, exc):
        form.add_error(None, exc.messages)


def _refused_panel(
    request: HttpRequest,
    enrollment: Enrollment,
    progress: TrackProgress,
    milestone: Milestone,
    form: PersonalMilestoneForm,
) -> HttpResponse:
    item = next(i for i in progress.items if i.milestone.pk == milestone.pk)
    panel = _panel(item, _user(request))
    panel.edit_form = form
    return render(
        request, "tracker/plan.html", _plan_context(request, enrollment, panels={milestone.pk: panel}), status=400
    )
