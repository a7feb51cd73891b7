"""Serializers for registration, tokens and the profile."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts import parts
from accounts.models import User, validate_timezone


class RegisterSerializer(serializers.Serializer[User]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value).lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this email address already exists.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], display_name=attrs.get("display_name", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        try:
            with transaction.atomic():
                return User.objects.create_user(**validated_data)
        except IntegrityError:  # a concurrent registration of the same address
            raise serializers.ValidationError(
                {"email": ["An account with this email address already exists."]}
            ) from None


class TokenPairSerializer(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisteredSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """simplejwt's refresh with rotation, made safe against concurrent use of one token.

    Stock simplejwt checks the blacklist, then blacklists with get_or_create:
    two requests with the same token can both pass the check. Here the token
    is revoked by inserting its BlacklistedToken row, whose one-to-one unique
    constraint lets exactly one request win; the losers get 401.
    """

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = self.token_class(attrs["refresh"])  # signature, expiry and the blacklist
        user = User.objects.filter(pk=refresh.payload.get(api_settings.USER_ID_CLAIM, 0)).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise InvalidToken("No active account found for the given token.")
        try:
            with transaction.atomic():
                outstanding, _ = OutstandingToken.objects.get_or_create(
                    jti=refresh[api_settings.JTI_CLAIM],
                    defaults={
                        "user": user,
                        "token": str(refresh),
                        "created_at": refresh.current_time,
                        "expires_at": datetime_from_epoch(refresh["exp"]),
                    },
                )
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError:
            raise InvalidToken("Token is blacklisted") from None
        data = {"access": str(refresh.access_token)}
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class RefreshTokenSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField()


def _me_parts() -> list[parts.AccountPart]:
    return [p for p in parts.registered() if p.serializer is not None and p.instance is not None and p.me_field]


class MeSerializer(serializers.ModelSerializer[User]):
    """The profile, with each app's nested part (``reminder_preferences``...) from ``accounts.parts``."""

    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])

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
