"""Servers a fault test may stop and start again: its own Redis, its own PostgreSQL, gunicorn.

The session's Redis (tests/servers.py) is shared by the suite and must never
go down, so a test that takes Redis away starts a private one; likewise a
private PostgreSQL for the restart test, whatever DATABASE_URL the suite runs on.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, need_binary, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def wait_for_port_closed(port: int, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(0.05)
        except OSError:
            return
    raise RuntimeError(f"127.0.0.1:{port} still listens after {timeout}s")


class RedisProcess:
    """A redis-server on a fixed free port that a test can stop and start again."""

    def __init__(self) -> None:
        self.binary = need_binary("redis-server", "redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = tempfile.mkdtemp(prefix="careerplan-faults-redis-")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.workdir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None
        wait_for_port_closed(self.port)


@pytest.fixture
def private_redis() -> Iterator[RedisProcess]:
    server = RedisProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.workdir, ignore_errors=True)


def postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


class PostgresProcess:
    """A throw-away PostgreSQL (as scripts/with-postgres starts it) that a test can restart.

    initdb refuses to run as root, so as root the server runs as ``postgres``.
    """

    def __init__(self, bindir: str) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.datadir = tempfile.mkdtemp(prefix="careerplan-faults-pg-")
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
        shutil.rmtree(self.datadir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PostgresProcess]:
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin is absent; Debian package postgresql)")
    server = PostgresProcess(bindir)
    server.init()
    try:
        yield server
    finally:
        server.destroy()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_gunicorn(env: dict[str, str], log: Path, workers: int = 1, threads: int = 4) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the app on a free port; the process and its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "careerplan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # noqa: SIM115 - closed with the process
    )
    wait_for_port(port, timeout=60)
    return proc, f"http://127.0.0.1:{port}"


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
