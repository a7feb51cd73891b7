"""The plan page's "Proof" part: attach a badge, check it again, remove it.

Plain form POSTs answered with a redirect to the milestone's panel (POST,
redirect, GET), so they work with JavaScript off; a refusal shows the plan
again with the error beside the field and in the summary at the top. With
htmx the answer is the Proof part alone, swapped in place, with the error
summary out of band. The rules are ``credentials.proof``'s.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from tracker.models import Enrollment, LadderStep, Milestone, MilestoneProgress
from tracker.views import _plan_context  # the plan page as the tracker renders it, to show a refusal on

from . import proof
from .forms import BadgeForm, form_prefix
from .models import Badge


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def _plan_and_milestone(request: HttpRequest, pk: int, slug: str) -> tuple[Enrollment, Milestone]:
    """The signed-in person's current plan ``pk`` and its milestone ``slug``; anything else is a 404."""
    plans = Enrollment.objects.for_user(_user(request)).current().select_related("track")
    enrollment = get_object_or_404(plans, pk=pk)
    try:
        return enrollment, enrollment.milestone_in_plan(slug)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone in this plan.") from None


def _badge(request: HttpRequest, milestone: Milestone, badge_id: int) -> Badge:
    """One of the person's own badges on ``milestone``; anyone else's is a 404."""
    return get_object_or_404(Badge.objects.of(_user(request)), milestone=milestone, pk=badge_id)


def _answer(
    request: HttpRequest,
    enrollment: Enrollment,
    milestone: Milestone,
    *,
    form: BadgeForm | None = None,
    focus: int | str | None = None,
) -> HttpResponse:
    """After a change: the Proof part (htmx), a redirect to the panel, or the plan with the refusal (400)."""
    summary = _error_summary(milestone, form) if form is not None else []
    htmx = bool(getattr(request, "htmx", False))
    if not htmx and not summary:
        return redirect(f"{reverse('tracker:plan', args=[enrollment.pk])}#m-{milestone.slug}-proof")
    marks: dict[str, Any] = {"badge_form": form, "badge_form_for": milestone.pk, "error_summary": summary}
    if not htmx:
        return render(request, "tracker/plan.html", _plan_context(request, enrollment, **marks), status=400)
    in_group = LadderStep.objects.filter(
        track_id=enrollment.track_id, milestone=milestone, choice_group__isnull=False
    ).exists()
    evidence = MilestoneProgress.objects.filter(user=enrollment.user_id, milestone=milestone).values_list(
        "evidence_url", flat=True
    )
    context = {
        "milestone": milestone,
        "enrollment": enrollment,
        "proof_heading": "h5" if in_group else "h4",
        "proof_evidence": evidence.first() or "",
        "badge_focus": focus,
        "oob": True,
        **marks,
    }
    # The Proof part first (the swap's target), then the summary out of band.
    parts = ("credentials/includes/proof.html", "tracker/includes/error_summary.html")
    return HttpResponse("".join(render_to_string(name, context, request) for name in parts))


def _error_summary(milestone: Milestone, form: BadgeForm) -> list[tuple[str, str]]:
    found = []
    for name, errors in form.errors.items():
        where = form[name].auto_id if name in form.fields else f"m-{milestone.slug}-proof"
        found.append((f"{milestone.title}, badge: {' '.join(map(str, errors))}", where))
    return found


@login_required
@require_POST
def add(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Check a badge (a pasted URL or an uploaded image) and attach it to the milestone, whatever the result."""
    enrollment, milestone = _plan_and_milestone(request, pk, slug)
    form = BadgeForm(request.POST, request.FILES, prefix=form_prefix(milestone))
    if not form.is_valid():
        return _answer(request, enrollment, milestone, form=form)
    try:
        badge = proof.attach(_user(request), milestone, url=form.cleaned_data["url"], image=form.cleaned_data["image"])
    except ValidationError as exc:  # an unsafe URL, no badge image, already attached, not in a plan
        about = "image" if form.cleaned_data["image"] is not None else "url"
        refusals = exc.error_dict if hasattr(exc, "error_dict") else {about: exc.error_list}
        for field, errors in refusals.items():
            form.add_error(field if field in form.fields else None, errors)
        return _answer(request, enrollment, milestone, form=form)
    if not getattr(request, "htmx", False):
        messages.success(request, f"Checked “{badge.badge_name or milestone.title}”: {badge.state_label.lower()}.")
    return _answer(request, enrollment, milestone, focus=badge.pk)


@login_required
@require_POST
def check_again(request: HttpRequest, pk: int, slug: str, badge_id: int) -> HttpResponse:
    """Check the badge against its issuer now; the result (and any bad news) is as for the scheduled check."""
    enrollment, milestone = _plan_and_milestone(request, pk, slug)
    badge = proof.check_again(_badge(request, milestone, badge_id))
    if not getattr(request, "htmx", False):
        messages.success(request, f"Checked “{badge.badge_name or milestone.title}”: {badge.state_label.lower()}.")
    return _answer(request, enrollment, milestone, focus=badge.pk)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, slug: str, badge_id: int) -> HttpResponse:
    """Remove the badge from the milestone (its record goes too)."""
    enrollment, milestone = _plan_and_milestone(request, pk, slug)
    badge = _badge(request, milestone, badge_id)
    name = badge.badge_name or "The badge"
    badge.delete()
    if not getattr(request, "htmx", False):
        messages.success(request, f"Removed “{name}” from {milestone.title}.")
    return _answer(request, enrollment, milestone, focus="heading")
