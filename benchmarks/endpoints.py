"""The two references every endpoint of `make bench` is measured against, served by the same gunicorn.

- ``bare``: a WSGI callable answering before Django starts (gunicorn's own limit).
- ``plain``: a plain Django view returning a ``JsonResponse`` through the
  project's full middleware (the framework's limit; the issue's 100%).

Both answer only with ``settings.BENCHMARK_ENDPOINTS`` on (benchmarks.settings);
otherwise the path is an ordinary 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse

BARE_PATH = "/bench/bare/"
PLAIN_PATH = "/bench/plain/"
_BARE_BODY = b'{"ok":true}'

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_bare_endpoint(application: WSGIApp) -> WSGIApp:
    """``application`` with ``BARE_PATH`` answered in front of it, when the benchmark endpoints are on."""
    if not settings.BENCHMARK_ENDPOINTS:
        return application

    def bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != BARE_PATH:
            return application(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_BARE_BODY)))])
        return [_BARE_BODY]

    return bare


def plain(request: HttpRequest) -> JsonResponse:
    """A JSON answer from a plain view: what Django and the middleware cost with no framework on top."""
    if not settings.BENCHMARK_ENDPOINTS:
        raise Http404
    return JsonResponse({"ok": True})
