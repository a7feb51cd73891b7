"""End-to-end fixtures: the app on a live server, driven by real headless Chromium.

Debian's chromium (``make test`` installs it) is launched through Playwright's
Python package with ``executable_path``: ``playwright install`` cannot download
browsers here. axe-core comes from npm (package.json), injected into pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import need_binary

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told this is deliberate. The
# ORM calls here are the test's own, never concurrent with the loop's work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return need_binary("chromium", "chromium")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of fresh browser contexts (separate cookies) pointed at the live server."""
    contexts = []

    def make(**options: Any) -> Any:
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Any:
    return new_context().new_page()


@pytest.fixture
def login_as(live_server: Any) -> Any:
    """Sign a browser context in as ``user`` through a real session cookie."""
    from django.conf import settings
    from django.test import Client

    def login(context: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return login


@pytest.fixture
def axe_violations() -> Any:
    """Run axe-core on a page; returns its serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does this).")

    def run(page: Any) -> list[dict[str, Any]]:
        # Evaluated through the DevTools protocol: an injected <script> tag is
        # inline script, which the pages' Content-Security-Policy refuses.
        page.evaluate(AXE_JS.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
