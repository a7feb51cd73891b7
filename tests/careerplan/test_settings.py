"""Settings come from the environment and fail loudly."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    # Values given here win over the checkout's .env (read with overwrite=False).
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import careerplan.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_mode_has_no_development_key_to_fall_back_on(tmp_path):
    """DJANGO_DEBUG=1 with no DJANGO_SECRET_KEY anywhere stops too, and says how a checkout gets its own key.

    The settings run from a copy of careerplan/ in a folder with no .env (this
    checkout's holds its own key), as on a server that has none.
    """
    shutil.copytree(ROOT / "careerplan", tmp_path / "careerplan")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    result = subprocess.run(
        [sys.executable, "-c", "import careerplan.settings as s; print(s.SECRET_KEY)"],
        cwd=tmp_path,
        env={**clean, "DJANGO_DEBUG": "1", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, f"started with the key {result.stdout.strip()[:6]}..."
    assert "DJANGO_SECRET_KEY is required: in a checkout, `make .env` writes a random one into .env" in result.stderr


def test_production_starts_with_its_secrets():
    result = _import_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db.internal:5432/careerplan"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_a_malformed_boolean_fails_with_the_variables_name():
    result = _import_settings(DJANGO_DEBUG="maybe-later")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe-later' is not a boolean" in result.stderr


def test_a_malformed_number_fails_with_the_variables_name():
    result = _import_settings(DJANGO_DEBUG="1", EMAIL_PORT="twenty-five")
    assert result.returncode != 0
    assert "EMAIL_PORT='twenty-five' is not a whole number" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_immediate_transactions():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL here")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def _site_url(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "WEB_PORT"}}
    return subprocess.run(
        [sys.executable, "-c", "import careerplan.settings as s; print(s.SITE_URL)"],
        cwd=ROOT,
        env={**clean, **env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_links_in_development_use_the_port_make_run_serves_on():
    """Procfile.dev serves on WEB_PORT; the worker sending nudges reads it too, so their links open the app."""
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(WEB_PORT="9000") == "http://127.0.0.1:9000"
    assert _site_url(WEB_PORT="9000", SITE_URL="https://careerplan.example/") == "https://careerplan.example"
