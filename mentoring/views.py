"""The mentors' web pages: the learner's "Mentors", the invitation, the mentor's mentees and a shared plan.

Every mentorship is looked up through ``Mentorship.objects.involving(user)``:
an ended one, or anyone else's, is simply not found (404), so a former
mentor sees nothing from the moment it ends. None of these pages is cached.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from growth.forms import SkillRatingForm
from tracker.models import Enrollment, Milestone
from tracker.progress import track_progress

from . import mentorships
from .forms import CommentForm, InviteForm, ReviewForm, ReviewRequestForm, SharingForm
from .mentees import mentees_of
from .models import Invite, Mentorship, Refused, Review

private = cache_control(no_store=True, private=True)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _mentorship(request: HttpRequest, pk: int) -> Mentorship:
    found = Mentorship.objects.involving(_user(request)).select_related("learner", "mentor").filter(pk=pk).first()
    if found is None:
        raise Http404("No such mentorship.")
    return found


def _errors_onto(form: forms.BaseForm, error: ValidationError) -> None:
    """The domain's refusal beside its field when the form has it, else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def error_summary(*forms_: forms.BaseForm | None) -> list[tuple[str, str]]:
    """(message, id of what it is about) for every error of ``forms_``: the page's summary at the top."""
    found = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else "main"
            label = form.fields[name].label if name in form.fields else ""
            found += [(f"{label}: {e}" if label else str(e), anchor) for e in errors]
    return found


# --------------------------------------------------------------------------
# The learner's side
# --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@private
def mentors(request: HttpRequest) -> HttpResponse:
    """Invite a mentor; the invitations waiting; each mentor, what they see (changeable), and ending it."""
    learner = _user(request)
    form = InviteForm(request.POST if request.method == "POST" else None, learner=learner, prefix="invite")
    if request.method == "POST" and form.is_valid():
        try:
            mentorships.invite(
                learner,
                form.cleaned_data["email"],
                share_all=form.share_all,
                plans=list(form.cleaned_data["plans"]),
                message=form.cleaned_data["message"],
            )
        except ValidationError as refusal:
            _errors_onto(form, refusal)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}. It works for 7 days.")
            return redirect("mentoring:mentors")
    return render(
        request, "mentoring/mentors.html", _mentors_context(learner, form), status=400 if form.errors else 200
    )


def _mentors_context(learner: User, form: InviteForm, refused: tuple[int, SharingForm] | None = None) -> dict[str, Any]:
    active = list(Mentorship.objects.active_for_learner(learner).select_related("mentor").prefetch_related("plans"))
    sharing = []
    for mentorship in active:
        if refused and refused[0] == mentorship.pk:
            sharing_form = refused[1]
        else:
            initial = {"share": "all" if mentorship.share_all else "some", "plans": list(mentorship.plans.all())}
            sharing_form = SharingForm(initial=initial, learner=learner, prefix=f"share-{mentorship.pk}")
        sharing.append((mentorship, sharing_form, list(mentorship.visible_plans())))
    return {
        "form": form,
        "sharing": sharing,
        "invites": list(Invite.objects.sent_by(learner).pending().order_by("-created_at")),
        "error_summary": error_summary(form, refused[1] if refused else None),
    }


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invite = get_object_or_404(Invite.objects.sent_by(_user(request)), pk=pk)
    if invite.withdraw():
        messages.success(request, f"Invitation to {invite.email} withdrawn: its link no longer works.")
    else:
        messages.info(request, f"The invitation to {invite.email} was {invite.get_state_display().lower()} already.")
    return redirect("mentoring:mentors")


@login_required
@require_POST
def sharing(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _user(request)
    mentorship = get_object_or_404(Mentorship.objects.active_for_learner(learner).select_related("mentor"), pk=pk)
    form = SharingForm(request.POST, learner=learner, prefix=f"share-{mentorship.pk}")
    if not form.is_valid():
        blank = InviteForm(learner=learner, prefix="invite")
        context = _mentors_context(learner, blank, refused=(mentorship.pk, form))
        return render(request, "mentoring/mentors.html", context, status=400)
    mentorship.set_sharing(form.share_all, list(form.cleaned_data["plans"]))
    messages.success(request, f"Saved: {mentorship.mentor.name} now sees what you chose.")
    return redirect("mentoring:mentors")


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """Either side ends the mentorship; the mentor's pages and API stop showing the learner's plans at once."""
    user = _user(request)
    mentorship = _mentorship(request, pk)
    mentorship.end(by=user)
    if mentorship.role_of(user) == "learner":
        messages.success(request, f"{mentorship.mentor.name} is no longer your mentor and sees none of your plans.")
        return redirect("mentoring:mentors")
    messages.success(request, f"You no longer mentor {mentorship.learner.name}.")
    return redirect("mentoring:mentees")


# --------------------------------------------------------------------------
# The invitation
# --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's page: who invites and what they will show; signed in, accept it with one button.

    A visitor is sent to sign up (or sign in) with ``next`` back here, so the
    way through sign-up and the confirmation link ends on this page. An
    accepted, withdrawn or expired invitation says so and does nothing.
    """
    invite = Invite.from_token(token)
    if invite is None:
        raise Http404("No such invitation.")
    back = urlencode({"next": request.path})
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?{back}")
        return _invite_page(request, invite, invite.refusal(), back=back)
    user = _user(request)
    refusal = invite.refusal()
    if refusal is None and user.pk == invite.learner_id:
        refusal = Refused("own_invite", "This is your own invitation: send the link to your mentor.")
    if request.method == "POST" and refusal is None:
        try:
            mentorship = mentorships.accept(invite, user)
        except Refused as error:
            refusal = error
        else:
            messages.success(request, f"You are now {invite.learner.name}'s mentor.")
            return redirect("mentoring:mentee", pk=mentorship.pk)
    accepted = invite.mentorship
    mine = accepted is not None and accepted.mentor_id == user.pk and accepted.is_active
    return _invite_page(request, invite, refusal, already=accepted.pk if mine and accepted else None)


def _invite_page(request: HttpRequest, invite: Invite, refusal: Refused | None, **extra: Any) -> HttpResponse:
    """The invitation, or why it no longer works (410: gone), or where its mentor already is."""
    context = {"invite": invite, "refusal": refusal, "plans": list(invite.plans.select_related("track")), **extra}
    gone = refusal is not None and not extra.get("already")
    return render(request, "mentoring/accept.html", context, status=410 if gone else 200)


# --------------------------------------------------------------------------
# The mentor's side, and a shared plan as both sides read it
# --------------------------------------------------------------------------


@login_required
@require_GET
@private
def mentees(request: HttpRequest) -> HttpResponse:
    """Everyone the person mentors: each shared plan's progress, who is stalled, reviews waiting."""
    return render(request, "mentoring/mentees.html", {"mentees": mentees_of(_user(request))})


@login_required
@require_GET
@private
def mentee(request: HttpRequest, pk: int) -> HttpResponse:
    """One mentorship: the plans it shows (a mentor's start page after accepting)."""
    mentorship = _mentorship(request, pk)
    if mentorship.role_of(_user(request)) != "mentor":
        raise Http404("No such mentee.")
    return render(
        request, "mentoring/mentee.html", {"mentorship": mentorship, "plans": list(mentorship.visible_plans())}
    )


def _shared(request: HttpRequest, pk: int, plan_id: int) -> tuple[Mentorship, Enrollment]:
    mentorship = _mentorship(request, pk)
    try:
        return mentorship, mentorship.plan(plan_id)
    except Enrollment.DoesNotExist:
        raise Http404("No such shared plan.") from None


def _milestone(enrollment: Enrollment, slug: str) -> Milestone:
    try:
        return enrollment.milestone_in_plan(slug)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone in this plan.") from None


@login_required
@require_GET
@private
def plan(request: HttpRequest, pk: int, plan_id: int) -> HttpResponse:
    """A shared plan, read-only: progress, dates, evidence and checklists, with each milestone's thread and reviews."""
    mentorship, enrollment = _shared(request, pk, plan_id)
    return render(request, "mentoring/plan.html", _plan_context(request, mentorship, enrollment))


def _plan_context(
    request: HttpRequest,
    mentorship: Mentorship,
    enrollment: Enrollment,
    refused: tuple[str, forms.BaseForm] | None = None,
) -> dict[str, Any]:
    role = mentorship.role_of(_user(request))
    threads = mentorships.threads_for(mentorship, enrollment)
    return {
        "mentorship": mentorship,
        "enrollment": enrollment,
        "progress": track_progress(enrollment),
        "role": role,
        "threads": threads,
        "refused": refused,
        "error_summary": error_summary(refused[1]) if refused else [],
    }


def _refused(
    request: HttpRequest, mentorship: Mentorship, enrollment: Enrollment, key: str, form: forms.BaseForm
) -> HttpResponse:
    context = _plan_context(request, mentorship, enrollment, refused=(key, form))
    return render(request, "mentoring/plan.html", context, status=400)


def _back(mentorship: Mentorship, enrollment: Enrollment, slug: str) -> HttpResponse:
    return redirect(f"{reverse('mentoring:plan', args=[mentorship.pk, enrollment.pk])}#m-{slug}")


@login_required
@require_POST
def comment(request: HttpRequest, pk: int, plan_id: int, slug: str) -> HttpResponse:
    mentorship, enrollment = _shared(request, pk, plan_id)
    milestone = _milestone(enrollment, slug)
    form = CommentForm(request.POST, prefix=f"c-{slug}")
    if form.is_valid():
        try:
            mentorships.comment(mentorship, enrollment, milestone, _user(request), form.cleaned_data["body"])
        except ValidationError as refusal:
            _errors_onto(form, refusal)
        else:
            return _back(mentorship, enrollment, slug)
    return _refused(request, mentorship, enrollment, f"c-{slug}", form)


@login_required
@require_POST
def ask_review(request: HttpRequest, pk: int, plan_id: int, slug: str) -> HttpResponse:
    mentorship, enrollment = _shared(request, pk, plan_id)
    milestone = _milestone(enrollment, slug)
    if mentorship.role_of(_user(request)) != "learner":
        raise Http404("Only the learner asks for a review.")
    form = ReviewRequestForm(request.POST, prefix=f"r-{slug}")
    if form.is_valid():
        try:
            _, created = mentorships.request_review(
                mentorship, enrollment, milestone, _user(request), form.cleaned_data["note"]
            )
        except ValidationError as refusal:
            _errors_onto(form, refusal)
        else:
            if created:
                messages.success(request, f"{mentorship.mentor.name} is asked to review {milestone.title}.")
            return _back(mentorship, enrollment, slug)
    return _refused(request, mentorship, enrollment, f"r-{slug}", form)


@login_required
@require_POST
def review(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    mentorship = _mentorship(request, pk)
    if mentorship.role_of(_user(request)) != "mentor":
        raise Http404("Only the mentor gives a review.")
    found = get_object_or_404(Review.objects.filter(mentorship=mentorship).select_related("milestone"), pk=review_id)
    try:
        enrollment = mentorship.plan(found.enrollment_id)
    except Enrollment.DoesNotExist:
        raise Http404("That plan is no longer shared.") from None
    form = ReviewForm(request.POST, prefix=f"v-{found.pk}")
    if form.is_valid():
        try:
            mentorships.give_review(found, _user(request), form.cleaned_data["verdict"], form.cleaned_data["note"])
        except ValidationError as refusal:
            _errors_onto(form, refusal)
        else:
            return _back(mentorship, enrollment, found.milestone.slug)
    return _refused(request, mentorship, enrollment, f"v-{found.pk}", form)


@login_required
@require_http_methods(["GET", "POST"])
@private
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor rates the learner's skills on the same five levels the learner uses (``growth``)."""
    mentorship = _mentorship(request, pk)
    if mentorship.role_of(_user(request)) != "mentor":
        raise Http404("Only the mentor rates here.")
    form = SkillRatingForm(request.POST if request.method == "POST" else None)
    form.fields["note"].help_text = f"{mentorship.learner.name} sees it beside your rating."
    if request.method == "POST" and form.is_valid():
        try:
            form.record(person=mentorship.learner, rater=_user(request))
        except ValidationError:
            pass  # the refusal is on the form now
        else:
            messages.success(request, f"Your rating of {mentorship.learner.name} is saved; they see it with theirs.")
            return redirect("mentoring:mentee", pk=mentorship.pk)
    context = {"mentorship": mentorship, "form": form, "error_summary": error_summary(form)}
    return render(request, "mentoring/rate.html", context, status=400 if form.errors else 200)
