"""Real processes for the crash and two-beat tests: worker and beat subprocesses on a file database.

The database is a SQLite file shared by the processes (the test reads it with
sqlite3); Redis is the session's, SMTP the test's aiosmtpd server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from localservers import stop

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from datetime import timedelta, time
from django.utils import timezone
from tests.factories import UserFactory
from tests.nudges.conftest import make_plan, prefs_for
for i in range({count}):
    user = UserFactory(email=f"due{{i:02d}}@example.com", timezone="Europe/London")
    make_plan(user, started=timezone.now() - timedelta(days=10))
    prefs_for(user, quiet_start=time(0), quiet_end=time(0), digest_enabled=False, in_app_enabled=False)
"""


class Cluster:
    """Environment and processes of one test's CareerPlan deployment."""

    def __init__(self, tmp_path: Path, redis_url: str, smtp_port: int, **settings: str) -> None:
        self.db = tmp_path / "db.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "careerplan.settings",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "LOG_LEVEL": "WARNING",
            **settings,
        }
        self.procs: list[subprocess.Popen] = []
        self.logs = tmp_path

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def prepare(self, users: int) -> None:
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SETUP.format(count=users))

    def start(self, name: str, *args: str) -> subprocess.Popen:
        """A celery subprocess in its own session, so a kill reaches all its processes."""
        with (self.logs / f"{name}.log").open("ab") as log:  # the process writes to its own copy of the file
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "careerplan", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        return self.start(
            name,
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-mingle",
        )

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL the whole process group: no shutdown, no ack, no goodbye."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        """Stop every process still running, each with its whole group (a worker's pool too)."""
        for proc in self.procs:
            stop(proc, timeout=15, group=True)

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.db, timeout=20) as conn:
            return conn.execute(sql, params).fetchall()


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())
