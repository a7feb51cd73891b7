"""Server processes: find the binary, run it while it is needed, and always clean up after it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from localservers.ports import HOST, NotListening, free_port, wait_for_port

# Debian installs some servers in sbin, which an ordinary user's PATH may lack.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"

# The project folder: gunicorn imports careerplan.wsgi from there.
PROJECT = Path(__file__).resolve().parents[1]


def find_binary(name: str) -> str | None:
    """The path of the program ``name``: on PATH, else in the system folders; None when it is not installed.

    Each caller says in its own way (a failed test, an exit message) which
    package to install, so a missing program is an answer here, not an error.
    """
    return shutil.which(name) or shutil.which(name, path=SYSTEM_PATH)


def stop(proc: subprocess.Popen[Any], timeout: float = 20.0, *, group: bool = False) -> None:
    """Ask ``proc`` to stop (SIGTERM) and wait for it; kill it after ``timeout`` seconds.

    A server that ignores SIGTERM must still not outlive its caller, holding
    its port and the files in its scratch folder. With ``group``, for a
    process started in a session of its own (``start_new_session=True``),
    both signals go to its whole process group, so that the children it
    forked (a Celery prefork worker's pool) are stopped, or killed, with it.
    """
    if proc.poll() is None:
        _signal(proc, signal.SIGTERM, group)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL, group)
            proc.wait()


def _signal(proc: subprocess.Popen[Any], signum: int, group: bool) -> None:
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A new temporary folder, deleted with its contents however the block ends.

    A throw-away server's data, logs and sockets go there, so nothing is left
    behind in /tmp after a failed run.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def serving(
    command: Sequence[str],
    port: int,
    *,
    start_timeout: float = 15.0,
    stop_timeout: float = 20.0,
    **popen: Any,
) -> Iterator[subprocess.Popen[Any]]:
    """Run ``command`` for the length of the block, entered once the server accepts connections on ``port``.

    The process is stopped however the block ends, also when the server never
    came up, so a failed start leaves no server behind. ``popen`` goes to
    ``subprocess.Popen`` (cwd, env, where the output goes).
    """
    proc = subprocess.Popen(command, **popen)
    try:
        wait_for_port(port, start_timeout)
        yield proc
    finally:
        stop(proc, stop_timeout)


@contextlib.contextmanager
def redis_server(
    binary: str,
    prefix: str,
    *,
    port: int | None = None,
    start_timeout: float = 15.0,
    stop_timeout: float = 20.0,
    stderr: int | None = None,
) -> Iterator[str]:
    """A private redis-server on a free loopback port for the length of the block; yields its URL.

    Private, so its owner may flush it without touching anyone else's data.
    It is thrown away afterwards, so nothing is written to disk (no RDB
    snapshots, no append-only file), and its folder is a scratch folder
    named with ``prefix``. Its standard output is dropped; its errors go to
    ``stderr`` (the caller's own by default). A given ``port`` is for a
    Redis that is stopped and started again where its clients still expect
    it (a test of an outage): each start is a new, empty server.
    """
    if port is None:
        port = free_port()
    with scratch_dir(prefix) as workdir:
        options = ["--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", str(workdir)]
        with serving(
            [binary, *options],
            port,
            start_timeout=start_timeout,
            stop_timeout=stop_timeout,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        ):
            yield f"redis://{HOST}:{port}/0"


def start_gunicorn(
    port: int,
    log: Path,
    env: Mapping[str, str],
    *,
    workers: int = 1,
    threads: int = 1,
    log_level: str = "info",
    options: Sequence[str] = (),
    start_timeout: float = 15.0,
) -> subprocess.Popen[bytes]:
    """gunicorn serving CareerPlan on ``port``, returned once it accepts connections; the caller stops it with ``stop``.

    For the tests that need what Django's test client cannot give: several
    processes on one database and one Redis, a server that lives through a
    database restart or a Redis outage. It is the virtualenv's own gunicorn
    (pinned in requirements.txt) with gthread workers, run from the project
    folder with ``env`` as its whole environment; ``options`` are further
    gunicorn flags. Its output is dropped and its errors written to ``log``.
    One that does not come up within ``start_timeout`` seconds is stopped
    here, and the NotListening raised names its log.
    """
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "careerplan.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        log_level,
        *options,
    ]
    with log.open("w") as errors:  # gunicorn writes to its own copy of the file
        proc = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        wait_for_port(port, start_timeout)
    except NotListening as error:
        stop(proc)
        raise NotListening(f"gunicorn did not start on {HOST}:{port}: see {log}") from error
    return proc
