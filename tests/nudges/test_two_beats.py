"""Two `celery beat` processes running at once, for several intervals, double nothing."""

import time

import pytest

from .cluster import Cluster, wait_until

pytestmark = pytest.mark.redis

USERS = 6
FAST_SCHEDULE = """
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks
every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
scans = PeriodicTask.objects.filter(task="nudges.tasks.scan_nudges")
assert scans.update(interval=every_second, expire_seconds=None) == 1
PeriodicTasks.update_changed()
"""


def test_two_beats_running_at_once_send_each_nudge_once(tmp_path, redis_url, smtp_server):
    cluster = Cluster(tmp_path, redis_url, smtp_server.port, NUDGE_BATCH_SIZE="3")
    cluster.prepare(USERS)
    # The schedule the migration made, sped up from 15 minutes to 1 second.
    cluster.manage("shell", "-c", FAST_SCHEDULE)
    try:
        cluster.worker("w", concurrency=2)
        for name in ("beat-a", "beat-b"):
            cluster.start(name, "beat", "--loglevel=INFO", f"--schedule={tmp_path / name}")
        smtp_server.wait_for(USERS, timeout=120)
        # Several more intervals, each time making every user look unchecked so
        # both beats' scans really reach them again: only the claims stand guard.
        for _ in range(4):
            cluster.query("update accounts_reminderpreferences set next_check_at = null")
            time.sleep(1.5)
        assert wait_until(
            lambda: cluster.query("select count(*) from tracker_delivery where status = 'sent'")[0][0] == USERS
        )
        time.sleep(2)
    finally:
        cluster.stop_all()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == [f"due{i:02d}@example.com" for i in range(USERS)]
    for name in ("beat-a", "beat-b"):
        log = (tmp_path / f"{name}.log").read_text()
        assert log.count("Sending due task") >= 3, log
