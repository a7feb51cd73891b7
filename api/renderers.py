"""The API's JSON renderer: DRF's, with orjson doing the encoding.

On the benchmark machine a cached answer (a track, a dashboard) is taken
from Redis and rendered on every request; orjson encodes such a body several
times faster than ``json.dumps``. The output is DRF's byte for byte for what
the API sends: compact, UTF-8 (``UNICODE_JSON``), U+2028 and U+2029 escaped
as DRF escapes them, and dates, times, decimals and lazy strings handed to
DRF's own encoder, so ``…T10:00:00.123Z`` keeps DRF's form. An indented
answer (``Accept: application/json; indent=4``) and non-default JSON
settings go through DRF's renderer unchanged.

A view may cache an answer already rendered (``prerender``): a cache hit is
then sent as the bytes it was stored as, with nothing to unpickle into
dictionaries and nothing to encode again.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class Prerendered(bytes):
    """An answer already rendered as the API's compact JSON (``prerender``); the renderer sends it as it is."""


class ORJSONRenderer(JSONRenderer):
    """``JSONRenderer`` with orjson (see the module docstring)."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        plain = indent is None and not self.ensure_ascii and self.compact and api_settings.STRICT_JSON
        if isinstance(data, Prerendered):
            if plain:
                return bytes(data)
            data = orjson.loads(bytes(data))
        if not plain:
            return super().render(data, accepted_media_type, renderer_context)  # type: ignore[no-any-return]
        body = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        # As DRF: JSON that is also a strict JavaScript subset.
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


def prerender(data: Any) -> Prerendered:
    """``data`` rendered once as the API sends it, for a view to cache and answer with (``Response(prerendered)``)."""
    return Prerendered(ORJSONRenderer().render(data))
