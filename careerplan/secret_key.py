"""Whether a DJANGO_SECRET_KEY is fit to sign production's sessions, tokens and links.

The production settings refuse to start with an unfit key. "Appears in the
repository" is decided without reading the repository at start-up: a server
may run from an image with no checkout and no git, and the tracked files
would miss the history, which every clone carries and where a key once
committed stays readable for good. So this module holds the SHA-256 of every
key ever committed (the value itself is not repeated here), and the suite
keeps that list complete: tests/careerplan/test_settings_production.py reads
the whole history and the working tree and fails on any committed key this
module would accept. Keys that ``startproject`` makes, and keys Django's own
``check --deploy`` calls weak (security.W009), are refused by their shape.
"""

from __future__ import annotations

import hashlib

MIN_LENGTH = 50
# The same floor as Django's security.W009.
MIN_DISTINCT_CHARACTERS = 5
# What `django-admin startproject` puts in front of the key it writes into
# settings.py: a development key, committed with the project more often than not.
STARTPROJECT_PREFIX = "django-insecure-"

COMMITTED_KEY_SHA256 = frozenset(
    {
        # careerplan/settings.py's development fallback, up to release 0.2.
        "9982fec6cf48a0eef46875e21f182aa26a943f5a2037ccb8f37764073b7b6e7a",
        # tests/careerplan/test_settings_production.py's key, up to release 0.2.
        "f1407d52bc4199724bf2c1f49e3252220365d6370d11cacd4fe97a3e884cde18",
    }
)


def why_unfit(key: str) -> str | None:
    """What makes ``key`` unfit for production, as the end of a sentence; None if it is fit."""
    if len(key) < MIN_LENGTH:
        return f"is {len(key)} characters long; production needs at least {MIN_LENGTH}"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"uses fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    if key.startswith(STARTPROJECT_PREFIX):
        return f"starts with {STARTPROJECT_PREFIX!r}: it is a development key made by startproject"
    if hashlib.sha256(key.encode()).hexdigest() in COMMITTED_KEY_SHA256:
        return "has been committed to the repository, so every clone of it holds the key"
    return None
