"""careerplan.settings_production: what production refuses, and what its responses carry.

Each test runs Django in a subprocess with the production settings and a
production-like environment, as a server would start it. The checkout's .env
(DJANGO_DEBUG=1) is still read there, as a stray one on a server would be.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# 50 characters, none repeated in a pattern: what check --deploy wants of a real key.
SECRET_KEY = "q7Vh-3kPz_Xw9mR2tLc8NbY4sJd6fGa1uHe5oWiKx0TnBvQyZr"
HOST = "careerplan.example.com"


def run_production(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python *args`` with the production settings, a private database and broker folder."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    base = {
        "DJANGO_SETTINGS_MODULE": "careerplan.settings_production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_at_warning_level(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` exits 0 and prints no warning."""
    result = run_production(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert "?:" not in result.stdout  # how Django prefixes each issue it reports


def test_it_refuses_to_start_without_allowed_hosts(tmp_path):
    """With DJANGO_ALLOWED_HOSTS empty, start-up fails and says which variable to set."""
    result = run_production(tmp_path, "-c", "import careerplan.settings_production", DJANGO_ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS is required in production" in result.stderr


@pytest.mark.parametrize("debug", ["0", "1"])
def test_it_refuses_to_start_without_a_secret_key_even_with_debug_on(tmp_path, debug):
    """DJANGO_DEBUG=1 does not bring back the development key: no DJANGO_SECRET_KEY, no start."""
    result = run_production(
        tmp_path, "-c", "import careerplan.settings_production", DJANGO_SECRET_KEY="", DJANGO_DEBUG=debug
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_it_never_runs_in_debug_mode_whatever_django_debug_says(tmp_path):
    """DJANGO_DEBUG=1 is ignored: no debug pages, SMTP email and hashed static files."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.EMAIL_BACKEND, s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = run_production(tmp_path, "-c", script, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_it_logs_one_json_object_per_line_to_stdout(tmp_path):
    """A log record comes out on stdout as a JSON line with time, level, logger and message."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('careerplan.example').warning('nudge scan took %s s', 3, extra={'batches': 2})"
    )
    result = run_production(tmp_path, "-c", script)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    record = next(r for r in lines if r["logger"] == "careerplan.example")
    assert record["level"] == "WARNING"
    assert record["message"] == "nudge scan took 3 s"
    assert record["batches"] == 2
    assert record["time"].endswith("+00:00")


# What a browser and a load balancer get from a production process: Django's
# test client inside the subprocess, over the real middleware, against a
# migrated throw-away database. Prints what the test checks, as JSON.
PROBE = """
import json
import django

django.setup()
from django.core.management import call_command
from django.test import Client

from accounts.models import User

call_command("migrate", verbosity=0)
User.objects.create_superuser(email="ops@example.com", password="a long operator passphrase")
client = Client(HTTP_HOST="careerplan.example.com")
https = {"HTTP_X_FORWARDED_PROTO": "https"}


def cookie(response, name):
    morsel = response.cookies[name]
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"])}


home = client.get("/tracks/")
healthz = client.get("/healthz")
readyz = client.get("/readyz")
over_https = client.get("/healthz", **https)
login = client.post(
    "/admin/login/?next=/admin/", {"username": "ops@example.com", "password": "a long operator passphrase"}, **https
)
print(json.dumps({
    "http_page": [home.status_code, home.get("Location")],
    "http_healthz": healthz.status_code,
    "http_readyz": readyz.status_code,
    "hsts_over_http": healthz.get("Strict-Transport-Security"),
    "hsts": over_https.get("Strict-Transport-Security"),
    "csp": over_https.get("Content-Security-Policy"),
    "login": [login.status_code, login.get("Location")],
    "session_cookie": cookie(login, "sessionid"),
    "csrf_cookie": cookie(login, "csrftoken"),
}))
"""


def test_its_responses_carry_https_redirect_hsts_secure_cookies_and_the_csp(tmp_path):
    """Plain http is redirected except the health checks; https answers carry HSTS and the CSP;
    the session and CSRF cookies are Secure and HttpOnly."""
    result = run_production(tmp_path, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])

    assert seen["http_page"] == [301, f"https://{HOST}/tracks/"]
    assert seen["http_healthz"] == 200
    assert seen["http_readyz"] == 200
    assert seen["hsts_over_http"] is None
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in seen["csp"]
    assert "script-src 'self'" in seen["csp"]
    assert "unsafe-inline" not in seen["csp"]
    assert seen["login"] == [302, "/admin/"]
    assert seen["session_cookie"] == {"secure": True, "httponly": True}
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True}
