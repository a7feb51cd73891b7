"""careerplan.settings_production: what production refuses, and what its responses carry.

Each test runs Django in a subprocess with the production settings and a
production-like environment, as a server would start it: a fresh random key,
the suite's real Redis. The checkout's .env (DJANGO_DEBUG=1 and this
checkout's development key) is still read there, as a stray one on a server
would be.
"""

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "careerplan.example.com"
STARTS = "import django; django.setup(); print('started')"

Production = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_production(tmp_path: Path, redis_url: str) -> Production:
    """Run ``python *args`` with the production settings, a private database and broker folder.

    The key is made here, never written down: a key in this file would be a
    key in the repository, which production refuses.
    """

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        base = {
            "DJANGO_SETTINGS_MODULE": "careerplan.settings_production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": redis_url,
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

    return run


def test_it_passes_check_deploy_at_warning_level(run_production):
    """`manage.py check --deploy --fail-level WARNING` exits 0 and prints no warning."""
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert "?:" not in result.stdout  # how Django prefixes each issue it reports


def test_it_refuses_to_start_without_allowed_hosts(run_production):
    """With DJANGO_ALLOWED_HOSTS empty, start-up fails and says which variable to set."""
    result = run_production("-c", "import careerplan.settings_production", DJANGO_ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS is required in production" in result.stderr


@pytest.mark.parametrize("debug", ["0", "1"])
def test_it_refuses_to_start_without_a_secret_key_even_with_debug_on(run_production, debug):
    """DJANGO_DEBUG=1 does not bring back the development key: no DJANGO_SECRET_KEY, no start."""
    result = run_production("-c", "import careerplan.settings_production", DJANGO_SECRET_KEY="", DJANGO_DEBUG=debug)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


# Each weak key is made afresh, so none of them is written down here.
WEAK_KEYS = {
    "shorter than 50 characters": (
        secrets.token_urlsafe(50)[:49],
        "DJANGO_SECRET_KEY is 49 characters long; production needs at least 50",
    ),
    "few distinct characters": ("ab" * 40, "DJANGO_SECRET_KEY uses fewer than 5 different characters"),
    "made by startproject": (
        "django-insecure-" + secrets.token_urlsafe(50),
        "DJANGO_SECRET_KEY starts with 'django-insecure-': it is a development key made by startproject",
    ),
}


@pytest.mark.parametrize("weakness", WEAK_KEYS)
def test_it_refuses_to_start_with_a_weak_secret_key(run_production, weakness):
    """A key under 50 characters, of fewer than 5 characters or made by startproject stops the start-up,
    naming the variable and how to make a good one."""
    key, message = WEAK_KEYS[weakness]
    result = run_production("-c", STARTS, DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}. Set it to a new random value" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
    assert "started" not in result.stdout


# Where a secret key is given a literal value: NAME = "value", "NAME": "value",
# NAME="value" (Python, JSON, YAML, shell), or NAME=value at the start of a line
# (.env files, shell). NAME is any *SECRET_KEY, or *_SECRET as the old fallback was.
QUOTED_KEY = re.compile(r"""\w*(?:SECRET_KEY|_SECRET)\b["']?\s*[:=]\s*(["'])([^"'\s]+)\1""")
BARE_KEY = re.compile(r"""^\s*(?:export\s+)?\w*SECRET_KEY=([^\s"'#,)]+)""", re.MULTILINE)


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def keys_in_the_repository() -> set[str]:
    """Every literal value given to a secret key in any commit of the history or in the working tree.

    The working tree counts its new files too (not the ignored ones, such as this
    checkout's own .env): they are about to be committed.
    """
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the repository's history cannot be read")
    history = git("log", "--all", "--no-color", "--unified=0", "-p", "-G", "SECRET")
    added = [line[1:] for line in history.splitlines() if line.startswith("+") and not line.startswith("+++")]
    tree = git("grep", "--untracked", "-I", "-h", "-e", "SECRET").splitlines()
    text = "\n".join(added + tree)
    return {m.group(2) for m in QUOTED_KEY.finditer(text)} | {m.group(1) for m in BARE_KEY.finditer(text)}


def test_it_refuses_to_start_with_any_secret_key_that_was_ever_committed(run_production):
    """A key that appears anywhere in the repository, its history included, is refused: every clone holds it."""
    keys = keys_in_the_repository()
    assert keys, "the scan found no key at all: has QUOTED_KEY or BARE_KEY stopped matching?"
    started = []
    for key in sorted(keys):
        result = run_production("-c", STARTS, DJANGO_SECRET_KEY=key)
        if result.returncode == 0 or "ImproperlyConfigured: DJANGO_SECRET_KEY" not in result.stderr:
            started.append(f"{key[:6]}... (sha256 {hashlib.sha256(key.encode()).hexdigest()})")
    assert not started, f"production accepts these committed keys: {started}"


def test_the_repository_scan_finds_every_key_known_to_have_been_committed():
    """The scan above is not blind: on a full clone it finds each key careerplan.secret_key lists."""
    from careerplan.secret_key import COMMITTED_KEY_SHA256

    if git("rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow clone holds only part of the history")
    found = {hashlib.sha256(key.encode()).hexdigest() for key in keys_in_the_repository()}
    assert found >= COMMITTED_KEY_SHA256


def test_it_starts_with_a_fresh_random_key(run_production):
    """The key the README tells operators to make is accepted."""
    result = run_production("-c", STARTS, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["started"]


def test_it_refuses_to_start_without_redis(run_production):
    """Without REDIS_URL the limits would be counted per process: no start, and the variable is named."""
    result = run_production("-c", STARTS, REDIS_URL="")
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL is required in production" in result.stderr
    assert "started" not in result.stdout


@pytest.mark.parametrize(
    ("email", "starts"),
    [
        ({"EMAIL_HOST": "smtp.example.com"}, False),
        ({"EMAIL_HOST": "203.0.113.25", "EMAIL_USE_TLS": "0"}, False),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_USE_TLS": "1"}, True),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_ALLOW_PLAINTEXT": "1"}, True),
        ({"EMAIL_HOST": "localhost"}, True),
        ({"EMAIL_HOST": "127.0.0.1"}, True),
        ({"EMAIL_HOST": "::1"}, True),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, True),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value),
)
def test_it_refuses_plaintext_smtp_to_another_machine_unless_allowed(run_production, email, starts):
    """EMAIL_USE_TLS off against an SMTP server that is not this machine stops the start-up,
    unless EMAIL_ALLOW_PLAINTEXT=1 says the network to it is private."""
    result = run_production("-c", STARTS, **email)
    if starts:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["started"]
    else:
        assert result.returncode != 0
        assert f"ImproperlyConfigured: EMAIL_USE_TLS is off for the SMTP server EMAIL_HOST='{email['EMAIL_HOST']}'" in (
            result.stderr
        )
        assert "EMAIL_USE_TLS=1" in result.stderr
        assert "EMAIL_ALLOW_PLAINTEXT=1" in result.stderr


def test_it_never_runs_in_debug_mode_whatever_django_debug_says(run_production):
    """DJANGO_DEBUG=1 is ignored: no debug pages, SMTP email and hashed static files."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.EMAIL_BACKEND, s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = run_production("-c", script, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_it_logs_one_json_object_per_line_to_stdout(run_production):
    """A log record comes out on stdout as a JSON line with time, level, logger and message."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('careerplan.example').warning('nudge scan took %s s', 3, extra={'batches': 2})"
    )
    result = run_production("-c", script)
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


def test_its_responses_carry_https_redirect_hsts_secure_cookies_and_the_csp(run_production):
    """Plain http is redirected except the health checks; https answers carry HSTS and the CSP;
    the session and CSRF cookies are Secure and HttpOnly."""
    result = run_production("-c", PROBE)
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
