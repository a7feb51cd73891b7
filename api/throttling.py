"""The API's throttles: a fixed-window counter per caller, failing open when it cannot be counted.

DRF's own throttles keep every request's time in a pickled list, read and
written back whole on each request: two cache round trips, and a list that
grows with the rate (600 entries at 600/min). Here a request costs one
atomic ``INCR`` in a small Lua script that also starts the window's expiry
on the first hit, and tells how long the window has left: one Redis round
trip, whatever the rate. Profiled on the benchmark machine it was about a
third of the floor endpoint's time before.

What a fixed window gives up: a caller can spend one window's allowance at
its end and the next one's at the start of the next, so at most twice the
rate in a short burst. The throttles guard against abuse, not exact rates;
the sign-in limits, which must be exact, are counted elsewhere
(accounts.signin_limits). The window starts with a caller's first request, so
two requests in a row never straddle a boundary the caller did not open.

Without Redis (``make run``, the suite's memory cache) the same window is
kept with the cache's ``add`` and ``incr``. A throttle is a guard, not a
dependency of every request: while Redis is down a request is let through (a
warning is logged) rather than answered with a 500; the cache's 1 s socket
timeouts (settings CACHES) bound the wait.

An anonymous caller is told apart by its address as api.client_address reads
it (behind TRUSTED_PROXY_COUNT proxies), not by DRF's own reading.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from .client_address import client_key

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# KEYS[1]: the caller's counter; ARGV[1]: the window in milliseconds.
# Returns the count including this request and the milliseconds the window has left.
# PEXPIRE on the first hit opens the window; the PTTL guard repairs a counter
# left without an expiry (it can only happen if the key was written by hand).
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {count, left}
"""
_scripts: dict[int, Any] = {}

# Counts api.authentication took in the same Redis round trip as the user's row, by throttle key.
PREFETCHED_HITS = "_careerplan_throttle_hits"


def redis_client(full_key: str) -> Any:
    """The redis-py client of the project's Redis cache (careerplan.cache.RedisCache) for ``full_key``, or None."""
    get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    return None if get_client is None else get_client(full_key, write=True)


def queue_hit(pipeline: Any, key: str, window: int) -> str:
    """Queue the window's count of ``key`` on a redis-py pipeline; ``hit_result`` reads its answer. The full key.

    EVAL rather than EVALSHA: a pipeline would otherwise ask SCRIPT EXISTS
    first, a round trip of its own; Redis caches the compiled script by its
    digest, so sending its 300 bytes costs next to nothing.
    """
    full_key = cache.make_key(key)
    pipeline.eval(_HIT, 1, full_key, window * 1000)
    return full_key


def hit_result(answer: Any) -> tuple[int, float]:
    count, left_ms = answer
    return int(count), int(left_ms) / 1000


def hit(key: str, window: int) -> tuple[int, float]:
    """Count a request against ``key`` in a window of ``window`` seconds: (count so far, seconds left)."""
    full_key = cache.make_key(key)
    client = redis_client(full_key)
    if client is not None:  # careerplan.cache.RedisCache: one round trip
        script = _scripts.get(id(client))
        if script is None:
            # EVALSHA, with redis-py sending the script itself once after a restart (NOSCRIPT).
            script = _scripts[id(client)] = client.register_script(_HIT)
        count, left_ms = script(keys=[full_key], args=[window * 1000])
        return int(count), int(left_ms) / 1000
    # Any other cache: the window's start beside the counter (in memory, so the extra calls cost nothing).
    now = time.time()
    cache.add(f"{key}:start", now, timeout=window)
    cache.add(key, 0, timeout=window)
    count = cache.incr(key)
    started = cache.get(f"{key}:start", now)
    return count, max(window - (now - started), 0.0)


class FailOpenThrottle(SimpleRateThrottle):
    """A fixed-window rate throttle (see the module docstring) that lets the request through when Redis is down."""

    # DRF's key with a suffix: a counter, never read as (or colliding with) a history DRF's throttles left behind.
    cache_format = "throttle_%(scope)s_%(ident)s:count"
    wait_seconds: float | None = None
    # Set by SimpleRateThrottle from the rate (DRF leaves them undeclared).
    num_requests: int
    duration: int

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        try:
            prefetched = getattr(request, PREFETCHED_HITS, {}).pop(key, None)
            count, left = prefetched if prefetched is not None else hit(key, self.duration)
        except RedisError:
            logger.warning("throttle %s: the cache is unreachable; letting the request through", self.scope)
            return True
        if count <= self.num_requests:
            return True
        self.wait_seconds = left
        return False

    def wait(self) -> float | None:
        # Whole seconds, at least one: Retry-After: 0 would invite an immediate retry.
        return None if self.wait_seconds is None else max(math.ceil(self.wait_seconds), 1)

    def get_ident(self, request: Request) -> str:
        return client_key(request)


class AnonThrottle(FailOpenThrottle, AnonRateThrottle):
    """Anonymous requests, counted per client address."""


class UserThrottle(FailOpenThrottle, UserRateThrottle):
    """Signed-in requests, counted per user."""


class ScopedThrottle(ScopedRateThrottle, FailOpenThrottle):
    """Requests to views naming a ``throttle_scope`` (register and token), counted per client address.

    DRF's scoped throttle first, so its ``allow_request`` reads the view's
    scope and rate before handing over to the window above.
    """


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
