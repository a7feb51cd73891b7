"""The triggers that write the change log (``sync.models``), for SQLite and PostgreSQL.

Why triggers: every way a synced row changes (a view, the admin, a bulk
``update()``, ``bulk_create``, a cascade, the nudges' worker writing
notifications) must reach the log, in the same transaction as the change.
A trigger cannot be forgotten by the next piece of code that writes a row.

Why the numbers never skip or repeat under concurrent writes: a change takes
the next number of its stream by an upsert on that stream's ``sync_stream``
row. On PostgreSQL that row stays locked until the writing transaction
commits or rolls back, so a second writer to the same stream waits, and only
then reads the (now committed) counter: numbers are handed out in commit
order. So when a reader sees number N committed, every number below N is
committed (or rolled back, a harmless gap): a cursor at N can never pass over
a change that commits later with a smaller number, which is the trap of
paging by ``updated_at`` or by an autoincrement id (both are taken before the
commit, so a slow transaction lands behind a reader that has moved on). On
SQLite, writes are serialised outright (``transaction_mode="IMMEDIATE"``), so
the same holds. The price is that two writes to one person's data serialise
on their stream row for the rest of the transaction; a person's own writes
rarely overlap, and the catalogue's stream is written by editors only.

Django rebuilds a table on SQLite for many schema changes, which drops its
triggers; ``install`` is idempotent and runs after every ``migrate``
(``sync.apps``), so a later migration cannot silently switch the log off.

Each feed below says which table, which stream (``user``: SQL over the row
``R``, NULL for "not synced"), which objects (a query over ``R`` naming
``o``), and when the row stands for a deletion (``deleted``; a feed whose
object is the row itself also turns a DELETE into a tombstone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Feed:
    table: str
    kind: str
    user: str
    objects: str = "SELECT R.id AS o"
    deleted: str = "FALSE"
    when: str = "TRUE"

    @property
    def is_self(self) -> bool:
        """The object is the row itself, so deleting the row deletes the object."""
        return self.objects == "SELECT R.id AS o"


_OWNER_OF_TRACK = "(SELECT owner_id FROM tracker_careertrack WHERE id = R.track_id)"
_CATALOGUE_TRACK = f"R.track_id IS NOT NULL AND {_OWNER_OF_TRACK} IS NULL"
_TRACKS_OF_MILESTONE = "SELECT track_id AS o FROM tracker_ladderstep WHERE milestone_id = R.id"

FEEDS = [
    # A person's stream: their plans, progress, checklists, personal milestones, steps and notifications.
    Feed("tracker_enrollment", "plan", "R.user_id"),
    # A plan of one's own is named by its private track: renaming it changes the plan.
    Feed(
        "tracker_careertrack",
        "plan",
        "R.owner_id",
        objects="SELECT id AS o FROM tracker_enrollment WHERE track_id = R.id",
        when="R.owner_id IS NOT NULL",
    ),
    Feed("tracker_milestoneprogress", "progress", "R.user_id"),
    Feed(
        "tracker_checklistitem",
        "checklist_item",
        "R.owner_id",
        deleted="R.removed_at IS NOT NULL",
        when="R.owner_id IS NOT NULL",
    ),
    # A tick is the person's state on an item: the item, as they see it, changed.
    Feed("tracker_checklisttick", "checklist_item", "R.user_id", objects="SELECT R.item_id AS o"),
    Feed("tracker_milestone", "milestone", "R.owner_id", deleted="NOT R.is_active", when="R.owner_id IS NOT NULL"),
    Feed(
        "tracker_milestone_prerequisites",
        "milestone",
        "(SELECT owner_id FROM tracker_milestone WHERE id = R.from_milestone_id)",
        objects="SELECT R.from_milestone_id AS o",
    ),
    Feed("tracker_planstep", "plan_step", "(SELECT user_id FROM tracker_enrollment WHERE id = R.enrollment_id)"),
    # A personal milestone removed (deactivated) takes its step out of the plan.
    Feed(
        "tracker_milestone",
        "plan_step",
        "R.owner_id",
        objects="SELECT id AS o FROM tracker_planstep WHERE milestone_id = R.id",
        when="R.owner_id IS NOT NULL",
    ),
    Feed("tracker_notification", "notification", "R.user_id"),
    # The catalogue's stream (0): tracks with everything their detail shows, and milestones.
    Feed("tracker_careertrack", "track", "0", when="R.owner_id IS NULL"),
    Feed("tracker_careerlevel", "track", "0", objects="SELECT R.track_id AS o", when=_CATALOGUE_TRACK),
    Feed("tracker_choicegroup", "track", "0", objects="SELECT R.track_id AS o", when=_CATALOGUE_TRACK),
    Feed("tracker_ladderstep", "track", "0", objects="SELECT R.track_id AS o", when=_CATALOGUE_TRACK),
    Feed("tracker_ladderstep", "milestone", "0", objects="SELECT R.milestone_id AS o", when=_CATALOGUE_TRACK),
    Feed("tracker_milestone", "milestone", "0", when="R.owner_id IS NULL"),
    Feed("tracker_milestone", "track", "0", objects=_TRACKS_OF_MILESTONE, when="R.owner_id IS NULL"),
    Feed(
        "tracker_milestone_prerequisites",
        "milestone",
        "0",
        objects="SELECT R.from_milestone_id AS o",
        when="(SELECT owner_id FROM tracker_milestone WHERE id = R.from_milestone_id) IS NULL",
    ),
    Feed("tracker_resource", "milestone", "0", objects="SELECT R.milestone_id AS o"),
    # The editors' checklist items come with their milestone.
    Feed("tracker_checklistitem", "milestone", "0", objects="SELECT R.milestone_id AS o", when="R.owner_id IS NULL"),
    Feed(
        "tracker_resource",
        "track",
        "0",
        objects="SELECT track_id AS o FROM tracker_ladderstep WHERE milestone_id = R.milestone_id",
    ),
]

OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def _on(sql: str, row: str) -> str:
    return re.sub(r"\bR\.", f"{row}.", sql)


def _sqlite(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for number, feed in enumerate(FEEDS):
            for operation in OPERATIONS:
                row = "OLD" if operation == "DELETE" else "NEW"
                name = f"sync_{number}_{operation.lower()}"
                deleted = "TRUE" if operation == "DELETE" and feed.is_self else f"({feed.deleted})"
                user = _on(feed.user, row)
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(
                    f"""
                    CREATE TRIGGER {name} AFTER {operation} ON {feed.table} FOR EACH ROW
                    WHEN ({_on(feed.when, row)}) AND ({user}) IS NOT NULL
                    BEGIN
                        INSERT INTO sync_stream (user_id, seq, pruned_through) VALUES ({user}, 1, 0)
                            ON CONFLICT (user_id) DO UPDATE SET seq = seq + 1;
                        INSERT INTO sync_change (user_id, kind, object_id, seq, deleted, changed_at)
                            SELECT {user}, '{feed.kind}', t.o, (SELECT seq FROM sync_stream WHERE user_id = {user}),
                                   {_on(deleted, row)}, strftime('%Y-%m-%d %H:%M:%f', 'now')
                            FROM ({_on(feed.objects, row)}) AS t WHERE t.o IS NOT NULL
                            ON CONFLICT (user_id, kind, object_id) DO UPDATE
                            SET seq = excluded.seq, deleted = excluded.deleted, changed_at = excluded.changed_at;
                    END
                    """
                )


_PG_RECORD = """
CREATE OR REPLACE FUNCTION sync_record(p_user bigint, p_kind text, p_objects bigint[], p_deleted boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
    obj bigint;
BEGIN
    IF p_user IS NULL OR p_objects IS NULL THEN
        RETURN;
    END IF;
    FOREACH obj IN ARRAY p_objects LOOP
        CONTINUE WHEN obj IS NULL;
        -- The stream row stays locked until this transaction ends: numbers are handed out in commit order.
        INSERT INTO sync_stream AS s (user_id, seq, pruned_through) VALUES (p_user, 1, 0)
            ON CONFLICT (user_id) DO UPDATE SET seq = s.seq + 1
            RETURNING s.seq INTO next_seq;
        INSERT INTO sync_change AS c (user_id, kind, object_id, seq, deleted, changed_at)
            VALUES (p_user, p_kind, obj, next_seq, p_deleted, clock_timestamp())
            ON CONFLICT (user_id, kind, object_id) DO UPDATE
            SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted, changed_at = EXCLUDED.changed_at;
    END LOOP;
END
$$;
"""


def _postgresql(connection: BaseDatabaseWrapper) -> None:
    tables: dict[str, list[Feed]] = {}
    for feed in FEEDS:
        tables.setdefault(feed.table, []).append(feed)
    with connection.cursor() as cursor:
        cursor.execute(_PG_RECORD)
        for table, feeds in tables.items():
            calls = []
            for feed in feeds:
                deleted = f"(TG_OP = 'DELETE' OR {feed.deleted})" if feed.is_self else f"({feed.deleted})"
                calls.append(
                    f"""
                    IF ({_on(feed.when, "R")}) THEN
                        PERFORM sync_record(({feed.user})::bigint, '{feed.kind}',
                                            ARRAY({feed.objects})::bigint[], {deleted});
                    END IF;"""
                )
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION sync_on_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    R record;
                BEGIN
                    IF TG_OP = 'DELETE' THEN R := OLD; ELSE R := NEW; END IF;
                    {"".join(calls)}
                    RETURN NULL;
                END
                $$;
                """
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS sync_changes ON {table}")
            cursor.execute(
                f"CREATE TRIGGER sync_changes AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION sync_on_{table}()"
            )


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re)create the triggers on ``connection``'s database; safe to run again."""
    if connection.vendor == "sqlite":
        _sqlite(connection)
    elif connection.vendor == "postgresql":
        _postgresql(connection)
    else:
        # The change log is what sync/ reads: without it the app would silently sync nothing.
        raise ImproperlyConfigured(
            f"CareerPlan runs on SQLite or PostgreSQL; DATABASE_URL names {connection.vendor}, "
            "for which the mobile sync's change log (sync.triggers) has no triggers."
        )


def backfill(connection: BaseDatabaseWrapper) -> None:
    """Record every synced object that exists, as one change each: what a first sync hands out.

    Touching each row with a no-op UPDATE would fire the triggers, but would
    also move ``updated_at``; instead each feed naming one object per row is
    read straight into the log (a feed deriving many objects, such as a
    milestone's tracks, is covered by those objects' own rows), numbered
    1, 2, ... within each stream.
    """
    with connection.cursor() as cursor:
        for feed in FEEDS:
            single = re.fullmatch(r"SELECT (R\.\w+) AS o", feed.objects)
            if single is None:
                continue
            cursor.execute(
                f"""
                INSERT INTO sync_change (user_id, kind, object_id, seq, deleted, changed_at)
                SELECT u, '{feed.kind}', o, 0, FALSE, CURRENT_TIMESTAMP FROM (
                    SELECT {_on(feed.user, "r")} AS u, {_on(single[1], "r")} AS o, ({_on(feed.deleted, "r")}) AS d
                    FROM {feed.table} AS r WHERE {_on(feed.when, "r")}
                ) AS t
                WHERE u IS NOT NULL AND o IS NOT NULL AND NOT d
                ON CONFLICT (user_id, kind, object_id) DO NOTHING
                """
            )
        cursor.execute("SELECT id, user_id FROM sync_change WHERE seq = 0 ORDER BY user_id, kind, object_id")
        numbers: dict[int, int] = {}
        updates = []
        for change_id, user_id in cursor.fetchall():
            numbers[user_id] = numbers.get(user_id, 0) + 1
            updates.append((numbers[user_id], change_id))
        cursor.executemany("UPDATE sync_change SET seq = %s WHERE id = %s", updates)
        cursor.executemany(
            "INSERT INTO sync_stream (user_id, seq, pruned_through) VALUES (%s, %s, 0) "
            "ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq",
            list(numbers.items()),
        )
