"""Admin for people: the email-login user, with the parts other apps keep (``accounts.parts``) inline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.http import HttpRequest

from . import parts
from .models import User


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

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # Parts such as reminder preferences are made on demand; edit them once the user exists.
        if obj is None:
            return ()
        return tuple(part.admin_inline for part in parts.registered() if part.admin_inline is not None)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            # Only a superuser hands out privileges: a staff member allowed to
            # edit users must not be able to make anyone (themselves) superuser
            # or join a more powerful group.
            fields += ("is_superuser", "groups", "user_permissions")
        return fields
