"""PostgreSQL restarted under traffic: no half-written change, clean failures, and recovery without a gunicorn restart.

A private PostgreSQL (initdb into a temporary folder, as scripts/with-postgres
does), gunicorn with 2 workers keeping persistent connections
(DATABASE_CONN_MAX_AGE, CONN_HEALTH_CHECKS), and threads PATCHing progress
while ``pg_ctl restart -m fast`` kills every connection. A request caught by
the restart gets a 503 in the API's error shape (careerplan.outage) or loses
its connection; each change is stored whole (its MilestoneProgress row and its
ProgressEvent, one transaction) or not at all.
"""

import http.client
import json
import os
import threading
import time
import urllib.error
from dataclasses import dataclass, field

import psycopg
import pytest
from django.conf import settings

from .conftest import manage, start_gunicorn, stop_process
from .http import Answer, call

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="starts and restarts a private PostgreSQL whatever DATABASE_URL says; runs once, in the PostgreSQL pass",
    ),
]

WRITERS = 6

PEOPLE = """
import json
from datetime import timedelta
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken
from tests.factories import UserFactory
from tests.nudges.conftest import make_plan
people = []
for i in range({count}):
    user = UserFactory(email=f"writer{{i}}@example.com")
    plan = make_plan(user, started=timezone.now() - timedelta(days=1))
    people.append({{"token": str(AccessToken.for_user(user)), "slug": plan.python.slug}})
print("PEOPLE", json.dumps(people))
"""

CONNECTION_LOST = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


@dataclass
class Writer:
    """One person flipping one milestone between in progress and not started, as fast as answers come."""

    base: str
    token: str
    slug: str
    answers: list[tuple[float, Answer | None]] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        statuses = ["in_progress", "not_started"]
        n = 0
        while not stop.is_set():
            try:
                answer: Answer | None = call(
                    "PATCH",
                    f"{self.base}/api/v1/progress/{self.slug}/",
                    token=self.token,
                    data={"status": statuses[n % 2]},
                    timeout=30,
                )
            except CONNECTION_LOST:
                answer = None  # a connection-level failure: allowed, and counted as "maybe written"
            self.answers.append((time.monotonic(), answer))
            if answer is not None and answer.status == 200:
                n += 1  # after a failure the same change is retried, so every 200 is one change

    def ok_since(self, moment: float) -> int:
        return sum(1 for at, a in self.answers if at > moment and a is not None and a.status == 200)


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def is_clean_503(answer: Answer) -> bool:
    return (
        answer.status == 503
        and answer.json().get("code") == "service_unavailable"
        and int(answer.headers.get("Retry-After", "0")) > 0
    )


def test_a_postgres_restart_under_traffic_loses_nothing_half_and_recovers_by_itself(
    tmp_path, private_postgres, redis_url
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "careerplan.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "API_THROTTLE_USER": "100000/min",
        "LOG_LEVEL": "ERROR",
    }
    manage(env, "migrate", "--noinput", "-v0")
    people = json.loads(manage(env, "shell", "-c", PEOPLE.format(count=WRITERS)).split("PEOPLE ", 1)[1])
    server, base = start_gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=4)
    writers = [Writer(base, p["token"], p["slug"]) for p in people]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in writers]
    try:
        for thread in threads:
            thread.start()
        assert wait_for(lambda: all(w.ok_since(0) >= 3 for w in writers), timeout=60), "no traffic before the restart"

        private_postgres.restart()
        restarted = time.monotonic()
        # Recovery: every writer succeeds again, through the same gunicorn processes.
        assert wait_for(lambda: all(w.ok_since(restarted) >= 3 for w in writers), timeout=30)
        first_success = min(
            at for w in writers for at, a in w.answers if at > restarted and a is not None and a.status == 200
        )
        assert first_success - restarted < 10
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        # While the database is down the API answers 503 with Retry-After, pages a plain 503.
        private_postgres.stop()
        down_api = call("PATCH", f"{base}/api/v1/progress/{people[0]['slug']}/", token=people[0]["token"], data={})
        down_page = call("GET", f"{base}/tracks/")
        private_postgres.start()
        back = wait_for(
            lambda: call("GET", f"{base}/api/v1/progress/{people[0]['slug']}/", token=people[0]["token"]).status == 200,
            timeout=30,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        stop_process(server)

    assert is_clean_503(down_api), (down_api.status, down_api.body[:300])
    assert down_page.status == 503
    assert down_page.headers["Content-Type"].startswith("text/html")
    assert back

    failed = [a for w in writers for _, a in w.answers if a is None or a.status != 200]
    assert failed, "the restart landed in the traffic"
    for writer in writers:
        statuses = {a.status for _, a in writer.answers if a is not None}
        assert statuses <= {200, 503}, statuses
        assert all(is_clean_503(a) for _, a in writer.answers if a is not None and a.status == 503)

    # Each change whole or not at all: the row's status is its last event's, and
    # there are no more events than requests that succeeded or may have.
    with psycopg.connect(private_postgres.url) as conn:
        rows = conn.execute(
            """
            select u.email, p.status,
                   (select e.to_status from tracker_progressevent e
                     where e.user_id = p.user_id and e.milestone_id = p.milestone_id order by e.id desc limit 1),
                   (select count(*) from tracker_progressevent e
                     where e.user_id = p.user_id and e.milestone_id = p.milestone_id)
              from tracker_milestoneprogress p join accounts_user u on u.id = p.user_id
             order by u.email
            """
        ).fetchall()
        orphans = conn.execute(
            "select count(*) from tracker_progressevent e where not exists (select 1 from tracker_milestoneprogress p"
            " where p.user_id = e.user_id and p.milestone_id = e.milestone_id)"
        ).fetchone()
    assert len(rows) == WRITERS
    assert orphans == (0,)
    by_email = {f"writer{i}@example.com": w for i, w in enumerate(writers)}
    for email, status, last_event, events in rows:
        assert status == last_event, email
        answers = [a for _, a in by_email[email].answers]
        ok = sum(1 for a in answers if a is not None and a.status == 200)
        lost = sum(1 for a in answers if a is None)
        # Every 200 is one change (one event); a 503 wrote nothing. A lost answer may have
        # committed: then its retry's 200 changed nothing, or, if it was the last, no 200 followed.
        assert ok - lost <= events <= ok + lost, (email, ok, lost, events)
