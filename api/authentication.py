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
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from .user_stamps import STAMP_TTL, keys

logger = logging.getLogger(__name__)


def _read_user(user_id: Any) -> Any:
    user_model = get_user_model()
    return user_model._default_manager.defer("password").filter(**{api_settings.USER_ID_FIELD: user_id}).first()


def cached_user(user_id: Any) -> Any:
    """The user ``user_id`` names, or None; from the cache while their stamp holds."""
    ttl = settings.READ_CACHE_SECONDS
    if ttl <= 0:
        return _read_user(user_id)
    stamp_key, entry_key = keys(user_id)
    try:
        found = cache.get_many([stamp_key, entry_key])
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


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's JWT authentication, with the user read through ``cached_user``; the same refusals."""

    def get_user(self, validated_token: Token) -> Any:
        if api_settings.CHECK_REVOKE_TOKEN:  # compares the password hash, which is never cached
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(str(_("Token contained no recognizable user identification"))) from exc
        user = cached_user(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user


class CachedUserJWTScheme(SimpleJWTScheme):
    """The OpenAPI schema describes it as simplejwt's own: the same bearer token, the same ``jwtAuth``."""

    target_class = "api.authentication.CachedUserJWTAuthentication"
