"""JSON bodies with a size limit and a nesting limit: an oversized body is a 413, a too-deep one a 400."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# No request body of this API nests more than a few levels (an object holding
# a list at most); 32 leaves room for any future body. The limit is far below
# Python's recursion limit (1,000), which json's decoder and every recursive
# walk after it (serializers, the error shape) would otherwise hit: 3,000
# levels of `[[[...]]]` fit in 6 KB.
MAX_NESTING = 32


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def nested_too_deep() -> ParseError:
    """The 400 for a body nested beyond ``MAX_NESTING`` (code ``parse_error``, like any unreadable body)."""
    return ParseError(gettext("JSON parse error - nested more than %(levels)d levels deep.") % {"levels": MAX_NESTING})


def nesting_exceeds(data: Any, limit: int) -> bool:
    """Whether parsed JSON ``data`` nests lists and objects more than ``limit`` levels deep.

    Walked with a stack, not recursion, so the check itself cannot overflow.
    """
    stack = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies over ``API_MAX_BODY_BYTES`` or nested over ``MAX_NESTING``.

    DRF reads the raw stream, which bypasses Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE check; reading one byte past the limit also
    catches chunked bodies that declare no length.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            # json's C decoder gives up near Python's recursion limit, before our own check can run.
            raise nested_too_deep() from None
        if nesting_exceeds(data, MAX_NESTING):
            raise nested_too_deep()
        return data
