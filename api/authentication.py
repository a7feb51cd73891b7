"""JWT authentication with the person behind the token read from the cache, renewed on every change to them.

simplejwt reads the user row on every request to refuse a deleted or
deactivated account at once; on the benchmark machine that query was the
largest single cost of an API request that touches no table of its own.
Here the row is kept in the cache, tagged with a per-person stamp that every
change to the person renews, so the refusal is just as immediate:

- every ``save()`` of the user (deactivation in the admin or anywhere, a new
  password, a profile edit, the last sign-in) and every delete (the account
  deleted by its owner, by an admin, or by the admin's bulk delete action,
  which sends ``post_delete`` per row since a receiver listens) renews it
  through the receivers ``ApiConfig.ready`` connects in every process
  (web, worker, beat, shell);
- code that changes people without ``save()`` (``QuerySet.update``, raw SQL)
  must call ``api.user_stamps.users_changed`` itself;
- signing out and revoking a refresh token family renew it too
  (accounts.api.tokens), though no access token is tied to a refresh
  token today: an access token lapses on its own (JWT_ACCESS_MINUTES).

The stamp works as tracker.versions' do, and is safe the same way against a
read racing a write: a reader takes the stamp before it reads the row, and a
writer sets a new stamp both at once and again after its transaction
commits, so a row read before the commit is cached under a stamp that no
longer counts. The password hash is never cached (the field is deferred, and
loaded on demand by the rare view that checks a password).

It is on with the answer cache (READ_CACHE_SECONDS > 0: with Redis, or in
the one-process test suite) and off without it, since each process's memory
cache would keep its own stamps. If the cache is unreachable the row is read
from the database, as simplejwt does.

Two more costs of every request are cut here (issue 18, benchmarks/NOTES.md):

- With Redis, the user's row and the per-user throttle's count travel in one
  pipelined round trip; the throttle (api.throttling) then finds its count
  on the request instead of asking Redis again.
- A token whose signature and claims were checked is remembered per process
  (the last 1,024), and only its expiry is checked again on the next
  request. That changes nothing a token can do: no access token is ever
  revoked by itself (they are not blacklisted; a signed-out or deactivated
  person is refused through the user's stamp above), and the expiry is
  compared with the clock each time. A new signing key only comes with a
  restart (it is read from the environment), which empties the memory.
"""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

from . import throttling
from .user_stamps import STAMP_TTL, keys

logger = logging.getLogger(__name__)


def _read_user(user_id: Any) -> Any:
    user_model = get_user_model()
    return user_model._default_manager.defer("password").filter(**{api_settings.USER_ID_FIELD: user_id}).first()


# (throttle key, window in seconds) of each per-user throttle whose count rides along with the user's row.
Hits = list[tuple[str, int]]


def _read_cached(stamp_key: str, entry_key: str, hits: Hits) -> tuple[dict[str, Any], dict[str, tuple[int, float]]]:
    """The cached stamp and row, and the throttle counts of ``hits``: one round trip with Redis, else get_many."""
    full_keys = [cache.make_key(stamp_key), cache.make_key(entry_key)]
    client = throttling.redis_client(full_keys[0]) if hits else None
    if client is None:
        return cache.get_many([stamp_key, entry_key]), {}
    pipeline = client.pipeline(transaction=False)
    pipeline.mget(full_keys)
    for key, window in hits:
        throttling.queue_hit(pipeline, key, window)
    values, *answers = pipeline.execute()
    loads = cache._cache._serializer.loads  # type: ignore[attr-defined]  # Django's stubs omit the client
    found = {key: loads(value) for key, value in zip((stamp_key, entry_key), values, strict=True) if value is not None}
    return found, {key: throttling.hit_result(answer) for (key, _), answer in zip(hits, answers, strict=True)}


def cached_user(user_id: Any, request: Request | None = None, hits: Hits | None = None) -> Any:
    """The user ``user_id`` names, or None; from the cache while their stamp holds.

    With ``hits``, the throttle counts read with the row are left on ``request`` for api.throttling.
    """
    ttl = settings.READ_CACHE_SECONDS
    if ttl <= 0:
        return _read_user(user_id)
    stamp_key, entry_key = keys(user_id)
    try:
        found, counted = _read_cached(stamp_key, entry_key, hits or [])
        if request is not None and counted:
            setattr(request, throttling.PREFETCHED_HITS, counted)
        stamp = found.get(stamp_key)
        if stamp is None:
            # add(), not set(): of two readers creating a stamp at once one
            # wins, and a row cached under the loser's stamp never counts.
            cache.add(stamp_key, uuid.uuid4().hex, timeout=STAMP_TTL)
            stamp = cache.get(stamp_key)
    except Exception:
        logger.warning("cache unreachable; reading API user %s", user_id, exc_info=True)
        return _read_user(user_id)
    entry = found.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 2 and stamp is not None and entry[0] == stamp:
        return entry[1]
    user = _read_user(user_id)
    if user is not None and stamp is not None:  # an unknown id is not kept: made-up ids must not fill the cache
        try:
            cache.set(entry_key, (stamp, user), timeout=ttl)
        except Exception:
            logger.warning("could not cache API user %s", user_id, exc_info=True)
    return user


@lru_cache(maxsize=1024)
def _checked_token(raw_token: bytes) -> Token:
    """simplejwt's check of a token's signature and claims, remembered per process (see the module docstring).

    A token that fails is not remembered (lru_cache keeps no exceptions).
    """
    return JWTAuthentication.get_validated_token(_plain_authentication(), raw_token)


@lru_cache(maxsize=1)
def _plain_authentication() -> JWTAuthentication:
    return JWTAuthentication()


def _user_throttle_hits(request: Request, user_id: Any) -> Hits:
    """The per-user throttles of the view ``request`` is for, keyed as UserRateThrottle keys them."""
    view = (request.parser_context or {}).get("view")
    if view is None:
        return []
    return [
        (throttle.cache_format % {"scope": throttle.scope, "ident": user_id}, throttle.duration)
        for throttle in view.get_throttles()
        if isinstance(throttle, throttling.UserThrottle) and throttle.rate is not None
    ]


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's JWT authentication, with the user read through ``cached_user``; the same refusals."""

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:  # type: ignore[override]
        header = self.get_header(request)
        raw_token = None if header is None else self.get_raw_token(header)
        if raw_token is None:
            return None
        validated_token = self.get_validated_token(raw_token)
        return self.get_user(validated_token, request), validated_token

    def get_validated_token(self, raw_token: bytes) -> Token:
        token = _checked_token(bytes(raw_token))
        try:
            token.check_exp(current_time=aware_utcnow())
        except TokenError:
            # Expired since it was remembered: simplejwt's own check gives the usual refusal.
            return super().get_validated_token(raw_token)
        return token

    def get_user(self, validated_token: Token, request: Request | None = None) -> Any:  # type: ignore[override]
        if api_settings.CHECK_REVOKE_TOKEN:  # compares the password hash, which is never cached
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(str(_("Token contained no recognizable user identification"))) from exc
        hits = _user_throttle_hits(request, user_id) if request is not None else []
        user = cached_user(user_id, request, hits)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user


class CachedUserJWTScheme(SimpleJWTScheme):
    """The OpenAPI schema describes it as simplejwt's own: the same bearer token, the same ``jwtAuth``."""

    target_class = "api.authentication.CachedUserJWTAuthentication"
