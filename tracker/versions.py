"""Version stamps that tell a cached answer it is stale: one for the catalogue, one per user's plan.

The hot reads (a track's page in the API, a user's dashboard) are cached
with a tag naming the stamps they were computed under, and count only while
those stamps are current: a change writes a new stamp, and the next read
recomputes and overwrites the entry in place (one entry per track or user,
so churn does not grow the cache). A stamp is a random token rather than a
counter so that a stamp lost with the cache (Redis restarted, an eviction)
can never come back equal to one that an old entry was tagged with.

Why this is safe against a read racing a write: a reader takes the stamp
before it reads the database, and a writer sets a new stamp both at once and
again after its transaction commits. A reader that saw the old stamp may
store an answer computed from old data, but tagged with the old stamp, which
no longer matches once the commit has replaced it.

The cache is a speed-up, never a dependency: if it is unreachable, readers
compute the answer and writers go on (an error is logged), and the time to
live bounds how long an answer cached before an outage can be served after.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

CATALOGUE_KEY = "catalogue:stamp"
STAMP_TTL = 24 * 60 * 60


def _plan_key(user_id: int) -> str:
    return f"plan:{user_id}:stamp"


def _new_stamps(keys: list[str]) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=STAMP_TTL)
    except Exception:  # the cache is down: readers compute, and the TTL bounds staleness
        logger.warning("could not renew cache stamps %s", keys, exc_info=True)


def _renew(keys: list[str]) -> None:
    """A new stamp now and again once the transaction commits (see the module docstring)."""
    _new_stamps(keys)
    transaction.on_commit(lambda: _new_stamps(keys))


def catalogue_changed() -> None:
    """Call after any change to tracks, levels, steps, milestones, resources or prerequisites."""
    _renew([CATALOGUE_KEY])


def plans_changed(user_ids: Iterable[int]) -> None:
    """Call after any change to these users' enrollments, progress or history."""
    keys = [_plan_key(pk) for pk in set(user_ids)]
    if keys:
        _renew(keys)


def _read(keys: list[str]) -> dict[str, Any]:
    """``keys`` from the cache in one round trip; missing stamps are created on the way."""
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key.endswith(":stamp") and key not in found}
    if missing:
        # add(), not set(): of two readers creating a stamp at once, one wins,
        # and an answer tagged with the loser's stamp is simply never valid.
        for key, stamp in missing.items():
            cache.add(key, stamp, timeout=STAMP_TTL)
        found.update(cache.get_many(list(missing)))
    return found


def _stamps(keys: list[str]) -> list[str]:
    found = _read(keys)
    return [str(found.get(key, "")) for key in keys]


def cached(name: str, compute: Callable[[], T], *, key: str, user_id: int | None = None, depends_on: str = "") -> T:
    """``compute()``'s answer, cached until the catalogue (or ``user_id``'s plan) changes.

    One entry per ``name`` and ``key`` (a slug, a user id), overwritten in
    place, so the cache holds one answer per thing however often it changes.
    The entry is tagged with the stamps it was computed under and with
    ``depends_on`` (whatever else the answer turns on: the user's local date
    and time zone); it counts only while the tag matches. The stamps and the
    entry come in one round trip.
    """
    # settings.READ_CACHE_SECONDS: long enough to pay off, short enough that an
    # answer cached before a cache outage (when a writer could not set a new
    # stamp) is not served for long.
    ttl = settings.READ_CACHE_SECONDS
    if ttl <= 0:
        return compute()
    stamp_keys = [CATALOGUE_KEY] + ([_plan_key(user_id)] if user_id is not None else [])
    entry_key = f"{name}:{key}"
    try:
        found = _read([*stamp_keys, entry_key])
    except Exception:
        logger.warning("cache unreachable; computing %s", name, exc_info=True)
        return compute()
    tag = ":".join([*(str(found.get(k, "")) for k in stamp_keys), depends_on])
    entry = found.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == tag:
        return entry[1]  # type: ignore[no-any-return]
    answer = compute()
    if answer is None:  # "not found" is not kept: made-up keys must not fill the cache
        return answer
    try:
        cache.set(entry_key, (tag, answer), timeout=ttl)
    except Exception:
        logger.warning("could not cache %s", name, exc_info=True)
    return answer


# The catalogue's ladder steps, in this process's memory: {key: (stamp, value)}.
# Bounded by the number of tracks; read-only for everyone who gets them.
_held: dict[Any, tuple[str, Any]] = {}


def held_per_track(name: str, track_ids: Iterable[int], compute: Callable[[list[int]], dict[int, T]]) -> dict[int, T]:
    """Per track, ``compute(missing_ids)``'s answer, kept in memory while the catalogue stamp holds.

    For what every request reads and only editors change (a track's visible
    steps with their milestones, levels and prerequisites): built once per
    process and catalogue change instead of once per request. The objects are
    shared between requests, so callers must not change them. Without the
    answer cache (READ_CACHE_SECONDS=0, or the cache unreachable) everything is
    computed each time.
    """
    wanted = list(track_ids)
    if settings.READ_CACHE_SECONDS <= 0:
        return compute(wanted)
    try:
        (stamp,) = _stamps([CATALOGUE_KEY])
    except Exception:
        logger.warning("cache unreachable; reading the catalogue", exc_info=True)
        return compute(wanted)
    found: dict[int, T] = {}
    missing = []
    for track_id in wanted:
        held = _held.get((name, track_id))
        if held is not None and held[0] == stamp:
            found[track_id] = held[1]
        else:
            missing.append(track_id)
    if missing:
        for track_id, value in compute(missing).items():
            _held[(name, track_id)] = (stamp, value)
            found[track_id] = value
    return found


def held(name: str, compute: Callable[[], T]) -> T:
    """``compute()``'s answer about the whole catalogue, kept in memory while the catalogue stamp holds.

    As ``held_per_track``, for one value (the visible milestones' ids by slug).
    """
    return held_per_track(name, [0], lambda ids: {0: compute()})[0]


def connect_receivers(catalogue_models: Iterable[type[Any]], plan_models: Iterable[type[Any]]) -> None:
    """Renew stamps on every save and delete of these models (see tracker.signals)."""
    from django.db.models.signals import post_delete, post_save

    def on_catalogue(sender: Any, **kwargs: Any) -> None:
        catalogue_changed()

    def on_plan(sender: Any, instance: Any, **kwargs: Any) -> None:
        plans_changed([instance.user_id])

    for model in catalogue_models:
        for signal in (post_save, post_delete):
            signal.connect(on_catalogue, sender=model, weak=False, dispatch_uid=f"catalogue-stamp-{model.__name__}")
    for model in plan_models:
        for signal in (post_save, post_delete):
            signal.connect(on_plan, sender=model, weak=False, dispatch_uid=f"plan-stamp-{model.__name__}")
