"""Loopback ports: a free one for a new server, and waiting until it answers."""

from __future__ import annotations

import socket
import time

HOST = "127.0.0.1"


class NotListening(RuntimeError):
    """Nothing accepted a connection on the port in time: the server did not come up."""


def free_port() -> int:
    """A loopback port nothing listens on, so a throw-away server never collides with another run's.

    The kernel picks it; another process could take it before the server binds
    it, a window too short to matter for servers started one after another.
    """
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Return once something accepts connections on ``port``; raise NotListening after ``timeout`` seconds.

    A started process is not yet a ready server, and connecting is the one
    readiness check that works for every server here, whatever it logs.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise NotListening(f"nothing listens on {HOST}:{port} after {timeout}s")
