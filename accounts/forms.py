"""Forms of the settings pages (profile, account deletion) and of allauth's sign-up, sign-in and passwords."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import timezones
from .models import User

PASSWORD_HELP = "At least 8 characters, and not only digits, a common password or your email address."


class TimeZoneField(forms.CharField):
    """A current IANA zone name, typed or picked from a searchable list; old names become their current one."""

    widget = forms.TextInput(
        attrs={"list": "timezone-choices", "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
    )

    def to_python(self, value: Any) -> str:
        name = super().to_python(value)
        if not name:
            return ""
        zone = timezones.canonical(name) or timezones.canonical(name.replace(" ", "_"))
        if zone is not None:
            return zone
        if name.upper().startswith(("ETC/GMT", "GMT+", "GMT-", "UTC+", "UTC-")):
            raise ValidationError(
                "%(value)s is a fixed offset, which ignores summer time. "
                "Type your city or the nearest big one instead, for example America/New_York.",
                params={"value": name},
                code="offset",
            )
        raise ValidationError(
            "%(value)s is not a time zone we know. Type your city or the nearest big one and pick it "
            "from the list, for example Europe/London or Asia/Kolkata.",
            params={"value": name},
            code="invalid_timezone",
        )


class ProfileForm(forms.ModelForm):
    """What to call the person and their time zone (reminders arrive at local hours)."""

    timezone = TimeZoneField(
        label="Time zone",
        max_length=64,
        help_text="Type a city or region and pick it from the list. Reminders arrive at your local hours.",
    )

    class Meta:
        model = User
        fields = ("display_name", "timezone")
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "Shown in the app instead of your email address."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A zone saved under an old name (before this list, or by the API) shows as its current one.
        if not self.is_bound:
            self.initial["timezone"] = timezones.canonical(self.instance.timezone) or self.instance.timezone


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


def _relabel(form: forms.BaseForm, labels: dict[str, str], help_texts: dict[str, str] | None = None) -> None:
    """Our words on allauth's fields: labels above the inputs, so no placeholder repeating them."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)
    for name, text in (help_texts or {}).items():
        if name in form.fields:
            form.fields[name].help_text = text


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, which takes as long for an address that has an account as for a new one.

    With ACCOUNT_PREVENT_ENUMERATION both get the same page and a mail (a
    confirmation link, or "someone tried to sign up with your address"), but
    only a new account hashes its password: hundreds of milliseconds that
    would tell a stopwatch which addresses have accounts. A taken address
    hashes it too, and throws the hash away.

    The browser's time zone comes in a hidden field that static/js/timezone.js
    fills; without JavaScript, or with a zone that is no place's, the account
    keeps the default (UTC) and settings offers the browser's zone later.
    """

    # No length limit: whatever the browser says, a sign-up is never refused over a field the person cannot see.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-browser-timezone": ""}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {"email": "Email address", "password1": "Password", "password2": "Password again"},
            {"email": "You sign in with it; we send a link to confirm it.", "password1": PASSWORD_HELP},
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)

    def custom_signup(self, request: HttpRequest, user: User) -> None:
        zone = timezones.canonical(self.cleaned_data.get("timezone") or "")
        if zone is not None and zone != user.timezone:
            user.timezone = zone
            user.save(update_fields=["timezone"])


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, in our words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self, {"login": "Email address", "password": "Password", "remember": "Keep me signed in on this device"}
        )
        # allauth puts a "Forgot your password?" link into the help text; the page has its own link.
        self.fields["password"].help_text = ""


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """Asking for a password reset link, in our words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"email": "Email address"}, {"email": "The address you sign in with."})


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """Choosing a new password from the reset link, in our words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password1": "New password", "password2": "New password again"}, {"password1": PASSWORD_HELP})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """Changing the password while signed in, in our words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {"oldpassword": "Current password", "password1": "New password", "password2": "New password again"},
            {"password1": PASSWORD_HELP},
        )
        self.fields["oldpassword"].help_text = ""
