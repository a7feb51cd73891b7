"""Migration 0007 gives existing done rows their date earned, in each owner's own zone, and keeps their streaks.

It runs on real transactions against the test database: migrate tracker back
to 0006, write rows with that state's historical models, migrate forward, and
read them through today's models. The database is always left fully migrated.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tracker.models import ActivityDay, MilestoneProgress, ProgressEvent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracker", "0006_nudges_and_idempotency_move_out")]
# 10:30 UTC on 10 March: already 11 March in Kiritimati (UTC+14), still 10 March in Honolulu (UTC-10).
DONE_AT = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)


@pytest.fixture
def executor():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    yield executor
    executor.loader.build_graph()
    executor.migrate(leaves)


def migrate(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()


def test_done_rows_get_the_completion_day_in_their_owners_zone(executor):
    migrate(executor, BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Milestone = old.get_model("tracker", "Milestone")
    Progress = old.get_model("tracker", "MilestoneProgress")
    Event = old.get_model("tracker", "ProgressEvent")
    milestone = Milestone.objects.create(slug="cert", title="Cert", description="", category="certification")
    people = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Honolulu", "Not/AZone"):
        person = people[zone] = User.objects.create(email=f"{zone.replace('/', '-')}@example.com", timezone=zone)
        Progress.objects.create(user=person, milestone=milestone, status="done", completed_at=DONE_AT)
        Event.objects.create(
            user=person, milestone=milestone, from_status="in_progress", to_status="done", created_at=DONE_AT
        )
        Event.objects.create(
            user=person, milestone=milestone, from_status="not_started", to_status="in_progress", created_at=DONE_AT
        )
    started = User.objects.create(email="started@example.com", timezone="UTC")
    Progress.objects.create(user=started, milestone=milestone, status="in_progress")

    migrate(executor, executor.loader.graph.leaf_nodes())

    earned = dict(MilestoneProgress.objects.values_list("user__email", "earned_on"))
    assert earned == {
        "Pacific-Kiritimati@example.com": date(2026, 3, 11),
        "Pacific-Honolulu@example.com": date(2026, 3, 10),
        "Not-AZone@example.com": date(2026, 3, 10),  # an unknown zone reads as UTC, as User.tzinfo does
        "started@example.com": None,
    }
    events = set(ProgressEvent.objects.values_list("user__email", "to_status", "earned_on"))
    assert ("Pacific-Kiritimati@example.com", "done", date(2026, 3, 11)) in events
    assert ("Pacific-Kiritimati@example.com", "in_progress", None) in events
    # Every day with history is an activity day (two changes that day), so no streak is lost.
    days = set(ActivityDay.objects.values_list("user__email", "day", "count"))
    assert days == {
        ("Pacific-Kiritimati@example.com", date(2026, 3, 11), 2),
        ("Pacific-Honolulu@example.com", date(2026, 3, 10), 2),
        ("Not-AZone@example.com", date(2026, 3, 10), 2),
    }
    assert not MilestoneProgress.objects.filter(target_date_planned=True).exists()
