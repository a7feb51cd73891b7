"""``Idempotency-Key`` on every API POST: a retried request gets the first answer, not a second object.

One middleware covers every POST under ``/api/`` (registration included), as
pretix's does, so no view can forget it. The key is claimed by inserting an
``IdempotencyKey`` row before the view runs, unique per caller and key, so two
concurrent retries cannot both run it; the winner stores its answer and later
retries replay it with ``Idempotent-Replayed: true``. Only successful answers
are kept: after an error the client may retry with the same key.

A caller is the signed-in user (from the session, or from a valid JWT read
here without touching the database) or, for anonymous requests such as
``auth/register/``, nobody: their keys share one space, which is safe because
a replay also needs the identical body. A claim whose request died before
answering stops blocking its key after ``IDEMPOTENCY_LOCK_SECONDS``; keys are
forgotten after ``IDEMPOTENCY_KEY_HOURS`` (a beat task prunes them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from .models import IdempotencyKey

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _answer(data: dict[str, Any], status: int, **headers: str) -> Response:
    """A JSON answer rendered here, outside any view (DRF's Response, so clients and tests read it alike)."""
    response = Response(data, status=status, headers=headers)
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}  # type: ignore[attr-defined]
    response.render()
    return response


def _conflict(message: str, code: str) -> Response:
    return _answer({"code": code, "message": message}, 409)


def _fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the body; a JSON body is hashed in a canonical form, so key order and spacing do not matter."""
    body = request.body
    with contextlib.suppress(ValueError, RecursionError):  # not JSON: the bytes themselves
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(body).hexdigest()


def _caller_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, or None for an anonymous (or not yet authenticated) caller."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    header = request.headers.get("Authorization", "")
    auth = JWTAuthentication()
    raw = auth.get_raw_token(header.encode()) if header else None
    if raw is None:
        return None
    try:
        token = auth.get_validated_token(raw)
    except (InvalidToken, TokenError):
        return None  # the view answers 401; nothing is stored for a failed request
    value = token.get(jwt_settings.USER_ID_CLAIM)
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


class IdempotencyMiddleware:
    """Replays a retried API POST that carries an ``Idempotency-Key`` (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Cheapest test first: this runs on every request, and request.headers builds a dict.
        if request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
        if not key:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            message = _("Use at most %(limit)s characters.") % {"limit": MAX_KEY_LENGTH}
            return _answer({"code": "invalid", "message": message, "fields": {HEADER: [message]}}, 400)
        try:
            record, replay = self._claim(request, key)
        except DatabaseError:
            # The database is down: the view fails the same way and answers 503 (careerplan.outage).
            return self.get_response(request)
        if replay is not None:
            return replay
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        self._finish(record, response)
        return response

    def _claim(self, request: HttpRequest, key: str) -> tuple[IdempotencyKey, HttpResponse | None]:
        """Insert the key's row (ours to run), or find the earlier request's answer to replay."""
        now = timezone.now()
        user_id = _caller_id(request)
        fingerprint = _fingerprint(request)
        fresh = IdempotencyKey(
            user_id=user_id,
            key=key,
            method=request.method or "POST",
            path=request.path,
            request_hash=fingerprint,
            created_at=now,
        )
        try:
            with transaction.atomic():
                fresh.save()
            return fresh, None
        except IntegrityError:
            pass
        mine = (
            IdempotencyKey.objects.filter(user__isnull=True)
            if user_id is None
            else IdempotencyKey.objects.filter(user_id=user_id)
        )
        record = mine.filter(key=key).first()
        if record is None:  # the first request failed and freed its key meanwhile
            return self._claim(request, key)
        if record.created_at <= now - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS):
            # Forgotten already, only not yet pruned: start afresh.
            IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            return self._claim(request, key)
        if record.path != request.path or record.method != request.method or record.request_hash != fingerprint:
            return record, _conflict(
                _("This Idempotency-Key was used for a different request."), "idempotency_key_reused"
            )
        if record.response_status is None:
            stale = now - timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS)
            # The first request died without answering: whoever moves its claim forward runs it again.
            taken = IdempotencyKey.objects.filter(pk=record.pk, response_status=None, created_at__lte=stale).update(
                created_at=now
            )
            if taken:
                record.created_at = now
                return record, None
            message = _("A request with this Idempotency-Key is still being processed.")
            return record, _conflict(message, "idempotency_in_progress")
        replay = _answer(record.response_body or {}, record.response_status, **{"Idempotent-Replayed": "true"})
        return record, replay

    def _finish(self, record: IdempotencyKey, response: HttpResponse) -> None:
        """Keep a successful JSON answer for replays; after anything else, free the key."""
        try:
            if 200 <= response.status_code < 300 and response.get("Content-Type", "").startswith("application/json"):
                record.response_status = response.status_code
                record.response_body = json.loads(response.content) if response.content else {}
                record.save(update_fields=["response_status", "response_body"])
            else:
                record.delete()
        except DatabaseError:
            # The answer reached the client; a retry will run again after the lock times out.
            logger.warning("could not store the answer of idempotency key %s", record.key, exc_info=True)


# --------------------------------------------------------------------------
# Keys inside a request: each operation of a batch (sync/batch/) has its own
# --------------------------------------------------------------------------
#
# The same store as the header's keys, in a space of their own (``scope``
# prefixes the key, so an operation's key never collides with a request's),
# and the same rules: the first claim runs the operation, a retry of the same
# operation gets its stored answer, the same key on another operation is
# refused, only successful answers are kept, keys are forgotten with the rest.


def fingerprint_of(payload: Any) -> str:
    """SHA-256 of ``payload`` in canonical JSON: key order and spacing do not matter."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def claim_key(user_id: int, scope: str, key: str, payload: Any) -> IdempotencyKey:
    """Claim ``key`` for one operation: inserts its row, or raises IntegrityError when it is taken.

    Call it inside the transaction (or savepoint) that applies the operation,
    so a failed operation frees its key by rolling back, and two concurrent
    replays cannot both apply it: the second insert waits for the first, then fails.
    """
    with transaction.atomic():
        return IdempotencyKey.objects.create(
            user_id=user_id,
            key=f"{scope}:{key}",
            method="POST",
            path=scope,
            request_hash=fingerprint_of(payload),
            created_at=timezone.now(),
        )


def remember_answer(record: IdempotencyKey, status: int, body: Any) -> None:
    """Keep an operation's successful answer with its claimed key, for replays."""
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["response_status", "response_body"])


def earlier_answer(user_id: int, scope: str, key: str, payload: Any) -> tuple[Any, bool] | None:
    """The stored answer of an operation already applied under ``key``: (body, same operation?); None if none.

    A key older than ``IDEMPOTENCY_KEY_HOURS`` is forgotten (deleted here), as the header's keys are.
    """
    record = IdempotencyKey.objects.filter(user_id=user_id, key=f"{scope}:{key}").first()
    if record is None:
        return None
    if record.created_at <= timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS):
        IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at).delete()
        return None
    return record.response_body, record.path == scope and record.request_hash == fingerprint_of(payload)
