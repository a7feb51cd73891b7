"""Beat's schedule, and the limits that keep Redis from re-delivering waiting tasks in a loop."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from careerplan.celery import app
from nudges.tasks import retry_delay, send_nudge_batch

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_migration_schedules_an_idempotent_scan_every_fifteen_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="nudges.tasks.scan_nudges")
    assert (task.interval.every, task.interval.period) == (15, "minutes")
    assert task.enabled
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_the_visibility_timeout_is_set_for_the_redis_broker_and_result_backend():
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "CELERY_VISIBILITY_TIMEOUT": "1800"}
    code = (
        "import django, json; django.setup(); from careerplan.celery import app; "
        "print(json.dumps([app.conf.broker_transport_options, app.conf.result_backend_transport_options]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "careerplan.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    broker, backend = json.loads(out.strip().splitlines()[-1])
    assert broker["visibility_timeout"] == 1800
    assert backend["visibility_timeout"] == 1800


@pytest.mark.parametrize("visibility", [60, 3600])
def test_no_retry_waits_longer_than_half_the_visibility_timeout(visibility):
    previous = app.conf.broker_transport_options
    app.conf.broker_transport_options = {"visibility_timeout": visibility}
    try:
        delays = [retry_delay(send_nudge_batch, n) for n in range(20)]
    finally:
        app.conf.broker_transport_options = previous
    assert max(delays) <= min(settings.NUDGE_RETRY_MAX_DELAY, visibility // 2)
    assert delays[0] < delays[5]  # it backs off


def test_the_tasks_ack_late_and_requeue_when_the_worker_is_lost():
    for name in ("nudges.tasks.scan_nudges", "nudges.tasks.send_nudge_batch", "nudges.tasks.celebrate"):
        task = app.tasks[name]
        assert task.acks_late
        assert task.reject_on_worker_lost


@pytest.mark.django_db
def test_the_migration_schedules_the_hourly_pruning_of_idempotency_keys():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="api.tasks.prune_idempotency_keys")
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "hours", True)


def test_every_scheduled_task_name_is_registered_with_the_worker():
    """Beat stores task names; a name the worker does not know would be dropped at every beat."""
    app.loader.import_default_modules()
    for name in ("nudges.tasks.scan_nudges", "api.tasks.prune_idempotency_keys"):
        assert name in app.tasks


def test_the_0_1_task_names_still_run_for_one_release(eager, plan, learner):
    """Messages queued under tracker.tasks.* before the upgrade, and a beat schedule not yet migrated, still work."""
    app.loader.import_default_modules()
    legacy = {name for name in app.tasks if name.startswith("tracker.tasks.")}
    assert legacy == {"tracker.tasks.scan_nudges", "tracker.tasks.send_nudge_batch", "tracker.tasks.celebrate"}
    from nudges.models import ReminderPreferences

    assert app.tasks["tracker.tasks.scan_nudges"].delay().get() == 1  # one batch: the learner's
    # The batch ran (through the new send_nudge_batch): the learner's next look is scheduled.
    assert ReminderPreferences.objects.get(user=learner).next_check_at is not None
    # The 0.1 celebrate took (user_id, milestone_id); the alias hands the user on.
    assert app.tasks["tracker.tasks.celebrate"].delay(learner.pk, plan.python.pk).successful()
