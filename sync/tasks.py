"""The sync's housekeeping, run by beat. Safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import feed


@shared_task(name="sync.tasks.prune_tombstones", acks_late=True)
def prune_tombstones() -> int:
    """Forget tombstones past their retention (``sync.feed.TOMBSTONE_DAYS``); returns how many went."""
    return feed.prune_tombstones()
