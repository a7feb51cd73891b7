"""API fixtures for every app's tests: clients signed in with real JWTs, and two real gunicorn servers."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from localservers import free_port, start_gunicorn, stop
from tests.servers import LocalSMTPServer


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
    mail: LocalSMTPServer  # every message the servers send, over real SMTP

    @property
    def url(self) -> str:
        return self.urls[0]

    def link_mailed_to(self, email: str, path: str) -> str | None:
        """The ``path...`` link in the newest text mail to ``email``, or None if that mail has none."""
        self.mail.wait_for(1)
        mine = [m for m in self.mail.messages if m["To"] == email]
        assert mine, f"no mail to {email}"
        text = next(part for part in mine[-1].walk() if part.get_content_type() == "text/plain")
        found = re.search(rf"https?://\S+?({re.escape(path)}\S+/)", text.get_payload(decode=True).decode())
        return found.group(0) if found else None

    def sign_up(self, email: str, password: str) -> dict[str, str]:
        """Register through the API, confirm the address from the mail as a person would, and sign in: a token pair.

        An address registered by an earlier test gets "someone tried to sign
        up" instead of a link: then it is confirmed already.
        """
        import requests

        credentials = {"email": email, "password": password}
        registered = requests.post(f"{self.url}/api/v1/auth/register/", json=credentials, timeout=30)
        assert registered.status_code == 202, registered.text
        link = self.link_mailed_to(email, "/accounts/confirm-email/")
        if link is not None:
            browser = requests.Session()
            page = browser.get(link, timeout=30)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert csrf is not None, page.text
            confirmed = browser.post(
                link, data={"csrfmiddlewaretoken": csrf.group(1)}, allow_redirects=False, timeout=30
            )
            assert confirmed.status_code == 302, confirmed.text
        pair = requests.post(f"{self.url}/api/v1/auth/token/", json=credentials, timeout=30)
        assert pair.status_code == 200, pair.text
        return pair.json()

    def reset_counters(self) -> None:
        """Empty Redis: throttle and lockout counters must not leak between tests."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        client.flushall()
        client.close()


@pytest.fixture(scope="session")
def live_api(redis_server, tmp_path_factory) -> Iterator[LiveAPI]:
    workdir = tmp_path_factory.mktemp("live-api")
    # Confirmation links reach the tests the way they reach people: by mail.
    smtp = LocalSMTPServer(free_port())
    smtp.start()
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
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
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
        yield LiveAPI([f"http://127.0.0.1:{port}" for port in ports], redis_server, smtp)
    finally:
        for server in servers:
            stop(server, timeout=10)
        smtp.stop()
