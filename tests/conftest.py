"""Fixtures shared by the whole suite: the named users and real servers."""

import pytest

from .factories import PASSWORD, UserFactory

pytest_plugins = ["tests.servers", "tests.api_clients"]


def pytest_configure(config):
    # Real hashing costs ~100 ms per user; the suite checks behaviour, not PBKDF2.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Serve static files straight from the app folders, as in development, so
    # live-server tests need no collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    # The answer cache (tracker.versions) is off by default without Redis; the
    # suite is one process with one memory cache, so turn it on: every test
    # that changes data and reads it back then checks that the change shows.
    settings.READ_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle and lockout counters and the answer cache live in the cache;
    # one test's requests must not throttle, or be answered for, the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def owner(db):
    """The person whose plan a test is about."""
    return UserFactory(email="owner@example.com", display_name="Olive Owner")


@pytest.fixture
def other(db):
    """Someone else, who must never see the owner's plan."""
    return UserFactory(email="other@example.com", display_name="Oscar Other")


@pytest.fixture
def staff(db):
    """A superuser of the admin."""
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def seeded(db):
    """The real seed content from fixtures/, loaded as `make run` loads it."""
    from django.core.management import call_command

    call_command("loaddata", "careerplan", verbosity=0)
