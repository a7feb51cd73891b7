"""Strong ETags over a response's data, answering ``If-None-Match`` with 304; versions and ``If-Match``.

The ETag is a hash of the serialised content, so any change (a level's
salary, a resource, a hidden milestone) changes it without each model having
to bump a timestamp; the catalogue is small, so building the body is cheap.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError
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


# --------------------------------------------------------------------------
# Versions and preconditions: If-Match on writes to a versioned resource
# --------------------------------------------------------------------------
#
# A resource the app edits offline (progress, a checklist item, a personal
# milestone, a plan) carries an integer ``version`` that moves on with every
# change; its ETag is that number, quoted. A write may name the version it
# started from, in ``If-Match: "7"`` or as ``base_version`` in the body; a
# write from another version is answered 412 ``version_conflict`` with the
# resource as it stands (``current``), so the app can merge or ask. A write
# naming no version keeps the last-write-wins behaviour v1 always had.

_IF_MATCH = re.compile(r'(?:W/)?"(\d{1,10})"')
BASE_VERSION = "base_version"


def version_etag(version: int) -> str:
    """The ETag of a versioned resource: its version, quoted (``"7"``)."""
    return f'"{version}"'


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code="invalid")]})


def precondition(request: Request) -> tuple[int | None, Any]:
    """The version a write started from (None: no precondition), and the body without ``base_version``.

    ``If-Match: *`` asks for no particular version. Both ways at once must
    agree (400 otherwise), and a malformed one is a 400, never ignored: a
    client that believes it sent a precondition must not overwrite silently.
    """
    data = request.data
    from_body: int | None = None
    if isinstance(data, Mapping) and BASE_VERSION in data:
        raw = data[BASE_VERSION]
        if isinstance(raw, str) and raw.isdigit() and len(raw) <= 10:
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 2**31 - 1:
            raise _bad(BASE_VERSION, _("Send the version you started from: a whole number, 0 or more."))
        from_body = raw
        data = {key: value for key, value in data.items() if key != BASE_VERSION}
    header = request.headers.get("If-Match")
    from_header: int | None = None
    if header is not None and header.strip() != "*":
        match = _IF_MATCH.fullmatch(header.strip())
        if match is None:
            raise _bad("If-Match", _('Send the version you started from, quoted, as the ETag gave it: "7".'))
        from_header = int(match[1])
    if from_header is not None and from_body is not None and from_header != from_body:
        raise _bad(BASE_VERSION, _("If-Match and base_version name different versions."))
    return (from_header if from_header is not None else from_body), data


def conflict_response(current: Any, version: int) -> Response:
    """412 ``version_conflict``: the write started from an older version; ``current`` is the resource now."""
    body = {
        "code": "version_conflict",
        "message": _("This changed since you read it: merge your change into the current version and send it again."),
        "current": current,
    }
    return Response(body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": version_etag(version)})
