"""The per-person stamps behind api.authentication's cached user, and what renews them.

Apart from the authentication class so that every process (a Celery worker
too) can connect the receivers at start-up (``ApiConfig.ready``) without
importing DRF for it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# Long enough to outlive any cached row (READ_CACHE_SECONDS); a lost stamp only costs one read.
STAMP_TTL = 24 * 60 * 60


def keys(user_id: Any) -> tuple[str, str]:
    return f"api-user:{user_id}:stamp", f"api-user:{user_id}"


def _new_stamps(user_ids: list[Any]) -> None:
    try:
        cache.set_many({keys(pk)[0]: uuid.uuid4().hex for pk in user_ids}, timeout=STAMP_TTL)
    except Exception:  # the cache is down: nothing cached can be read while it is, and the TTL bounds the rest
        logger.warning("could not renew the API user stamps of %s", user_ids, exc_info=True)


def users_changed(user_ids: Iterable[Any]) -> None:
    """Call after any change to these people made without ``save()`` or ``delete()`` (see api.authentication)."""
    ids = sorted({str(pk) for pk in user_ids})
    if ids:
        _new_stamps(ids)
        transaction.on_commit(lambda: _new_stamps(ids))


def on_user_saved_or_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save`` and ``post_delete`` of the user model (connected in ``ApiConfig.ready``)."""
    users_changed([instance.pk])
