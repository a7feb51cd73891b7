"""Two connections writing one person's data at once: the sync never skips a change that commits late.

PostgreSQL only (SQLite serialises writers outright, so the race cannot
arise there): run with ``scripts/with-postgres``.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tests.api_clients import client_for
from tests.sync.test_sync import plan_for, sync_all
from tracker.models import MilestoneProgress, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two real connections need PostgreSQL"),
]


def test_a_change_that_commits_late_is_read_after_it_commits_not_skipped(owner):
    api = client_for(owner)
    first, second = plan_for(owner, size=2)
    _, cursor, _ = sync_all(api)
    written, release, done = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def slow_writer():
        # Starts first, so its row's updated_at and id are the earlier ones, but commits last of all.
        try:
            with transaction.atomic():
                MilestoneProgress.objects.set_status(owner, first, Status.IN_PROGRESS)
                written.set()
                release.wait(10)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def quick_writer():
        try:
            MilestoneProgress.objects.set_status(owner, second, Status.DONE)
        except Exception as exc:
            errors.append(exc)
        finally:
            done.set()
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert written.wait(10)
    quick = threading.Thread(target=quick_writer)
    quick.start()
    time.sleep(0.5)
    # The quick writer waits for the slow one's stream lock: it cannot commit a later
    # number ahead of an earlier one still open, so no reader can pass over either.
    assert not done.is_set()
    response = api.get("/api/v1/sync/", {"cursor": cursor})
    assert response.json()["changes"] == []
    assert response.json()["next_cursor"] == cursor
    release.set()
    slow.join(10)
    quick.join(10)
    assert not errors, errors

    changes, _, _ = sync_all(api, cursor)

    rows = {row.milestone_id: row.pk for row in MilestoneProgress.objects.filter(user=owner)}
    assert [(c["kind"], c["id"]) for c in changes] == [
        ("progress", rows[first.pk]),
        ("progress", rows[second.pk]),
    ]
    assert connection.vendor == "postgresql"
