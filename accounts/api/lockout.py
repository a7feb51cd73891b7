"""Failed-login lockout for ``auth/token/``, shared by every server process.

Counts live in Django's cache, which is Redis when REDIS_URL is set, so
attempts spread over several processes or machines add up. Windows are fixed
(``API_LOGIN_FAILURE_WINDOW`` seconds); counters are bumped with the cache's
atomic ``incr``, never read-modify-write. Both the client address and the
email are counted: one stops a guesser trying many accounts, the other a
botnet trying one account.

While the cache is unreachable the lockout fails open, like the throttles
(api.throttling): an attempt is allowed when its counts cannot be
read, and a failure that cannot be counted is logged. Passwords are still
checked; only the brute-force brake is off until Redis returns.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)


class LoginLockout:
    """The failure counters of one login attempt (its address and email)."""

    def __init__(self, request: Request, email: str) -> None:
        self.limit: int = settings.API_LOGIN_FAILURE_LIMIT
        self.window: int = settings.API_LOGIN_FAILURE_WINDOW
        now = time.time()
        bucket = int(now // self.window)
        self.retry_after = int(self.window - now % self.window) + 1
        address = BaseThrottle().get_ident(request)
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        self.keys = [f"api-login-failures:ip:{address}:{bucket}", f"api-login-failures:email:{digest}:{bucket}"]

    def wait(self) -> int | None:
        """Seconds until another attempt may be made, or None while under the limit."""
        try:
            counts = cache.get_many(self.keys)
        except RedisError:
            logger.warning("login lockout: the cache is unreachable; allowing the attempt")
            return None
        if any(int(count) >= self.limit for count in counts.values()):
            return self.retry_after
        return None

    def record_failure(self) -> None:
        try:
            for key in self.keys:
                # add() is a no-op when the key exists; incr() is atomic in Redis.
                cache.add(key, 0, timeout=self.window + 1)
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=self.window + 1)
        except RedisError:
            logger.warning("login lockout: the cache is unreachable; this failure is not counted")
