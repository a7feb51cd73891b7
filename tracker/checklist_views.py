"""The plan page's checklists: tick an item, add one's own, remove it.

Plain form POSTs answered with a redirect to the milestone's panel, so they
work with JavaScript off; with htmx the answer is the checklist to swap in
place and the plan's progress summary out of band, or the whole panel when
a tick moved the milestone to in progress (its status and buttons change).
The rules are ``tracker.checklists``'; these views only translate.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from . import checklists
from .models import ChecklistItem, Enrollment, Milestone
from .progress import track_progress
from .views import HtmxHttpRequest, Saved, _milestone, _my_enrollment, _panel, _panel_response, _plan_context, _user


def _item(request: HtmxHttpRequest, milestone: Milestone, item_id: int) -> ChecklistItem:
    """An item of ``milestone`` the signed-in person may see; anyone else's is a 404."""
    items = ChecklistItem.objects.visible_to(_user(request)).select_related("milestone")
    return get_object_or_404(items, milestone=milestone, pk=item_id)


def _checklist_response(
    request: HtmxHttpRequest,
    enrollment: Enrollment,
    milestone: Milestone,
    *,
    started: bool = False,
    error: str = "",
    title: str = "",
    focus: bool = False,
    adding: bool = False,
) -> HttpResponse:
    """After a change: the checklist and summary (htmx), else a redirect to the panel, or the page with the error."""
    if not request.htmx and not error:
        # The page that comes back opens this panel and says so (``Saved``), as after any change.
        Saved(enrollment.pk, milestone.slug, milestone.title, message="Checklist updated.").keep(request)
        return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}#m-{milestone.slug}")
    if started:
        # The status, its buttons, a choice group's other options and what
        # needs this milestone first may all change: the panel's own answer
        # (a swap of the whole panel, the rest out of band) says so, aimed at
        # the panel rather than the checklist the request came from.
        return retarget(reswap(_panel_response(request, enrollment, milestone), "outerHTML"), f"#m-{milestone.slug}")
    progress = track_progress(enrollment)
    unit = next(u for u in progress.units if any(i.milestone.pk == milestone.pk for i in u.items))
    item = next(i for i in unit.items if i.milestone.pk == milestone.pk)
    panel = _panel(item, _user(request), unit=unit)
    # Which panel's add form shows the error, keeps what was typed, stays open or takes the focus.
    mark: dict[str, Any] = {
        "checklist_for": milestone.pk,
        "checklist_error": error,
        "checklist_title": title,
        "checklist_focus": focus,
        "checklist_adding": adding,
        "error_summary": [(f"{milestone.title}: {error}", f"m-{milestone.slug}-new-item")] if error else [],
    }
    if not request.htmx:
        context = _plan_context(request, enrollment, {milestone.pk: panel}, **mark)
        return render(request, "tracker/plan.html", context, status=400)
    context = {"panel": panel, "enrollment": enrollment, "progress": progress, "oob": True, **mark}
    parts = ("checklist.html", "progress_summary.html", "error_summary.html")
    # The checklist first (the swap's target), then the summaries out of band (``oob``; the checklist ignores it).
    return HttpResponse("".join(render_to_string(f"tracker/includes/{part}", context, request) for part in parts))


def _message(exc: ValidationError) -> str:
    return " ".join(exc.message_dict.get("title", exc.messages) if hasattr(exc, "error_dict") else exc.messages)


@login_required
@require_POST
def tick(request: HtmxHttpRequest, pk: int, slug: str, item_id: int) -> HttpResponse:
    """Tick (``done=true``) or untick an item; a tick on a milestone not started starts it."""
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    ticked = checklists.set_done(_user(request), _item(request, milestone, item_id), request.POST.get("done") == "true")
    return _checklist_response(request, enrollment, milestone, started=ticked.started)


@login_required
@require_POST
def add(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    """Add an item of one's own; a blank or long title, or a full checklist, is named beside the field."""
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    title = request.POST.get("title", "")
    try:
        checklists.add_item(_user(request), milestone, title)
    except ValidationError as exc:  # ChecklistFull and NotInPlan are ones
        return _checklist_response(request, enrollment, milestone, error=_message(exc), title=title)
    # The add form stays open, focused, for the next step.
    return _checklist_response(request, enrollment, milestone, adding=True)


@login_required
@require_POST
def remove(request: HtmxHttpRequest, pk: int, slug: str, item_id: int) -> HttpResponse:
    """Remove an item of one's own (it stays in the history of ticks); an editors' item is refused."""
    enrollment = _my_enrollment(request, pk)
    milestone = _milestone(enrollment, slug)
    try:
        checklists.remove_item(_user(request), _item(request, milestone, item_id))
    except ValidationError as exc:  # NotOwnItem
        return _checklist_response(request, enrollment, milestone, error=_message(exc))
    # Its button is gone: focus moves to the checklist's count, which says what is left.
    return _checklist_response(request, enrollment, milestone, focus=True)
