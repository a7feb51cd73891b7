"""/healthz and /readyz: what a load balancer asks, answered without login or throttle."""

import socket
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import OperationalError, connection

from careerplan.celery import app as celery_app
from localservers import free_port


@pytest.fixture
def broker_url() -> Iterator[Callable[[str], None]]:
    """Point the Celery app at another broker for one test; the app's conf outlives Django's settings."""
    previous = celery_app.conf.broker_url

    def use(url: str) -> None:
        celery_app.conf.broker_url = url

    yield use
    celery_app.conf.broker_url = previous


def test_it_answers_liveness_with_a_tiny_body_touching_nothing(client, broker_url):
    """/healthz is 200 {"status": "ok"} with the broker gone and the database out of reach.

    Without the django_db mark pytest-django makes any query raise, so a
    liveness check that queried would fail here.
    """
    broker_url(f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_reports_ready_naming_the_checks_that_passed(client):
    """With the test database and the configured broker up, /readyz is 200 and names both checks."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}, "failed": []}


@pytest.mark.django_db
def test_it_names_the_broker_when_nothing_listens_there(client, broker_url):
    """A broker on a closed port makes /readyz 503 with "broker" failed and the database still ok."""
    broker_url(f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "failed"},
        "failed": ["broker"],
    }


@pytest.mark.django_db
def test_it_gives_up_on_a_silent_broker_within_seconds(client, broker_url):
    """A broker that accepts the connection but never answers fails the probe in seconds, not minutes."""
    with socket.socket() as silent:
        # Listening without ever accepting: the kernel completes the handshake, nobody replies.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        broker_url(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert elapsed < 10


@pytest.mark.django_db
def test_it_names_the_database_when_its_query_fails(client):
    """A database that errors makes /readyz 503 with "database" failed, while the broker is still checked."""

    def database_down(execute, sql, params, many, context):
        raise OperationalError("connection to server was lost")

    with connection.execute_wrapper(database_down):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "broker": "ok"},
        "failed": ["database"],
    }


@pytest.mark.django_db
def test_it_is_open_to_anonymous_callers_and_never_throttled(client):
    """Anonymous probes get answers, far beyond the API's anonymous rate (60 a minute)."""
    statuses = {client.get(path).status_code for path in ["/healthz", "/readyz"] * 70}
    assert statuses == {200}
