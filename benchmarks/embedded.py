"""The embedded default as `make run` serves it: the dashboard page for one person, on SQLite without Redis.

Run by benchmarks/run.py in a process of its own (its settings differ from
the benchmark's PostgreSQL ones): a throw-away SQLite file, the development
settings (DJANGO_DEBUG=1, no REDIS_URL, so the memory cache and no answer
cache), `migrate`, `seed_content` and `bootstrap_demo` as `make run` does,
then `runserver` as Procfile.dev starts it, and one person (the demo user)
opening /dashboard/ one request after another. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localservers import free_port, stop, wait_for_port  # noqa: E402 - needs ROOT first

DEMO_EMAIL = "demo@careerplan.localhost"


def environment(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "READ_CACHE"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "careerplan.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{database}",
            "CELERY_BROKER_DIR": str(database.parent / "broker"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def main() -> int:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    workdir = Path(tempfile.mkdtemp(prefix="careerplan-embedded-"))
    env = environment(workdir / "db.sqlite3")
    for command in (["migrate", "--noinput", "-v0"], ["seed_content"], ["bootstrap_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    # A signed-in session for the demo user, written to the same SQLite file the server reads.
    cookie = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; from django.test import Client; "
            f"from accounts.models import User; c = Client(); c.force_login(User.objects.get(email={DEMO_EMAIL!r})); "
            "print(settings.SESSION_COOKIE_NAME + '=' + c.cookies[settings.SESSION_COOKIE_NAME].value)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=60)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/dashboard/", headers={"Cookie": cookie})
        timings = []
        for _ in range(requests + 3):
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status != 200 or not response.url.endswith("/dashboard/"):
                    raise RuntimeError(f"/dashboard/ answered {response.status} at {response.url}")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        stop(server)
    measured = sorted(timings[3:])  # the first requests warm the templates and the connection
    print(
        json.dumps(
            {
                "requests": len(measured),
                "median_ms": statistics.median(measured),
                "p95_ms": measured[int(len(measured) * 0.95) - 1],
                "max_ms": measured[-1],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
