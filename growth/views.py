"""The web pages: "Where you stand" (rate your skills, the map with your trail and target) and company checks.

Plain forms that work without JavaScript: a POST that succeeds redirects (a
refresh never re-posts); one that is refused re-renders the page with status
400, the errors beside the fields and in a summary at the top. The figures
are ``growth.standing``'s and the verdicts ``CompanyCheck.verdict``, the same
the API gives.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from tracker.rolefit import role_map

from .forms import CompanyCheckForm, SkillRatingForm
from .models import CompanyCheck, SkillRating
from .standing import map_tracks, mark_on_map, standing


def _person(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def where_you_stand(request: HttpRequest) -> HttpResponse:
    """Rate your skills; see where that puts you on the map, your trail, your target and what closes the gap."""
    person = _person(request)
    track = request.GET.get("track") or None
    latest = SkillRating.objects.of(person).by_self().first()
    form = SkillRatingForm(
        request.POST if request.method == "POST" else None, initial=latest.scores if latest else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.record(person, person)
        except ValidationError:
            pass
        else:
            messages.success(request, "Saved. Your new position is on the map.")
            query = f"?{urlencode({'track': track})}" if track else ""
            return redirect(f"{reverse('growth:standing')}{query}#map-heading")
    result = standing(person, track)
    context: dict[str, Any] = {
        "form": form,
        "standing": result,
        "map": mark_on_map(role_map(map_tracks()), result.trail, result.target, result.mentor),
        "history": SkillRating.objects.of(person).select_related("rater")[:40],
        "chosen_track": track,
    }
    return render(request, "growth/standing.html", context, status=400 if form.errors else 200)


def _my_check(request: HttpRequest, pk: int) -> CompanyCheck:
    return get_object_or_404(CompanyCheck.objects.for_user(_person(request)), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def companies(request: HttpRequest) -> HttpResponse:
    """The companies the person is considering, each with its verdict, and a form to add one."""
    person = _person(request)
    form = CompanyCheckForm(request.POST if request.method == "POST" else None, user=person, prefix="new")
    if request.method == "POST" and form.is_valid():
        check = form.save()
        messages.success(request, f"Saved your check of {check.company}.")
        return redirect(f"{reverse('growth:companies')}#company-{check.pk}")
    context = {"checks": CompanyCheck.objects.for_user(person), "form": form}
    return render(request, "growth/companies.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the answers and notes of one company check."""
    check = _my_check(request, pk)
    # The form edits its own copy, so a refused change leaves the heading and verdict as saved.
    form = CompanyCheckForm(
        request.POST if request.method == "POST" else None, instance=_my_check(request, pk), user=_person(request)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved your check of {check.company}.")
        return redirect(f"{reverse('growth:companies')}#company-{check.pk}")
    return render(
        request, "growth/company_edit.html", {"check": check, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a company check."""
    check = _my_check(request, pk)
    check.delete()
    messages.success(request, f"Removed your check of {check.company}.")
    return redirect("growth:companies")
