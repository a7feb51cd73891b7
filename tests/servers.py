"""Real servers for the suite, started on free ports and stopped at the end.

Nothing here is mocked: a test that needs Redis gets a real ``redis-server``,
started and stopped by localservers as the benchmarks start theirs.
`make test` installs the package where it is missing; run alone, a missing
binary fails with the package to install.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

import localservers
from localservers import find_binary, free_port


def need_binary(name: str, package: str) -> str:
    """The path of ``name``; a missing one fails the test, naming the Debian package to install."""
    path = find_binary(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install the Debian package {package!r} (make test does this).")
    return path


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A private redis-server on a free port; yields its URL."""
    binary = need_binary("redis-server", "redis-server")
    with localservers.redis_server(binary, "careerplan-redis-", stop_timeout=10, stderr=subprocess.DEVNULL) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """The session's Redis, emptied before each test that uses it."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushall()
    yield redis_server
    client.close()


class LocalSMTPServer:
    """A real SMTP server (aiosmtpd) on a fixed port, which a test can stop and start again.

    ``messages`` holds every accepted message (``email.message.Message``);
    ``delay`` makes each DATA take that many seconds, to catch a sender mid-batch.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list = []
        self.delay = 0.0
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        import asyncio
        import email

        if self.delay:
            # aiosmtpd cancels this coroutine if the client vanishes meanwhile,
            # so a sender killed mid-DATA leaves no message behind.
            await asyncio.sleep(self.delay)
        if server.transport is None:
            return "451 Connection lost"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        """The messages once at least ``count`` have arrived (or whatever came within ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)


@pytest.fixture
def smtp_server() -> Iterator[LocalSMTPServer]:
    """A running local SMTP server on a free port; ``.stop()``/``.start()`` keep the port."""
    server = LocalSMTPServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
