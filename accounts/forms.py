"""Forms of the settings pages (profile, account deletion) and of allauth's sign-up."""

from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import User


def _timezone_choices() -> list[tuple[str, str]]:
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
        if "/" in name or name == "UTC"
    ]


class ProfileForm(forms.ModelForm):
    """What to call the person and their time zone (reminders arrive at local hours)."""

    timezone = forms.ChoiceField(label="Time zone", choices=_timezone_choices)

    class Meta:
        model = User
        fields = ("display_name", "timezone")
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "Shown in the app instead of your email address."}


class DeleteAccountForm(forms.Form):
    """Confirmation of "Delete my account": the person types their password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Everything CareerPlan holds about you is removed at once; this cannot be undone.",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.", code="wrong_password")
        return password


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, which takes as long for an address that has an account as for a new one.

    With ACCOUNT_PREVENT_ENUMERATION both get the same page and a mail (a
    confirmation link, or "someone tried to sign up with your address"), but
    only a new account hashes its password: hundreds of milliseconds that
    would tell a stopwatch which addresses have accounts. A taken address
    hashes it too, and throws the hash away.
    """

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)
