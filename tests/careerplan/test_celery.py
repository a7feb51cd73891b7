"""The Celery app works on both brokers the product supports."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from careerplan.celery import app, ping
from localservers import stop

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
def test_a_worker_on_the_real_redis_broker_answers_a_ping(redis_url):
    previous = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert ping.delay().get(timeout=10) == "pong"
    finally:
        app.conf.update(previous)


def test_a_worker_on_the_embedded_filesystem_broker_answers_inspect_ping(tmp_path):
    """What `make run` starts: no server at all, yet a worker answers."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
    }
    celery = [sys.executable, "-m", "celery", "-A", "careerplan"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "--loglevel=WARNING", "--hostname=fs-test@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, output = time.monotonic() + 60, ""
        while time.monotonic() < deadline:
            result = subprocess.run(
                [*celery, "inspect", "ping", "--timeout=3"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            output = result.stdout
            if "pong" in output:
                break
            time.sleep(1)
        assert "fs-test@" in output, output
        assert "pong" in output
    finally:
        stop(worker, timeout=20)
