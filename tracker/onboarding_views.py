"""Starting a plan: confirming the enrolment a visitor chose before signing up, and "What do you already have?".

A person who chose a track while signed out comes back from sign-up (and
the confirmation of their address) to ``start``: the track, what it holds,
where their quiz placed it, and one button that enrols (a POST to
``views.enroll``). A first plan for a track then opens ``already_have``: the
plan's milestones as a checklist, each with the date it was earned, so the
plan starts where the person is rather than at 0%. Ticked milestones are
marked done through ``MilestoneProgress.objects.update_state`` in ladder
order, so a prerequisite ticked in the same submit counts; one the domain
refuses is named beside its row and in the summary, and the others are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import QuizResult, User

from .models import (
    CareerTrack,
    Category,
    Enrollment,
    EnrollmentStatus,
    MilestoneProgress,
    PrerequisitesMissing,
    Status,
)
from .progress import EXPIRED, StepState, effort_in_words, starting_units, steps_for_tracks, track_progress


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def is_first_plan(user: User, track: CareerTrack) -> bool:
    """Whether the plan just made is ``user``'s first for ``track`` (not one left and taken up again)."""
    return Enrollment.objects.for_user(user).filter(track=track).count() == 1


def start(request: HttpRequest, track: CareerTrack) -> HttpResponse:
    """The page a person lands on after signing up to follow ``track``: what it holds, and the Enroll button."""
    user = _user(request)
    units = starting_units(steps_for_tracks([track.pk])[track.pk])
    quiz = QuizResult.objects.filter(user=user).first()
    place = quiz.rank_of(track.slug) if quiz else None
    reasons = quiz.ranking[place - 1].get("reasons", []) if quiz and place else []
    return render(
        request,
        "tracker/onboarding_start.html",
        {
            "track": track,
            "unit_count": len(units),
            "effort": effort_in_words(sum(u.effort_weeks for u in units)),
            "quiz": quiz,
            "quiz_place": place,
            "quiz_reasons": reasons,
        },
    )


class AlreadyHaveForm(forms.Form):
    """One milestone of the checklist: "I have this", and when it was earned (today unless said otherwise)."""

    have = forms.BooleanField(required=False)
    earned_on = forms.DateField(required=False, label="Earned on")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["earned_on"].initial = today
        self.fields["earned_on"].widget = forms.DateInput(
            attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
        )

    def clean_earned_on(self) -> date:
        # Left empty, it is today: ticking the box is enough.
        earned_on: date | None = self.cleaned_data.get("earned_on")
        if earned_on is not None and earned_on > self.today:
            raise ValidationError("The date earned cannot be in the future.", code="in_future")
        return earned_on or self.today


@dataclass
class Row:
    """One milestone on the page: its state, and its form unless it is done already."""

    item: StepState
    form: AlreadyHaveForm | None
    error: str = ""

    @property
    def anchor(self) -> str:
        return self.form["have"].auto_id if self.form is not None else f"have-{self.item.milestone.slug}"


@dataclass
class Section:
    """The rows of one kind of milestone (degrees, experience, certifications...), in ladder order."""

    label: str
    rows: list[Row] = field(default_factory=list)


def _rows(items: list[StepState], today: date, data: QueryDict | None, errors: dict[int, str]) -> list[Row]:
    rows = []
    for item in items:
        done = item.status == Status.DONE
        form = None if done else AlreadyHaveForm(data, prefix=f"m{item.milestone.pk}", today=today)
        error = errors.get(item.milestone.pk, "")
        if form is not None and error:
            # The refusal is the domain's, not the form's: tie it to the checkbox by hand.
            form.fields["have"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"have-{item.milestone.slug}-error"}
            )
        rows.append(Row(item=item, form=form, error=error))
    return rows


def _sections(rows: list[Row]) -> list[Section]:
    by_category: dict[str, Section] = {c.value: Section(label=str(c.label)) for c in Category}
    for row in rows:
        by_category[row.item.milestone.category].rows.append(row)
    return [s for s in by_category.values() if s.rows]


def _mark_done(user: User, enrollment: Enrollment, rows: list[Row]) -> tuple[int, dict[int, str]]:
    """Mark every ticked row done, in ladder order; returns how many were, and the refusals by milestone id."""
    marked, refused = 0, {}
    for row in rows:  # ladder order: a prerequisite ticked above is done before what needs it
        if row.form is None:
            continue
        if not row.form.is_valid():
            refused[row.item.milestone.pk] = " ".join(str(e) for e in row.form.errors.get("earned_on", []))
            continue
        if not row.form.cleaned_data["have"]:
            continue
        try:
            MilestoneProgress.objects.update_state(
                user,
                row.item.milestone,
                status=Status.DONE,
                earned_on=row.form.cleaned_data["earned_on"],
                track=enrollment.track,
            )
        except PrerequisitesMissing as exc:
            names = ", ".join(m.title for m in exc.missing)
            refused[row.item.milestone.pk] = (
                f"It builds on {names}: tick that too if you have it, or leave this for later."
            )
        except ValidationError as exc:
            refused[row.item.milestone.pk] = " ".join(exc.messages)
        else:
            marked += 1
    return marked, refused


@login_required
@require_http_methods(["GET", "POST"])
def already_have(request: HttpRequest, pk: int) -> HttpResponse:
    """ "What do you already have?": tick milestones earned before the plan, each with its date; or start from zero."""
    user = _user(request)
    enrollment = get_object_or_404(Enrollment.objects.for_user(user).current().select_related("track"), pk=pk)
    today = timezone.localdate(timezone.now(), user.tzinfo)
    refused: dict[int, str] = {}
    marked = 0
    if request.method == "POST":
        rows = _rows(track_progress(enrollment).items, today, request.POST, {})
        marked, refused = _mark_done(user, enrollment, rows)
        if not refused:
            return _done(request, enrollment, marked)
    progress = track_progress(enrollment)
    # Rows the domain refused keep what was typed; those just marked done show as done.
    rows = _rows(progress.items, today, request.POST if refused else None, refused)
    error_summary = [(f"{r.item.milestone.title}: {r.error}", r.anchor) for r in rows if r.error]
    if marked:
        messages.success(request, f"{_milestones(marked)} marked done. The rest need a look.")
    return render(
        request,
        "tracker/onboarding.html",
        {
            "enrollment": enrollment,
            "progress": progress,
            "sections": _sections(rows),
            "today": today,
            "error_summary": error_summary,
            "expired": EXPIRED,
            "paused": enrollment.status == EnrollmentStatus.PAUSED,
        },
        status=400 if refused else 200,
    )


def _milestones(count: int) -> str:
    return f"{count} milestone{'s' if count != 1 else ''}"


def _done(request: HttpRequest, enrollment: Enrollment, marked: int) -> HttpResponse:
    if marked:
        percent = track_progress(enrollment).percent
        messages.success(request, f"{_milestones(marked)} marked done: your plan starts at {percent}%.")
    else:
        messages.info(request, "Nothing ticked: your plan starts from zero.")
    return redirect("tracker:plan", pk=enrollment.pk)
