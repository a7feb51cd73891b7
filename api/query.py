"""Strict query parameters: each one given once, never empty, and times with a zone.

A query string is what a client library builds, and libraries differ: one
sends ``?page_size=null`` for a missing value, another repeats a parameter,
iOS's ``URLQueryItem`` leaves the ``+`` of ``+00:00`` unencoded, so it arrives
as a space. Django's ``QueryDict.get`` silently takes the last of repeated
values and forms read an empty value as "not given", so each of these used to
be answered as if the client had asked something else. Here every such
request is a 400 naming the parameter, with a code saying why:

- ``repeated``: the parameter appears more than once;
- ``blank``: it is present but empty;
- ``invalid`` / ``min_value``: not a whole number, or below the least allowed;
- ``timezone_required``: a time with no ``Z`` or offset (which zone it meant
  cannot be known);
- ``out_of_range``: a time outside the years 1 to 9999 once turned to UTC.

Every date-time query parameter parses with ``parse_query_time`` (through
``TimeQueryFilter`` in a FilterSet), so they all accept and refuse alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request

# "…T03:00:00 00:00" is "…T03:00:00+00:00" whose "+" a client left unencoded
# (a "+" in a query string means a space). A "-" offset survives encoding.
_PLUS_AS_SPACE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}(?::?\d{2})?)$")


def refusal(parameter: str, message: Any, code: str) -> ValidationError:
    """A 400 naming ``parameter`` in ``fields`` with ``code`` in ``field_codes``."""
    return ValidationError({parameter: [ErrorDetail(str(message), code=code)]})


def single_value(request: Request, parameter: str) -> str | None:
    """The one value of ``parameter`` (None when absent); repeated or empty is a 400 naming it."""
    values = request.query_params.getlist(parameter)
    if not values:
        return None
    if len(values) > 1:
        raise refusal(parameter, _("Give this parameter once."), "repeated")
    if values[0] == "":
        raise refusal(parameter, _("Give a value or leave the parameter out."), "blank")
    return values[0]


def check_single_values(request: Request, parameters: Iterable[str]) -> None:
    """``single_value`` for each of ``parameters`` that the request carries."""
    for parameter in parameters:
        single_value(request, parameter)


def positive_integer(request: Request, parameter: str) -> int | None:
    """``parameter`` as a whole number of at least 1 (None when absent); anything else is a 400 naming it."""
    value = single_value(request, parameter)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit():
        raise refusal(parameter, _("Give a whole number."), "invalid")
    number = int(value)
    if number < 1:
        raise refusal(parameter, _("Give a number of at least 1."), "min_value")
    return number


def parse_query_time(value: str) -> datetime:
    """An ISO 8601 time with its zone, as a client sends it in a query string.

    Raises Django's ValidationError (code ``invalid``, ``timezone_required`` or
    ``out_of_range``), which a FilterSet or the exception handler turns into a
    400 naming the parameter.
    """
    text = _PLUS_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        parsed = parse_datetime(text)
    except ValueError:  # well formed, but no such day or hour (2026-02-30)
        parsed = None
    if parsed is None:
        raise DjangoValidationError(
            _("Give an ISO 8601 time with its zone, e.g. 2026-11-28T03:00:00Z."), code="invalid"
        )
    if parsed.tzinfo is None:
        raise DjangoValidationError(
            _("Give the time's zone: end it with Z or an offset such as +01:00."), code="timezone_required"
        )
    try:
        # 9999-12-31T23:59:59-01:00 parses, but lies past the last moment a
        # datetime holds in UTC, where every backend compares it.
        parsed.astimezone(UTC)
    except OverflowError:
        raise DjangoValidationError(
            _("Give a time between the years 1 and 9999 in UTC."), code="out_of_range"
        ) from None
    return parsed


class TimeQueryField(forms.Field):
    """A form field for a date-time query parameter, parsed by ``parse_query_time``."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        return parse_query_time(str(value))


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601 with a zone (Z or an offset); a time without one is a 400 `timezone_required`.",
    }
)
class TimeQueryFilter(django_filters.Filter):
    """A django-filter filter over a date-time query parameter (see ``parse_query_time``)."""

    field_class = TimeQueryField


class StrictFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """django-filter's backend, refusing a filter parameter that is repeated or empty (400 naming it).

    Filters that take several values (``MultipleChoiceFilter`` and the like)
    are left to take them.
    """

    def strict_parameters(self, view: Any, queryset: Any) -> list[str]:
        """The view's filter parameters that take one value (what the schema marks non-empty)."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return []
        return [
            name
            for name, declared in filterset_class.base_filters.items()
            if not issubclass(declared.field_class, forms.MultipleChoiceField)
        ]

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        check_single_values(request, self.strict_parameters(view, queryset))
        return super().filter_queryset(request, queryset, view)
