"""Serializers for registration, tokens and the profile."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import ChangePasswordForm
from allauth.utils import get_form_class
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, PermissionDenied
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.tokens import Token

from accounts import emails, parts
from accounts.models import User, validate_display_name, validate_timezone
from api.fields import STRICT_FIELD_MAPPING, NewPasswordField, TimeZoneField

EMAIL_NOT_VERIFIED = gettext_lazy(
    "Confirm your email address first: follow the link we sent to it, "
    "or ask for a new one with POST auth/verify-email/resend/."
)


class RegisterSerializer(serializers.Serializer[Any]):
    """A sign-up; whether the address is free is not the serializer's to say (``accounts.emails.register``)."""

    email = serializers.EmailField(max_length=254)
    password = NewPasswordField()
    display_name = serializers.CharField(
        max_length=80, required=False, allow_blank=True, validators=[validate_display_name]
    )
    timezone = TimeZoneField(required=False, validators=[validate_timezone])

    def validate_email(self, value: str) -> str:
        return emails.normalize(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], display_name=attrs.get("display_name", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            # Each message keeps its validator's code (password_too_short...), for field_codes.
            details = [ErrorDetail(m, code=e.code or "invalid") for e in exc.error_list for m in e.messages]
            raise serializers.ValidationError({"password": details}) from exc
        return attrs


class RegistrationAcceptedSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    message = serializers.CharField()


class ConfirmationRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)


class TokenObtainSerializer(jwt_serializers.TokenObtainPairSerializer):
    """simplejwt's email and password sign-in, refused (403 ``email_not_verified``) until the address is confirmed.

    As the web's sign-in does while ACCOUNT_EMAIL_VERIFICATION is
    ``mandatory`` (the default). simplejwt asks for the token only once the
    password is right (so the refusal tells nothing to whoever does not know
    it), and the refusal comes before any token exists.
    """

    @classmethod
    def get_token(cls, user: Any) -> Token:
        mandatory = allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
        if mandatory and not (isinstance(user, User) and user.has_verified_email):
            raise PermissionDenied(EMAIL_NOT_VERIFIED, code="email_not_verified")
        return super().get_token(user)


class DeleteAccountSerializer(serializers.Serializer[Any]):
    """The password that confirms ``DELETE me/``, as the web's delete page asks for it."""

    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)

    def validate_password(self, value: str) -> str:
        if not self.context["user"].check_password(value):
            raise serializers.ValidationError(_("That is not your password."), code="wrong_password")
        return value


class TokenPairSerializer(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshTokenSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField()


def _me_parts() -> list[parts.AccountPart]:
    return [p for p in parts.registered() if p.serializer is not None and p.instance is not None and p.me_field]


class MeSerializer(serializers.ModelSerializer[User]):
    """The profile, with each app's nested part (``reminder_preferences``...) from ``accounts.parts``."""

    serializer_field_mapping = STRICT_FIELD_MAPPING  # JSON types read strictly (api.fields): 0 is not a name
    timezone = TimeZoneField(required=False, validators=[validate_timezone])

    class Meta:
        model = User
        fields = ("id", "email", "display_name", "timezone", "date_joined")
        read_only_fields = ("id", "email", "date_joined")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for part in _me_parts():
            fields[part.me_field] = part.serializer(required=False)  # type: ignore[misc]
        return fields

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        for part in _me_parts():
            data[part.me_field] = part.serializer(part.instance(instance)).data  # type: ignore[misc]
        return data

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        nested = {part: validated_data.pop(part.me_field, None) for part in _me_parts()}
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            for part, values in nested.items():
                if values:
                    row = part.instance(instance)  # type: ignore[misc]
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.save(update_fields=[*values, "updated_at"])
        return instance


# The web's change-password form (allauth's, in our words) names its fields
# after allauth; the API's names say what they hold.
_CHANGE_PASSWORD_FIELDS = {"oldpassword": "current_password", "password1": "new_password", "password2": "new_password"}


class PasswordChangeSerializer(serializers.Serializer[Any]):
    """The current password and a new one, checked by the web's own form (so by the same rules, written once).

    Errors keep the form's codes: ``enter_current_password`` for a wrong
    current password, and Django's validators' for a weak new one
    (``password_too_short``, ``password_too_common``, ``password_entirely_numeric``,
    ``password_too_similar``).
    """

    current_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    new_password = NewPasswordField(
        help_text="At least 8 characters, not too common, not all digits, not like your email address.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form_class = get_form_class(allauth_settings.FORMS, "change_password", ChangePasswordForm)
        new = attrs["new_password"]
        form = form_class(
            data={"oldpassword": attrs["current_password"], "password1": new, "password2": new},
            user=self.context["user"],
        )
        if not form.is_valid():
            errors: dict[str, list[ErrorDetail]] = {}
            for name, problems in form.errors.as_data().items():
                field = _CHANGE_PASSWORD_FIELDS.get(name, "non_field_errors")
                for problem in problems:
                    errors.setdefault(field, []).extend(
                        ErrorDetail(message, code=problem.code or "invalid") for message in problem.messages
                    )
            raise serializers.ValidationError(errors)
        attrs["form"] = form
        return attrs


class PasswordChangedSerializer(TokenPairSerializer):
    """A fresh pair for the app that changed the password: every older refresh token was revoked."""

    message = serializers.CharField()


class PasswordResetSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
