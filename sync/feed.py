"""Reading a stream of the change log: the changes after a cursor, in a stable order, a page at a time.

The order is the keyset ``(seq, kind, object_id)``: ``seq`` is handed out in
commit order (``sync.triggers``), so a page never passes over a change that
commits later, and the position after the last change read is the next
cursor, never a page number. An object changed again after it was read moves
to a later number and is read again, with its new state; one never read
twice without a change in between. (``kind`` and ``object_id`` only break
the tie of objects that one statement changed at once.)

A sync with no cursor is a full one: every live object, paged the same way.
It remembers the number the stream was at when it began (``since``), and
skips the tombstones up to it: the client never held what was deleted
before it first synced. Deletions after that are tombstones like any other.

Tombstones are kept ``TOMBSTONE_DAYS``; then ``prune_tombstones`` forgets
them and raises the stream's ``pruned_through``, and a cursor older than
that is refused (``CursorExpired``, 410): the client starts a full sync.
Live objects' changes are never pruned: there is one row per object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from .models import Change, Stream

# How long a deletion is remembered for a client that has not synced: a month covers
# a phone left in a drawer over a holiday; after it, a full sync (one page per few hundred objects).
TOMBSTONE_DAYS = 30
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class InvalidCursor(Exception):
    """A cursor this server did not issue for this stream (400 ``invalid_cursor``)."""


class CursorExpired(Exception):
    """A cursor from before tombstones it would need were forgotten (410 ``cursor_expired``): sync afresh."""


@dataclass(frozen=True)
class Position:
    """Where a client is in its stream: after ``(seq, kind, object_id)``; ``since``: where its full sync began."""

    seq: int = 0
    kind: str = ""
    object_id: int = 0
    since: int = 0

    def encode(self, stream: int) -> str:
        """The opaque cursor: signed per stream, so another account's cursor, or an edited one, is refused."""
        # No timestamp (unlike signing.dumps): the same position gives the same cursor.
        return signing.Signer(salt=f"sync.cursor.{stream}").sign_object(
            [self.seq, self.kind, self.object_id, self.since]
        )

    @classmethod
    def decode(cls, stream: int, cursor: str) -> Position:
        try:
            seq, kind, object_id, since = signing.Signer(salt=f"sync.cursor.{stream}").unsign_object(cursor)
        except (signing.BadSignature, ValueError, TypeError) as exc:
            raise InvalidCursor from exc
        if not all(isinstance(n, int) for n in (seq, object_id, since)) or not isinstance(kind, str):
            raise InvalidCursor
        return cls(seq, kind, object_id, since)


@dataclass
class Page:
    changes: list[Change]
    next: Position
    has_more: bool
    # Changes at or before the start of a full sync: an object that is not found
    # any more (or not visible) was never held by the client, so it needs no tombstone.
    initial_through: int = 0


def read(stream: int, position: Position | None, limit: int) -> Page:
    """The next ``limit`` changes of ``stream`` after ``position`` (None: a full sync from the start)."""
    state = Stream.objects.filter(user_id=stream).values("seq", "pruned_through").first() or {
        "seq": 0,
        "pruned_through": 0,
    }
    if position is None:
        position = Position(since=state["seq"])
    elif state["pruned_through"] > max(position.seq, position.since):
        raise CursorExpired
    after = (
        Q(seq__gt=position.seq)
        | Q(seq=position.seq, kind__gt=position.kind)
        | Q(seq=position.seq, kind=position.kind, object_id__gt=position.object_id)
    )
    rows = list(
        Change.objects.filter(after, user_id=stream)
        .exclude(deleted=True, seq__lte=position.since)
        .order_by("seq", "kind", "object_id")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        last = rows[-1]
        position = Position(last.seq, last.kind, last.object_id, position.since)
    return Page(rows, position, has_more, initial_through=position.since)


def prune_tombstones(now: datetime | None = None) -> int:
    """Forget tombstones older than ``TOMBSTONE_DAYS``; returns how many went.

    Each stream's ``pruned_through`` is raised first, in the same
    transaction, so no cursor that needed a forgotten tombstone is served
    without it: it gets ``CursorExpired``.
    """
    cutoff = (now or timezone.now()) - timedelta(days=TOMBSTONE_DAYS)
    old = Change.objects.filter(deleted=True, changed_at__lt=cutoff)
    forgotten = 0
    for row in old.values("user_id").annotate(top=Max("seq")).order_by("user_id"):
        with transaction.atomic():
            Stream.objects.filter(user_id=row["user_id"], pruned_through__lt=row["top"]).update(
                pruned_through=row["top"]
            )
            deleted, _ = old.filter(user_id=row["user_id"], seq__lte=row["top"]).delete()
            forgotten += deleted
    return forgotten
