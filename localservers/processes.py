"""Server processes: find the binary, run it while it is needed, and always clean up after it."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from localservers.ports import HOST, free_port, wait_for_port

# Debian installs some servers in sbin, which an ordinary user's PATH may lack.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def find_binary(name: str) -> str | None:
    """The path of the program ``name``: on PATH, else in the system folders; None when it is not installed.

    Each caller says in its own way (a failed test, an exit message) which
    package to install, so a missing program is an answer here, not an error.
    """
    return shutil.which(name) or shutil.which(name, path=SYSTEM_PATH)


def stop(proc: subprocess.Popen[Any], timeout: float = 20.0) -> None:
    """Ask ``proc`` to stop (SIGTERM) and wait for it; kill it after ``timeout`` seconds.

    A server that ignores SIGTERM must still not outlive its caller, holding
    its port and the files in its scratch folder.
    """
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    start_timeout: float = 15.0,
    stop_timeout: float = 20.0,
    stderr: int | None = None,
) -> Iterator[str]:
    """A private redis-server on a free loopback port for the length of the block; yields its URL.

    Private, so its owner may flush it without touching anyone else's data.
    It is thrown away afterwards, so nothing is written to disk (no RDB
    snapshots, no append-only file), and its folder is a scratch folder
    named with ``prefix``. Its standard output is dropped; its errors go to
    ``stderr`` (the caller's own by default).
    """
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
