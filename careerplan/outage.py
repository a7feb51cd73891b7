"""A database outage answered as 503 "try again", not as a 500 bug.

While PostgreSQL restarts or fails over, every query raises OperationalError
(or InterfaceError on a connection already closed). The request's transaction
is rolled back by the server, so nothing half-written is left; what the client
needs to hear is that the service is briefly unavailable and when to retry.
API paths get the API's error shape (api.errors) with Retry-After;
pages get a plain 503. Django closes the broken connection at the end of the
request, and CONN_HEALTH_CHECKS makes the next request open a fresh one, so
the process recovers on its own once the database is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment - CareerPlan</title></head>
<body><h1>Back in a moment</h1><p>CareerPlan cannot reach its database just now. Nothing you saved is lost;
please try again in a few seconds.</p></body></html>
"""


class DatabaseUnavailableMiddleware:
    """Turn a view's OperationalError/InterfaceError into a 503 with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        response: HttpResponse
        if request.path.startswith("/api/"):
            body = {"code": "service_unavailable", "message": gettext("The service is briefly unavailable; try again.")}
            response = JsonResponse(body, status=503)
        else:
            response = HttpResponse(PAGE, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
