"""Typed evidence: what an evidence link people save on a milestone is, read from the URL alone.

A pure function of the text, so it costs nothing on a page and never fetches
anything: "GitHub repository owner/name", "Kaggle profile name", "Credly
badge", "Certificate (PDF)". Anything else is a plain link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# github.com/<owner>/<repo>: names GitHub allows (letters, digits, - _ .).
GITHUB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# First path segments of github.com that are GitHub's own pages, not accounts.
GITHUB_RESERVED = {"orgs", "settings", "features", "marketplace", "explore", "topics", "sponsors", "about", "login"}
KAGGLE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Kaggle's own sections, which are not profiles.
KAGGLE_SECTIONS = {
    "competitions",
    "c",
    "datasets",
    "code",
    "models",
    "discussions",
    "discussion",
    "learn",
    "docs",
    "search",
    "account",
    "settings",
    "organizations",
    "benchmarks",
    "rankings",
    "progression",
    "contact",
    "terms",
}
UUIDISH = re.compile(r"^[0-9a-fA-F-]{8,}$")


@dataclass(frozen=True)
class Evidence:
    """What a link is (``kind``: github_repository, github_profile, kaggle_profile, credly_badge, certificate_pdf)."""

    kind: str
    label: str
    url: str


def recognise(url: str) -> Evidence | None:
    """The kind of evidence ``url`` is, or None for a link of no known kind (or no http(s) link at all)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host == "github.com" and segments and segments[0].lower() not in GITHUB_RESERVED:
        owner = segments[0]
        if not GITHUB_NAME.match(owner):
            return None
        if len(segments) >= 2 and GITHUB_REPO.match(segments[1]):
            name = segments[1].removesuffix(".git")
            return Evidence("github_repository", f"GitHub repository {owner}/{name}", url)
        if len(segments) == 1:
            return Evidence("github_profile", f"GitHub profile {owner}", url)
    if (
        host == "kaggle.com"
        and len(segments) == 1
        and segments[0].lower() not in KAGGLE_SECTIONS
        and KAGGLE_NAME.match(segments[0])
    ):
        return Evidence("kaggle_profile", f"Kaggle profile {segments[0]}", url)
    if host == "credly.com" and len(segments) >= 2 and segments[0] == "badges" and UUIDISH.match(segments[1]):
        return Evidence("credly_badge", "Credly badge", url)
    if parts.path.lower().endswith(".pdf"):
        return Evidence("certificate_pdf", "Certificate (PDF)", url)
    return None
