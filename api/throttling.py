"""DRF's throttles, failing open when their counters cannot be read.

The counters live in the default cache, Redis when REDIS_URL is set. A
throttle is a guard against abuse, not a dependency of every request: while
Redis is down, a request is let through (and a warning logged) rather than
answered with a 500. The cache's 1 s socket timeouts (settings CACHES) bound
what each request waits to find out.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class FailOpenThrottle(SimpleRateThrottle):
    """A rate throttle that lets the request through when its cache raises."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("throttle %s: the cache is unreachable; letting the request through", self.scope)
            return True


class AnonThrottle(FailOpenThrottle, AnonRateThrottle):
    """Anonymous requests, counted per client address."""


class UserThrottle(FailOpenThrottle, UserRateThrottle):
    """Signed-in requests, counted per user."""


class ScopedThrottle(FailOpenThrottle, ScopedRateThrottle):
    """Requests to views naming a ``throttle_scope`` (the ``auth/`` endpoints)."""
