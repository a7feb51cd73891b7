"""Admin for people: the email-login user and their reminder preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.http import HttpRequest

from .models import ReminderPreferences, User


def _clean_email(form: forms.ModelForm) -> str:
    """Emails are stored lower-case and are unique whatever their case (the login)."""
    email = User.objects.normalize_email(form.cleaned_data["email"]).lower()
    others = User.objects.filter(email__iexact=email)
    if form.instance.pk is not None:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError("A user with this email address already exists.", code="unique")
    return email


class UserCreationAdminForm(BaseUserCreationForm):
    """Add a user with an email address and a password typed twice."""

    class Meta:
        model = User
        fields = ("email", "display_name", "timezone")

    def clean_email(self) -> str:
        return _clean_email(self)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_email(self)


class ReminderPreferencesInline(admin.StackedInline):
    model = ReminderPreferences
    can_delete = False
    max_num = 1
    extra = 0
    fieldsets = (
        (None, {"fields": ("enabled", "email_enabled", "in_app_enabled", "push_enabled")}),
        ("When", {"fields": ("stalled_after_days", "quiet_start", "quiet_end", "snoozed_until")}),
        ("Weekly digest", {"fields": ("digest_enabled", "digest_weekday", "digest_hour")}),
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "timezone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "timezone", "password1", "password2")}),
    )
    list_display = ("email", "display_name", "is_active", "is_staff", "is_superuser", "last_login", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    inlines = (ReminderPreferencesInline,)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # Preferences are made on demand; edit them once the user exists.
        return self.inlines if obj is not None else ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            # Only a superuser hands out privileges: a staff member allowed to
            # edit users must not be able to make anyone (themselves) superuser
            # or join a more powerful group.
            fields += ("is_superuser", "groups", "user_permissions")
        return fields
