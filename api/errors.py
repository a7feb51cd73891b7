"""The API's one error shape, and the domain's exceptions turned into HTTP answers.

Every error body is::

    {"code": "invalid", "message": "Check the fields.", "fields": {"status": ["..."]}}

``fields`` appears on validation errors only (400), a field name to its
messages; a 409 for unmet prerequisites adds ``missing``, the milestones to
finish first.

This module knows no domain class. A domain exception that should reach an
API client as something other than a 400 says so itself, with three
attributes (see ``tracker.models.PrerequisitesMissing``): ``http_status``,
``error_code`` and ``error_extra`` (more keys for the body), and its first
message is the body's ``message``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(APIException):
    """409: the request is valid but the domain refuses it in its current state."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"

    def __init__(self, detail: str | None = None, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code)
        self.extra = extra


class DomainRefusal(APIException):
    """A domain exception that names its own HTTP status and code (see the module docstring)."""

    def __init__(self, exc: Exception, status_code: int) -> None:
        messages = getattr(exc, "messages", None) or [str(exc)]
        super().__init__(messages[0], str(getattr(exc, "error_code", "refused")))
        self.status_code = status_code
        self.extra = dict(getattr(exc, "error_extra", {}) or {})


def bad_request(exc: DjangoValidationError) -> ValidationError:
    """A model ValidationError as DRF's, keeping its per-field messages and their codes."""
    if hasattr(exc, "error_dict"):
        return ValidationError({field: _details(errors) for field, errors in exc.error_dict.items()})
    return ValidationError({"non_field_errors": _details(exc.error_list)})


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    return [ErrorDetail(message, code=error.code or "invalid") for error in errors for message in error.messages]


@csrf_exempt  # it changes nothing, and API clients carry no CSRF token
def unknown_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """A path under /api/v1/ that matches no endpoint (or an id that is not a number)."""
    return JsonResponse({"code": "not_found", "message": gettext("Not found.")}, status=status.HTTP_404_NOT_FOUND)


def _flatten(detail: Any, part: Any = str) -> Any:
    """DRF's error detail as plain lists of ``part`` of each error: its message, or (``_code``) its code."""
    if isinstance(detail, dict):
        return {key: _flatten(value, part) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [part(item) for item in detail]
        return [_flatten(item, part) for item in detail]
    return [part(detail)]


def _code(detail: Any) -> str:
    return str(getattr(detail, "code", None) or "invalid")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status, Retry-After, WWW-Authenticate), reshaped to the one error body."""
    http_status = getattr(exc, "http_status", None)
    if isinstance(http_status, int):
        exc = DomainRefusal(exc, http_status)
    elif isinstance(exc, DjangoValidationError):
        exc = bad_request(exc)
    elif isinstance(exc, Http404):
        exc = NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        non_field = fields.get("non_field_errors")
        message = (
            non_field[0] if non_field and isinstance(non_field[0], str) else gettext("Check the highlighted fields.")
        )
        codes = (
            _flatten(exc.detail, _code)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": _flatten(exc.detail, _code)}
        )
        response.data = {"code": "invalid", "message": message, "fields": fields, "field_codes": codes}
        return response
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict) and "detail" in detail:
        # simplejwt's token errors carry {"detail", "code", "messages"}: the
        # sentence and the code are inside.
        detail = ErrorDetail(str(detail["detail"]), code=str(detail.get("code", "")) or None)
    code = detail.code if isinstance(detail, ErrorDetail) else getattr(exc, "default_code", "error")
    body: dict[str, Any] = {"code": code, "message": str(detail if detail is not None else exc)}
    body.update(getattr(exc, "extra", {}))
    response.data = body
    return response
