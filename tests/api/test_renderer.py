"""The API's orjson renderer writes what DRF's JSONRenderer writes."""

import uuid
from collections import OrderedDict
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from api.renderers import ORJSONRenderer, Prerendered, prerender

BODY = {
    "when": datetime(2026, 11, 28, 10, 0, 0, 123456, tzinfo=UTC),
    "whole_second": datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
    "day": date(2026, 11, 28),
    "at": time(7, 30, 15, 250000),
    "amount": Decimal("12.50"),
    "lazy": gettext_lazy("Not found."),
    "error": ErrorDetail("This field is required.", code="required"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": OrderedDict([("b", [1, 2.5, None, True]), ("a", {"ü": "naïve — “quoted”"})]),
    "separators": "line\u2028paragraph\u2029end",
    7: "an int key",
}


def test_it_writes_drfs_bytes():
    assert ORJSONRenderer().render(BODY) == JSONRenderer().render(BODY)


def test_an_indented_answer_is_drfs():
    context = {"indent": 4}
    assert ORJSONRenderer().render(BODY, "application/json", context) == JSONRenderer().render(
        BODY, "application/json", context
    )


def test_nothing_is_an_empty_body():
    assert ORJSONRenderer().render(None) == b""


def test_the_api_answers_with_it(api):
    response = api.get("/api/v1/ping/")
    assert type(response.accepted_renderer) is ORJSONRenderer
    assert response.json()["server_time"].endswith("Z")


def test_a_prerendered_answer_is_sent_as_it_was_stored():
    stored = prerender(BODY)
    assert isinstance(stored, Prerendered)
    assert stored == JSONRenderer().render(BODY)
    assert ORJSONRenderer().render(stored) == stored


def test_a_prerendered_answer_asked_for_indented_is_indented_as_drf_would():
    """Keys became strings in the stored JSON, as in any JSON the app receives."""
    context = {"indent": 4}
    plain = {"b": [1, 2.5, None, True], "a": {"ü": "naïve"}, "7": "an int key"}
    assert ORJSONRenderer().render(prerender(plain), "application/json", context) == JSONRenderer().render(
        plain, "application/json", context
    )
