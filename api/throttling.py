"""DRF's throttles, failing open when their counters cannot be read.

The counters live in the default cache, Redis when REDIS_URL is set. A
throttle is a guard against abuse, not a dependency of every request: while
Redis is down, a request is let through (and a warning logged) rather than
answered with a 500. The cache's 1 s socket timeouts (settings CACHES) bound
what each request waits to find out.

An anonymous caller is told apart by its address as api.client_address reads
it (behind TRUSTED_PROXY_COUNT proxies), not by DRF's own reading.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from .client_address import client_key

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

    def get_ident(self, request: Request) -> str:
        return client_key(request)


class AnonThrottle(FailOpenThrottle, AnonRateThrottle):
    """Anonymous requests, counted per client address."""


class UserThrottle(FailOpenThrottle, UserRateThrottle):
    """Signed-in requests, counted per user."""


class ScopedThrottle(FailOpenThrottle, ScopedRateThrottle):
    """Requests to views naming a ``throttle_scope`` (register and token), counted per client address."""


class RefreshTokenThrottle(ScopedThrottle):
    """Requests carrying a refresh token (refresh, logout), counted per token rather than per address.

    Many people share one carrier or office address, and one app retrying a
    dead token must not use up another's refreshes. The count is keyed on a
    hash of the token (never the token itself); a body without one is counted
    per address.
    """

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.data.get("refresh") if isinstance(request.data, dict) else None
        if not isinstance(token, str) or not token:
            return super().get_cache_key(request, view)
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": f"token:{digest}"}
