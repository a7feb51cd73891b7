"""API fixtures for every app's tests: clients signed in with real JWTs, and two real gunicorn servers."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from localservers import free_port, start_gunicorn, stop


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def api(owner):
    """The owner, signed in with a JWT access token."""
    return client_for(owner)


@pytest.fixture
def other_api(other):
    return client_for(other)


# --- Real servers -----------------------------------------------------------
# Two gunicorn processes on one migrated SQLite file, sharing a real Redis for
# the cache: what production looks like, minus the proxy. Tests over real
# HTTP (token race, lockout across processes, the mobile journey,
# schemathesis) run against them.

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LiveAPI:
    urls: list[str]
    redis_url: str

    @property
    def url(self) -> str:
        return self.urls[0]

    def reset_counters(self) -> None:
        """Empty Redis: throttle and lockout counters must not leak between tests."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        client.flushall()
        client.close()


@pytest.fixture(scope="session")
def live_api(redis_server, tmp_path_factory) -> Iterator[LiveAPI]:
    workdir = tmp_path_factory.mktemp("live-api")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "careerplan.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": redis_server,
        "CELERY_BROKER_URL": redis_server,
        "API_THROTTLE_ANON": "100000/min",
        "API_THROTTLE_USER": "100000/min",
        "API_THROTTLE_AUTH": "100000/min",
        "API_LOGIN_FAILURE_LIMIT": "5",
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "loaddata", "careerplan", "-v0"], cwd=ROOT, env=env, check=True)
    ports = [free_port(), free_port()]
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            servers.append(
                start_gunicorn(
                    port,
                    workdir / f"gunicorn-{port}.log",
                    env,
                    threads=8,
                    log_level="error",
                    start_timeout=30,
                )
            )
        yield LiveAPI([f"http://127.0.0.1:{port}" for port in ports], redis_server)
    finally:
        for server in servers:
            stop(server, timeout=10)
