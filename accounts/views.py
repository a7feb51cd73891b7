"""The settings pages: profile, reminder preferences, export and deletion; and undoing an address change.

Sign-up, log-in, email and password changes are django-allauth's views.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import parts, timezones
from .emails import CHANGE_UNDO_DAYS, EmailChangeUndo
from .export import export_user_data
from .forms import DeleteAccountForm, ProfileForm
from .models import QuizResult, User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


@dataclass
class SettingsSection:
    """One section of the settings page: the profile, or a part another app keeps (``accounts.parts``)."""

    title: str
    name: str  # the form's prefix; the heading's id is "<name>-heading"
    form: ModelForm[Any]
    help: str = ""


def _settings_sections(user: User, data: QueryDict | None) -> list[SettingsSection]:
    sections = [SettingsSection("Profile", "profile", ProfileForm(data, instance=user, prefix="profile"))]
    for part in parts.registered():
        if part.settings_form is not None and part.instance is not None:
            form = part.settings_form(data, instance=part.instance(user), prefix=part.name)
            sections.append(SettingsSection(part.settings_title, part.name, form, part.settings_help))
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Display name and time zone, and each app's settings (reminders...), each section saved if it is valid.

    The sections are independent, so a mistake in one does not throw away the
    changes made in another: the valid sections are saved (and shown as
    stored), the refused ones come back as typed with their errors beside the
    fields and in a summary at the top, and a message names each.
    """
    user = _user(request)
    sections = _settings_sections(user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # Every form validated (no short-circuit), so each shows its own errors.
        valid = [section for section in sections if section.form.is_valid()]
        with transaction.atomic():
            for section in valid:
                section.form.save()
        if len(valid) == len(sections):
            messages.success(request, "Your settings are saved.")
            return redirect("accounts:settings")
        user.refresh_from_db()  # a refused profile form may have set values on it in memory
        stored = _settings_sections(user, None)
        sections = [section if section.form.errors else stored[i] for i, section in enumerate(sections)]
        if valid:
            messages.success(request, f"{' and '.join(s.title for s in valid)}: saved.")
        refused = " and ".join(s.title for s in sections if s.form.errors)
        messages.error(request, f"{refused}: not saved. Correct what is marked below, then save again.")
    return render(
        request,
        "accounts/settings.html",
        {
            "profile": sections[0],
            "profile_form": sections[0].form,
            "sections": sections[1:],
            "error_summary": settings_errors(sections),
            "timezone_choices": timezones.choices(),
            "same_zones": " ".join([user.timezone, *timezones.aliases_of(user.timezone)]),
            "quiz_result": QuizResult.objects.filter(user=user).first(),
        },
    )


def settings_errors(sections: list[SettingsSection]) -> list[tuple[str, str]]:
    """(message, id to link to) for every error of the settings forms, in page order, for the summary at the top."""
    found: list[tuple[str, str]] = []
    for section in sections:
        form = section.form
        for name, errors in form.errors.items():
            if name in form.fields:
                label = str(form[name].label).lower()
                found.extend((f"{section.title}, {label}: {error}", form[name].auto_id) for error in errors)
            else:
                found.extend((f"{section.title}: {error}", f"{section.name}-heading") for error in errors)
    return found


@login_required
@require_GET
@never_cache  # Cache-Control: no-store, private: personal data stays out of shared and browser caches
def export_data(request: HttpRequest) -> HttpResponse:
    """Everything CareerPlan holds about the user, as a JSON download."""
    payload = json.dumps(export_user_data(_user(request)), indent=2, ensure_ascii=False)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="careerplan-export-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Remove the account and everything in it, once the password confirms it."""
    user = _user(request)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        logout(request)
        user.delete()
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("tracker:home")
    return render(request, "accounts/delete.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def undo_email_change(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the "your sign-in address was changed" mail. GET: explain, change nothing. POST: put it back.

    Works signed out (the link reached the old address, which is the proof);
    opening it changes nothing, so a mail scanner following links undoes nothing.
    """
    undo = EmailChangeUndo.from_token(token)
    context: dict[str, Any] = {"undo": undo, "undo_days": CHANGE_UNDO_DAYS}
    if undo is None:
        return render(request, "accounts/undo_email_change.html", {**context, "state": "invalid"}, status=400)
    if request.method == "POST" and undo.apply():
        if request.user.pk == undo.user_id:
            logout(request)  # this browser too, at once (its session row is gone already)
        return render(request, "accounts/undo_email_change.html", {**context, "state": "undone"})
    return render(request, "accounts/undo_email_change.html", {**context, "state": undo.state()})
