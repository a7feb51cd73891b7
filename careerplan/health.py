"""Health endpoints for load balancers and orchestrators.

``/healthz`` (liveness) says the process answers and touches nothing else, so
a database outage does not get every web process restarted. ``/readyz``
(readiness) says whether this process can do its work now: the database
answers a trivial query and the Celery broker accepts a connection. Both are
plain Django views: no login, no API throttle, and production exempts them
from the HTTPS redirect (SECURE_REDIRECT_EXEMPT).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careerplan.celery import app as celery_app

logger = logging.getLogger(__name__)

# Seconds to wait for the broker. A probe that hangs is worse than one that
# fails: load balancers time out after a few seconds and count that as down.
BROKER_TIMEOUT = 2


def database_ready() -> None:
    """Raise unless the default database answers a trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def broker_ready() -> None:
    """Raise unless the Celery broker accepts a connection within ``BROKER_TIMEOUT``."""
    # The Redis transport takes its timeouts from the transport options (it
    # ignores connect_timeout); without them a silent broker holds the probe
    # for the operating system's TCP timeout, minutes.
    timeouts = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    with celery_app.connection_for_write(transport_options=timeouts) as broker:
        # One attempt: the probe itself is retried by whoever sends it.
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)


READINESS_CHECKS: dict[str, Callable[[], None]] = {"database": database_ready, "broker": broker_ready}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the process serves requests."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 naming the checks that passed, or 503 naming those that failed."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:
            # Any error means "not ready". The details (host names, perhaps a
            # URL with credentials) go to the log, not to an anonymous caller;
            # one line each, as a probe repeats every few seconds.
            logger.warning("readiness check %r failed: %s", name, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": results, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)
