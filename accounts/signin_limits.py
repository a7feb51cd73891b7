"""The failure limit every sign-in shares: the web (allauth), the admin and the API's ``auth/token/``.

A failed sign-in is counted three ways, each over a window of
SIGNIN_FAILURE_WINDOW seconds that opens with the first failure counted (not
on the clock's fixed boundaries, where five guesses straddling a boundary
would count as two windows' worth and the lock would lift early):

- per address and account (SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT): one
  address guessing one account's password;
- per account, from every address (SIGNIN_FAILURES_PER_ACCOUNT): a botnet
  guessing one account. Several times the first limit, so no single address
  can lock an account for its owner;
- per address, over every account (SIGNIN_FAILURES_PER_ADDRESS): one address
  trying a common password on many accounts. Generous, because a carrier or an
  office puts many people behind one address.

Past any of them the next attempt is refused, without checking the password,
until the window ends; failures on one account do not stop a right password
for another. The address is the client's as api.client_address reads it, and
the account is the email as typed, lower-cased and hashed (so an unknown
address counts like a known one, and no email is stored in the cache).

Counts live in Django's cache, Redis when REDIS_URL is set, so every server
process shares them. An attempt is counted before its password is checked and
uncounted if it succeeds, with the cache's atomic ``incr``, so parallel guesses
cannot all slip in under the limit. While the cache is unreachable the limit
fails open, like the API's throttles (api.throttling): the password is still
checked, only the brake on guessing is off until Redis is back (logged).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from api.client_address import client_key

logger = logging.getLogger(__name__)

# The API's message for a refused attempt, which the admin shows too (the
# web sign-in shows allauth's own "too_many_login_attempts").
TOO_MANY_FAILURES = _("Too many failed sign-ins; try again later.")


class SignInAttempt:
    """One attempt to sign in to the account named by ``email``, from the request's address."""

    def __init__(self, request: HttpRequest, email: str) -> None:
        self.window: int = settings.SIGNIN_FAILURE_WINDOW
        address = client_key(request)
        account = _account_digest(email)
        self.pair_key = f"signin-failures:pair:{address}:{account}"
        self.account_key = f"signin-failures:account:{account}"
        self.address_key = f"signin-failures:address:{address}"
        self.limits = {
            self.pair_key: settings.SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT,
            self.account_key: settings.SIGNIN_FAILURES_PER_ACCOUNT,
            self.address_key: settings.SIGNIN_FAILURES_PER_ADDRESS,
        }
        self.counted: list[str] = []

    def begin(self) -> int | None:
        """Count the attempt as a failure until told otherwise; None if it may go ahead, else seconds to wait.

        A refused attempt is not counted: its password is never checked.
        """
        try:
            for key, limit in self.limits.items():
                count = self._bump(key)
                self.counted.append(key)
                if count > limit:
                    self._uncount()
                    return self._seconds_left(key)
        except RedisError:
            logger.warning("sign-in limits: the cache is unreachable; allowing the attempt")
            self._uncount()
        return None

    def succeeded(self) -> None:
        """The password was right: not a failure, and this address's earlier failures on the account are forgotten.

        They leave every count, the account's and the address's too: they were
        the owner's typos, or failures of someone who knows the password anyway.
        """
        if not self.counted:  # the cache was unreachable: nothing was counted
            return
        self._uncount()
        try:
            earlier = int(cache.get(self.pair_key) or 0)
            for key in (self.account_key, self.address_key) if earlier else ():
                _take_from_window(key, earlier)
            cache.delete(self.pair_key)
        except RedisError:
            logger.warning("sign-in limits: the cache is unreachable; earlier failures are not forgotten")

    def abandoned(self) -> None:
        """No password was checked after all (a malformed request): not a failure."""
        self._uncount()

    def forget_account(self) -> None:
        """Clear the account's failures, and this address's on it (after a password reset proves the owner)."""
        self._forget(self.account_key, self.pair_key)

    def _bump(self, key: str) -> int:
        """Add one to the count, opening its window (and noting when) if there is none."""
        count, opened = _add_in_window(key, 1, self.window)
        if opened:
            cache.set(f"{key}:opened", time.time(), timeout=self.window)
        return count

    def _seconds_left(self, key: str) -> int:
        opened = cache.get(f"{key}:opened")
        if opened is None:  # the window's note is lost; the longest wait is the honest answer
            return self.window
        return max(1, math.ceil(opened + self.window - time.time()))

    def _uncount(self) -> None:
        counted, self.counted = self.counted, []
        try:
            for key in counted:
                _take_from_window(key, 1)
        except RedisError:
            logger.warning("sign-in limits: the cache is unreachable; an attempt stays counted")

    def _forget(self, *keys: str) -> None:
        try:
            cache.delete_many(list(keys))
        except RedisError:
            logger.warning("sign-in limits: the cache is unreachable; failures are not forgotten")


# Django's incr and decr on Redis test that the key exists and then INCRBY it:
# a window ending between the two would leave a count with no expiry, a lock
# that never lifts. These scripts run in Redis as one step.
_ADD_IN_WINDOW = """
local opened = redis.call('SET', KEYS[1], 0, 'EX', ARGV[2], 'NX')
return {redis.call('INCRBY', KEYS[1], ARGV[1]), opened and 1 or 0}
"""
_TAKE_FROM_WINDOW = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECRBY', KEYS[1], ARGV[1]) end
"""


def _add_in_window(key: str, amount: int, window: int) -> tuple[int, bool]:
    """Add to a count that lives ``window`` seconds from its first addition: (the new count, whether this opened it)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        count, opened = client.eval(_ADD_IN_WINDOW, 1, backend.make_and_validate_key(key), amount, window)
        return int(count), bool(opened)
    # The other backends (the memory cache of the embedded default) hold a lock
    # around incr and keep the key's expiry.
    try:
        return backend.incr(key, amount), False
    except ValueError:  # no window open
        if backend.add(key, amount, timeout=window):
            return amount, True
        return backend.incr(key, amount), False  # a parallel attempt opened it first


def _take_from_window(key: str, amount: int) -> None:
    """Take back from a count, if its window is still open."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        client.eval(_TAKE_FROM_WINDOW, 1, backend.make_and_validate_key(key), amount)
        return
    with contextlib.suppress(ValueError):  # the window has ended: nothing left to take back
        backend.decr(key, amount)


def _account_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
