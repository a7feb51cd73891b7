"""Generate realistic synthetic users, plans, progress and history in bulk.

For benchmarks and demos at scale: ``manage.py seed_demo --users 100000``.
Rows are written in chunks of users (one transaction per chunk, so memory
stays flat) through the driver's bulk path: COPY on PostgreSQL, executemany on
SQLite. The ORM's bulk_create spends most of its time preparing each value
(measured: about 85% of the run), which made 100,000 users take minutes. Ids
are assigned here, and the sequences are reset at the end. One password hash
is computed and reused, and ``--seed`` makes the data reproducible.

The shape follows how people use the product: most follow one track, some
two or three; they work down the ladder in order (so prerequisites are always
met), a few steps are in progress, some have target dates, and every status
change is in the history with a plausible time stamp.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Value
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from accounts.models import User
from nudges.models import ReminderPreferences
from tracker.models import (
    ActivityDay,
    CareerTrack,
    Enrollment,
    EnrollmentStatus,
    MilestoneProgress,
    ProgressEvent,
    Status,
)
from tracker.progress import steps_for_tracks

EMAIL_DOMAIN = "demo.careerplan.localhost"
DEMO_PASSWORD = "demo-careerplan-2026"
TIMEZONES = [
    ("Europe/London", 14),
    ("America/New_York", 14),
    ("America/Los_Angeles", 10),
    ("Asia/Kolkata", 16),
    ("Europe/Berlin", 10),
    ("Asia/Singapore", 6),
    ("America/Sao_Paulo", 6),
    ("Australia/Sydney", 5),
    ("Africa/Lagos", 5),
    ("Pacific/Honolulu", 2),
    ("Pacific/Kiritimati", 1),
    ("UTC", 11),
]
FIRST = ["Ada", "Grace", "Alan", "Katherine", "Geoffrey", "Fei-Fei", "Yann", "Andrew", "Cassie", "Jeff", "Daphne"]
LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Hinton", "Li", "LeCun", "Ng", "Kozyrkov", "Dean", "Koller"]
# EmailAddress: each address confirmed, as after a finished sign-up; reminders go to confirmed addresses only.
TABLES: list[type[models.Model]] = [
    User,
    EmailAddress,
    ReminderPreferences,
    Enrollment,
    MilestoneProgress,
    ProgressEvent,
    ActivityDay,
]


@dataclass
class Ladder:
    track_id: int
    milestone_ids: list[int]


class BulkWriter:
    """Writes plain dicts of field values to a model's table, fast.

    Missing fields take the model's defaults (auto_now fields: ``now``). Ids
    are handed out from the current maximum, so the caller knows them without
    a round trip.
    """

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            else:
                # "" for text fields, None for nullable ones, or the declared default.
                self.defaults[f.attname] = _python_default(f)
        self.next_id = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def write(self, records: Iterable[dict[str, Any]]) -> int:
        names = [f.attname for f in self.fields]
        defaults = self.defaults
        rows = [[r.get(n, defaults[n]) for n in names] for r in records]
        if not rows:
            return 0
        table = connection.ops.quote_name(str(self.model._meta.db_table))
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_pg(v) for v in row])
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", [[_sqlite(v) for v in row] for row in rows]
                )
        return len(rows)


def _python_default(field: models.Field[Any, Any]) -> Any:
    """The field's default as a value to write; a constant ``db_default`` is written as that constant."""
    default = field.get_default()
    if isinstance(default, DatabaseDefault):
        db_default = field.db_default
        if isinstance(db_default, Value):
            return db_default.value
        if hasattr(db_default, "resolve_expression"):
            raise CommandError(f"{field} has a computed db_default; give seed_demo a value for it.")
        return db_default
    return default


def _pg(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


def _sqlite(value: Any) -> Any:
    # What Django's SQLite backend stores: naive UTC text for datetimes.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date | clock_time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class Command(BaseCommand):
    help = "Bulk-generate synthetic users with enrollments, progress and history (benchmarks, demos)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--users", type=int, default=1000, help="How many users to create (default 1000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--chunk", type=int, default=10000, help="Users per transaction (default 10000).")

    def handle(self, *args: Any, users: int, seed: int, chunk: int, **options: Any) -> None:
        if users < 1:
            raise CommandError("--users must be at least 1.")
        if User.objects.filter(email__endswith=f"@s{seed}.{EMAIL_DOMAIN}").exists():
            raise CommandError(f"Users for --seed {seed} exist already; use another seed or a fresh database.")
        if not CareerTrack.objects.published().exists():
            call_command("seed_content", verbosity=0)
        ladders = [
            Ladder(tid, [s.milestone_id for s in steps])
            for tid, steps in steps_for_tracks(
                list(CareerTrack.objects.published().values_list("pk", flat=True))
            ).items()
            if steps
        ]
        rng = random.Random(seed)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is ~100 ms each
        now = timezone.now()
        writers = {model: BulkWriter(model, now) for model in TABLES}
        started = time.perf_counter()
        totals = dict.fromkeys(("users", "enrollments", "progress", "events"), 0)
        for first in range(0, users, chunk):
            with transaction.atomic():
                counts = self._chunk(
                    range(first, min(first + chunk, users)), seed, rng, ladders, password, now, writers
                )
            for key, value in counts.items():
                totals[key] += value
            if options.get("verbosity", 1) > 0:
                # A 100,000-user seed takes about a minute: say how far it is and how long is left.
                elapsed = time.perf_counter() - started
                left = elapsed / totals["users"] * (users - totals["users"])
                rows = sum(totals.values())
                done = f"{totals['users']:,}/{users:,} users, {rows:,} rows written"
                self.stdout.write(f"  {done}, {elapsed:.0f}s, about {left:.0f}s left")
                self.stdout.flush()
        self._finish()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Created {totals['users']} users, {totals['enrollments']} enrollments, "
            f"{totals['progress']} progress rows and {totals['events']} history events "
            f"in {elapsed:.1f}s (seed {seed}). Password for all: {DEMO_PASSWORD}"
        )

    def _finish(self) -> None:
        """Move the id sequences past the ids handed out, and refresh planner statistics."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), TABLES):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")

    def _chunk(
        self,
        numbers: range,
        seed: int,
        rng: random.Random,
        ladders: list[Ladder],
        password: str,
        now: datetime,
        writers: dict[type[models.Model], BulkWriter],
    ) -> dict[str, int]:
        zones, weights = zip(*TIMEZONES, strict=True)
        people: list[dict[str, Any]] = []
        addresses: list[dict[str, Any]] = []
        prefs: list[dict[str, Any]] = []
        enrollments: list[dict[str, Any]] = []
        progress: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        activity: list[dict[str, Any]] = []
        user_ids = writers[User]
        for n in numbers:
            joined = now - timedelta(days=rng.randint(14, 720), seconds=rng.randint(0, 86399))
            uid = user_ids.new_id()
            people.append(
                {
                    "id": uid,
                    "email": f"user{n}@s{seed}.{EMAIL_DOMAIN}",
                    "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "timezone": rng.choices(zones, weights)[0],
                    "password": password,
                    "date_joined": joined,
                    "last_login": joined + (now - joined) * rng.random(),
                }
            )
            addresses.append(
                {
                    "id": writers[EmailAddress].new_id(),
                    "user_id": uid,
                    "email": people[-1]["email"],
                    "verified": True,
                    "primary": True,
                }
            )
            prefs.append(
                {
                    "id": writers[ReminderPreferences].new_id(),
                    "user_id": uid,
                    "digest_weekday": rng.randint(0, 6),
                    "digest_hour": rng.choice([8, 9, 18, 19]),
                }
            )
            by_milestone: dict[int, dict[str, Any]] = {}
            for ladder in rng.sample(ladders, rng.choices([1, 2, 3], [60, 30, 10])[0]):
                begun = joined + (now - joined) * rng.random() * 0.5
                enrollments.append(
                    {
                        "id": writers[Enrollment].new_id(),
                        "user_id": uid,
                        "track_id": ladder.track_id,
                        "status": rng.choices(
                            [EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.ARCHIVED], [85, 10, 5]
                        )[0],
                        "started_at": begun,
                        "target_date": (begun + timedelta(weeks=rng.randint(26, 156))).date()
                        if rng.random() < 0.6
                        else None,
                    }
                )
                self._work(uid, ladder, begun, rng, now, by_milestone, progress, events, writers)
            activity += self._on_their_calendar(uid, ZoneInfo(people[-1]["timezone"]), progress, events, writers)
        for model, rows in (
            (User, people),
            (EmailAddress, addresses),
            (ReminderPreferences, prefs),
            (Enrollment, enrollments),
            (MilestoneProgress, progress),
            (ProgressEvent, events),
            (ActivityDay, activity),
        ):
            writers[model].write(rows)
        return {"users": len(people), "enrollments": len(enrollments), "progress": len(progress), "events": len(events)}

    def _on_their_calendar(
        self,
        uid: int,
        tz: ZoneInfo,
        progress: list[dict[str, Any]],
        events: list[dict[str, Any]],
        writers: dict[type[models.Model], BulkWriter],
    ) -> list[dict[str, Any]]:
        """The dates earned and activity days of the user just made, on their own calendar, as the app keeps them."""
        for row in reversed(progress):
            if row["user_id"] != uid:
                break
            if row["status"] == Status.DONE:
                row["earned_on"] = timezone.localdate(row["completed_at"], tz)
        days: dict[date, int] = {}
        for event in reversed(events):
            if event["user_id"] != uid:
                break
            day = timezone.localdate(event["created_at"], tz)
            days[day] = days.get(day, 0) + 1
            if event["to_status"] == Status.DONE:
                event["earned_on"] = day
        ids = writers[ActivityDay]
        return [{"id": ids.new_id(), "user_id": uid, "day": day, "count": n} for day, n in sorted(days.items())]

    def _work(
        self,
        uid: int,
        ladder: Ladder,
        begun: datetime,
        rng: random.Random,
        now: datetime,
        by_milestone: dict[int, dict[str, Any]],
        progress: list[dict[str, Any]],
        events: list[dict[str, Any]],
        writers: dict[type[models.Model], BulkWriter],
    ) -> None:
        """Work down the ladder in order: prerequisites sit earlier in each seeded ladder."""
        steps = len(ladder.milestone_ids)
        done = min(steps, int(steps * rng.betavariate(1.2, 2.5)))
        doing = rng.choice([0, 1, 1, 2])
        clock = begun
        span = (now - clock) / (done + doing + 1)
        progress_ids, event_ids = writers[MilestoneProgress], writers[ProgressEvent]
        for index, milestone_id in enumerate(ladder.milestone_ids[: done + doing]):
            started = clock + span * rng.random() * 0.5
            clock += span
            history = []
            row = by_milestone.get(milestone_id)
            if row is None:
                # One row per milestone and user, whichever track it was earned in.
                row = by_milestone[milestone_id] = {
                    "id": progress_ids.new_id(),
                    "user_id": uid,
                    "milestone_id": milestone_id,
                    "status": Status.IN_PROGRESS,
                    "started_at": started,
                    "created_at": started,
                    "updated_at": started,
                }
                progress.append(row)
                history.append((Status.NOT_STARTED, Status.IN_PROGRESS, started))
                if index >= done and rng.random() < 0.5:
                    row["target_date"] = (now + timedelta(days=rng.randint(-20, 90))).date()
            if index < done and row["status"] != Status.DONE:
                # Done here, even if another track left it in progress: the later
                # steps of this ladder may need it as a prerequisite.
                finished = max(clock, row["started_at"] + timedelta(days=1))
                row |= {
                    "status": Status.DONE,
                    "completed_at": finished,
                    "earned_in_id": ladder.track_id,
                    "updated_at": finished,
                    "target_date": None,
                }
                if rng.random() < 0.3:
                    row["evidence_url"] = f"https://example.org/evidence/{uid}/{milestone_id}"
                history.append((Status.IN_PROGRESS, Status.DONE, finished))
            for old, new, at in history:
                events.append(
                    {
                        "id": event_ids.new_id(),
                        "user_id": uid,
                        "milestone_id": milestone_id,
                        "track_id": ladder.track_id,
                        "from_status": old,
                        "to_status": new,
                        "created_at": at,
                    }
                )
