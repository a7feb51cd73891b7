"""Serializer fields whose rules the OpenAPI schema states (``api.schema`` documents them).

A generated client can only check what the schema says: a bare ``string``
for a password or a time zone let the fuzzer's registrations all fail with
400s that no client could have foreseen.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else: DRF's CharField would keep the number 12345 as "12345"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # DRF's own code and message: "Not a valid string."
        return super().to_internal_value(data)


class NewPasswordField(StrictCharField):
    """A password being set (sign-up, a change, a reset): write-only, kept as typed.

    The serializer runs Django's password validators itself, with the person
    the password is for (one of them compares it with their name and
    address); the schema states their rules (``minLength`` and each
    validator's help text), read from ``AUTH_PASSWORD_VALIDATORS``.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("max_length", 128)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)


class TimeZoneField(StrictCharField):
    """An IANA time zone name (``Europe/London``), never an offset.

    The caller passes the validator that holds the rule (``accounts.models.
    validate_timezone``); the schema lists the names, from the same
    ``zoneinfo`` database, as an enum.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false and nothing else: DRF's BooleanField also takes 0, 1, "yes", "off"..."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


# A ModelSerializer's ``serializer_field_mapping`` that reads JSON types strictly,
# so the types the schema states are the types accepted:
# ``serializer_field_mapping = STRICT_FIELD_MAPPING`` on the serializer.
STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.BooleanField: StrictBooleanField,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
}
