"""Web, worker and beat are separate processes on one SQLite file (make run).

With WAL, a busy timeout and IMMEDIATE transactions, concurrent read-then-
write transactions from several processes wait their turn instead of failing
with "database is locked".
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITERS, ROUNDS = 3, 300

SETUP = """
from accounts.models import User
from tracker.models import Milestone
User.objects.create_user("writer@example.com", "pw-123456789")
for i in range(3):
    Milestone.objects.create(slug=f"m{i}", title=f"M{i}", description="-", category="skill")
"""

WRITER = f"""
import sys, time
from django.db import transaction
from accounts.models import User
from tracker.models import Milestone, MilestoneProgress, ProgressEvent
user = User.objects.get(email="writer@example.com")
milestone = Milestone.objects.get(slug="m" + sys.argv[1])
# Start together, so the writers really overlap.
while time.time() < float(sys.argv[2]):
    time.sleep(0.005)
for n in range({ROUNDS}):
    # Read, then write, in one transaction: under SQLite's default DEFERRED
    # mode the write fails at once with "database is locked" when another
    # process committed since the read (the busy timeout cannot help there).
    with transaction.atomic():
        ProgressEvent.objects.filter(user=user).count()
        User.objects.filter(pk=user.pk).update(display_name=str(n))
    MilestoneProgress.objects.set_status(user, milestone, "in_progress" if n % 2 == 0 else "not_started")
print("ok")
"""


def test_concurrent_writers_from_several_processes_never_hit_database_is_locked(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "careerplan.settings",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)
    # The script goes in argv, not stdin: stdin would only be fed by
    # communicate(), one process after another, and the writers would never overlap.
    shell = [sys.executable, "-c", "import django; django.setup()\n" + WRITER]
    start_at = str(time.time() + 4)
    writers = [
        subprocess.Popen(
            [*shell, str(i), start_at], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for i in range(WRITERS)
    ]
    results = [w.communicate(timeout=120) for w in writers]
    for (out, err), w in zip(results, writers, strict=True):
        assert w.returncode == 0, err
        assert "database is locked" not in err
        assert out.strip() == "ok"
    count = subprocess.run(
        [
            *manage,
            "shell",
            "-v0",
            "-c",
            "from tracker.models import ProgressEvent; print(ProgressEvent.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert count == str(WRITERS * ROUNDS)
