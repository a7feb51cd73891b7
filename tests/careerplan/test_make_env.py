"""`make .env` (run by `make run` and `make test`): each checkout gets its own random signing key.

The Makefile runs in a throw-away folder holding only .env.example, as in a
fresh clone.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY_LINE = re.compile(r"^DJANGO_SECRET_KEY=(\S+)$", re.MULTILINE)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.fail("make is not installed: install the Debian package 'make'.")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env.example")
    return tmp_path


def make_env(folder: Path) -> str:
    """Run the Makefile's .env target in ``folder``; returns the .env it leaves."""
    subprocess.run(
        ["make", "--silent", "-C", str(folder), "-f", str(ROOT / "Makefile"), ".env", f"PYTHON={sys.executable}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (folder / ".env").read_text()


def test_it_writes_a_random_key_of_its_own_into_a_new_env_and_keeps_it(checkout, tmp_path_factory):
    """The first run copies .env.example and adds a key of at least 50 characters; the next
    run leaves the file alone; another checkout gets another key."""
    first = make_env(checkout)
    assert first.startswith((ROOT / ".env.example").read_text())
    assert "DJANGO_DEBUG=1" in first
    keys = KEY_LINE.findall(first)
    assert len(keys) == 1
    assert len(keys[0]) >= 50

    assert make_env(checkout) == first

    elsewhere = tmp_path_factory.mktemp("another-clone")
    shutil.copy(ROOT / ".env.example", elsewhere / ".env.example")
    assert KEY_LINE.findall(make_env(elsewhere)) != keys


def test_it_gives_an_older_env_without_a_key_one_and_keeps_the_rest(checkout):
    """A .env made before keys were written (no final newline, a setting of its own) gets a key on a line of
    its own; what it held stays."""
    (checkout / ".env").write_text("DJANGO_DEBUG=1\nLOG_LEVEL=DEBUG")
    env = make_env(checkout)
    assert env.startswith("DJANGO_DEBUG=1\nLOG_LEVEL=DEBUG\n")
    assert len(KEY_LINE.findall(env)) == 1
