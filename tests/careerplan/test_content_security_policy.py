"""The Content-Security-Policy is sent everywhere, and our templates need nothing inline.

The browser side (no violation on the main pages, htmx still working) is in
tests/e2e/test_content_security_policy.py.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Emails are not pages: mail clients need inline styles and no CSP applies.
PAGE_TEMPLATES = sorted(
    path
    for folder in ("templates", "tracker/templates", "accounts/templates")
    for path in (ROOT / folder).rglob("*.html")
    if "email" not in path.relative_to(ROOT).parts
)
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"),
    "inline <style>": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle="),
    "on* event handler": re.compile(r"\son[a-z]+="),
    "hx-on handler": re.compile(r"\shx-on"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/tracks/", "/healthz", "/api/v1/docs/", "/admin/login/"])
def test_it_sends_the_policy_in_development_and_tests_too(client, path):
    """Every response carries the same strict policy production sends: nothing inline, nothing from elsewhere."""
    policy = directives(client.get(path)["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_no_page_template_has_inline_script_style_or_handlers():
    """Pages load every script and style from files, so the policy needs no 'unsafe-inline'."""
    assert PAGE_TEMPLATES
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in PAGE_TEMPLATES
        for what, pattern in INLINE.items()
        if pattern.search(COMMENT.sub("", path.read_text()))
    ]
    assert found == []


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    """htmx would add an inline <style> for indicators; the page's htmx-config turns that (and eval) off."""
    html = client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert html.index('name="htmx-config"') < html.index("django_htmx/htmx")
