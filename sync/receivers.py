"""The sync app listens to: the end of ``migrate`` (its triggers), and an account's deletion (its change log)."""

from __future__ import annotations

from typing import Any

from django.db import connections

from . import triggers
from .models import Change, Stream


def reinstall_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and flush): a table rebuilt by a migration on SQLite has lost its triggers."""
    if "sync_stream" in connections[using].introspection.table_names():
        triggers.install(connections[using])


def forget_account(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An account's stream and change log go with it; the triggers wrote its deletions into them a moment ago."""
    Change.objects.filter(user_id=instance.pk).delete()
    Stream.objects.filter(user_id=instance.pk).delete()
