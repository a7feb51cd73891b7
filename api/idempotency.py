"""``Idempotency-Key`` on POST: a retried request gets the first answer, not a second object.

The key is claimed by inserting an ``IdempotencyKey`` row (unique per user and
key) before the work runs, so two concurrent retries cannot both run it; the
winner stores its response and later retries replay it. Only successful
answers are kept: after an error the client may retry the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotencyKey

from .errors import Conflict

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID); a retried POST with the same key replays the first answer.",
)

Handler = Callable[..., Response]


def _fingerprint(request: Request) -> str:
    return hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(handler: Handler) -> Handler:
    """Wrap a view's ``post`` so a repeated ``Idempotency-Key`` replays the stored answer."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({HEADER: [f"Use at most {MAX_KEY_LENGTH} characters."]})
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method or "POST",
                    path=request.path,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(user=request.user, key=key), request, fingerprint)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if 200 <= response.status_code < 300:
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["response_status", "response_body"])
        else:
            record.delete()
        return response

    return wrapper


def _replay(record: IdempotencyKey, request: Request, fingerprint: str) -> Response:
    if record.path != request.path or record.method != request.method or record.request_hash != fingerprint:
        raise Conflict("This Idempotency-Key was used for a different request.", code="idempotency_key_reused")
    if record.response_status is None:
        raise Conflict("A request with this Idempotency-Key is still being processed.", code="idempotency_in_progress")
    return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})
