"""Strong ETags over a response's data, answering ``If-None-Match`` with 304.

The ETag is a hash of the serialised content, so any change (a level's
salary, a resource, a hidden milestone) changes it without each model having
to bump a timestamp; the catalogue is small, so building the body is cheap.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response


def etag_of(data: Any) -> str:
    return '"' + hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in candidates or etag in candidates


class ETagMixin:
    """For read-only views: ETag on every 200 and 304 when the client's copy is current."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if request.method in ("GET", "HEAD") and response.status_code == status.HTTP_200_OK:
            # A view that caches its body caches its ETag with it (see TrackDetail).
            etag = getattr(response, "precomputed_etag", None) or etag_of(response.data)
            if _matches(request.headers.get("If-None-Match", ""), etag):
                response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = etag
            # no-cache: keep the copy but revalidate it (If-None-Match) each time,
            # so an edit to the catalogue reaches the app on its next request.
            response["Cache-Control"] = "no-cache"
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
