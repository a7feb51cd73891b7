"""A `celery worker` killed with SIGKILL mid-batch, then restarted: every due email goes out exactly once."""

import time

import pytest

from .cluster import Cluster, wait_until

pytestmark = pytest.mark.redis

USERS = 8


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(tmp_path, redis_url, smtp_server):
    # Short timeouts so the test need not wait an hour: Redis re-delivers the
    # unacknowledged batch after 6 s; claims older than 4 s may be taken up.
    cluster = Cluster(tmp_path, redis_url, smtp_server.port, CELERY_VISIBILITY_TIMEOUT="6", NUDGE_CLAIM_TIMEOUT="4")
    cluster.prepare(USERS)
    smtp_server.delay = 1.0  # each email takes a second, so the kill lands inside the batch
    try:
        first = cluster.worker("first")
        cluster.manage("shell", "-c", "from nudges.tasks import scan_nudges; scan_nudges.delay()")
        assert len(smtp_server.wait_for(3, timeout=90)) >= 3
        time.sleep(0.5)  # the worker is now waiting on the next email's DATA
        cluster.kill(first)
        delivered_before_kill = len(smtp_server.messages)
        assert delivered_before_kill < USERS
        smtp_server.delay = 0
        cluster.worker("second")
        smtp_server.wait_for(USERS, timeout=120)
        assert wait_until(
            lambda: cluster.query("select count(*) from tracker_delivery where status = 'sent'")[0][0] == USERS
        )
        time.sleep(3)  # room for any duplicate to show up
    finally:
        cluster.stop_all()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == [f"due{i:02d}@example.com" for i in range(USERS)]
    rows = cluster.query("select channel, status from tracker_delivery")
    assert rows == [("email", "sent")] * USERS
