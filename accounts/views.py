"""The settings pages: profile, reminder preferences, export and deletion; and undoing an address change.

Sign-up, log-in, email and password changes are django-allauth's views.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import parts
from .emails import CHANGE_UNDO_DAYS, EmailChangeUndo
from .export import export_user_data
from .forms import DeleteAccountForm, ProfileForm
from .models import User


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Display name and time zone, and each app's settings (reminders...), saved together."""
    user = _user(request)
    data = request.POST if request.method == "POST" else None
    profile_form = ProfileForm(data, instance=user, prefix="profile")
    sections: list[dict[str, Any]] = [
        {"part": part, "form": part.settings_form(data, instance=part.instance(user), prefix=part.name)}
        for part in parts.registered()
        if part.settings_form is not None and part.instance is not None
    ]
    forms: list[ModelForm[Any]] = [profile_form, *(section["form"] for section in sections)]
    # Every form validated (no short-circuit), so each shows its own errors.
    valid = [form.is_valid() for form in forms]
    if request.method == "POST" and all(valid):
        with transaction.atomic():
            for form in forms:
                form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"profile_form": profile_form, "sections": sections})


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
