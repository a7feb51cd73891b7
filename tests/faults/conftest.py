"""Servers a fault test may stop and start again: its own Redis, its own PostgreSQL, gunicorn.

The session's Redis (tests/servers.py) is shared by the suite and must never
go down, so a test that takes Redis away starts a private one; likewise a
private PostgreSQL for the restart test, whatever DATABASE_URL the suite runs on.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import localservers
from localservers import free_port, redis_server, scratch_dir, stop
from localservers.ports import HOST
from tests.servers import need_binary

ROOT = Path(__file__).resolve().parents[2]


def wait_for_port_closed(port: int, timeout: float = 15.0) -> None:
    """Return once nothing accepts connections on ``port``: a stopped server is really gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                time.sleep(0.05)
        except OSError:
            return
    raise RuntimeError(f"{HOST}:{port} still listens after {timeout}s")


class RedisProcess:
    """A private redis-server on a fixed free port that a test can stop and start again (empty each time)."""

    def __init__(self) -> None:
        self.binary = need_binary("redis-server", "redis-server")
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.running = contextlib.ExitStack()

    def start(self) -> None:
        self.running.enter_context(
            redis_server(
                self.binary, "careerplan-faults-redis-", port=self.port, stop_timeout=10, stderr=subprocess.DEVNULL
            )
        )

    def stop(self) -> None:
        self.running.close()
        wait_for_port_closed(self.port)


@pytest.fixture
def private_redis() -> Iterator[RedisProcess]:
    server = RedisProcess()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


class PostgresProcess:
    """A throw-away PostgreSQL (as scripts/with-postgres starts it) that a test can restart.

    initdb refuses to run as root, so as root the server runs as ``postgres``.
    The data folder is the caller's, and removed by the caller.
    """

    def __init__(self, bindir: str, datadir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.datadir = str(datadir)
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.datadir, "postgres")
        self.url = f"postgres://careerplan@127.0.0.1:{self.port}/careerplan"

    def ctl(self, *args: str) -> None:
        command = [*self.as_owner, f"{self.bindir}/pg_ctl", "-D", self.datadir, *args]
        # No pipes: the server inherits pg_ctl's stdout, and a pipe it holds open would never end.
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def init(self) -> None:
        subprocess.run(
            [
                *self.as_owner,
                f"{self.bindir}/initdb",
                "-D",
                self.datadir,
                "-U",
                "careerplan",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()
        subprocess.run(
            [f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "careerplan", "careerplan"],
            check=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.ctl("-l", f"{self.datadir}/server.log", "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.ctl("-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.ctl("-l", f"{self.datadir}/server.log", "-m", "fast", "-w", "restart")

    def destroy(self) -> None:
        subprocess.run(
            [*self.as_owner, f"{self.bindir}/pg_ctl", "-D", self.datadir, "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def private_postgres() -> Iterator[PostgresProcess]:
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin is absent; Debian package postgresql)")
    with scratch_dir("careerplan-faults-pg-") as datadir:
        server = PostgresProcess(bindir, datadir)
        try:
            server.init()
            yield server
        finally:
            server.destroy()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_gunicorn(
    env: dict[str, str], log: Path, workers: int = 1, threads: int = 4
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn serving the app on a free port, its workers given a minute per request; the process and its base URL."""
    port = free_port()
    server = localservers.start_gunicorn(
        port,
        log,
        env,
        workers=workers,
        threads=threads,
        log_level="warning",
        options=["--timeout", "60"],
        start_timeout=60,
    )
    return server, f"http://{HOST}:{port}"


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn, killed if it has not stopped within 15 seconds."""
    stop(proc, timeout=15)
