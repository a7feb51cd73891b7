"""The change log the sync API reads: for each person (and for the catalogue), what changed, in commit order.

Database triggers (``sync.triggers``) write it, in the same transaction as
the change itself, so every way a row changes (a view, the admin, a bulk
update, a cascade, another app's code) is recorded without anyone having to
remember to. See ``sync.triggers`` for why the numbers are in commit order.
"""

from __future__ import annotations

from django.db import models

# The stream of the catalogue (tracks and milestones everyone sees); people's streams are their user ids.
CATALOGUE = 0


class Kind(models.TextChoices):
    """What a change is about. A person's stream holds the first six, the catalogue's the last two."""

    PLAN = "plan", "Plan"
    PROGRESS = "progress", "Progress"
    CHECKLIST_ITEM = "checklist_item", "Checklist item (and the person's tick)"
    MILESTONE = "milestone", "Milestone"
    PLAN_STEP = "plan_step", "Plan step"
    NOTIFICATION = "notification", "Notification"
    TRACK = "track", "Track"


class Stream(models.Model):
    """One person's (or the catalogue's) counter: the last change number given out, and what retention dropped.

    Not a foreign key to the user: the triggers write here while an account's
    rows are being deleted, and a constraint would refuse those rows at
    commit. An account's stream and changes go with it (``sync.receivers``).
    """

    user_id = models.BigIntegerField(primary_key=True, help_text="The person's id; 0 for the catalogue.")
    seq = models.BigIntegerField(default=0, help_text="The last change number given out.")
    pruned_through = models.BigIntegerField(
        default=0, help_text="Tombstones up to this number were forgotten: an older cursor must start again."
    )

    class Meta:
        db_table = "sync_stream"

    def __str__(self) -> str:
        return f"stream {self.user_id} at {self.seq}"


class Change(models.Model):
    """The latest change to one object of one stream: its number, and whether it was a deletion (a tombstone).

    One row per object, moved forward by each change, so a client that
    catches up reads each changed object once, however often it changed.
    """

    user_id = models.BigIntegerField(help_text="The stream: the person's id, 0 for the catalogue.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    seq = models.BigIntegerField()
    deleted = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "sync_change"
        constraints = [
            models.UniqueConstraint(fields=["user_id", "kind", "object_id"], name="sync_change_once_per_object")
        ]
        indexes = [
            # The sync's keyset: one stream, after a cursor, in order.
            models.Index(fields=["user_id", "seq", "kind", "object_id"], name="sync_change_keyset"),
            # Retention: old tombstones, across streams.
            models.Index(fields=["deleted", "changed_at"], name="sync_change_tombstones"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} at {self.seq}{' (deleted)' if self.deleted else ''}"
