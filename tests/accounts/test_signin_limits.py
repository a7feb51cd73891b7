"""One failure limit for every sign-in: the web (allauth), the admin and the API's auth/token/.

Failures are counted per address and account, per account from every address
and per address over every account (accounts.signin_limits), so one address
can neither guess far nor lock anyone else out. Each attempt hashes the
password exactly once, found or not, right or wrong.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import redis
import requests
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.counting_hasher import CountingHasher
from tests.accounts.sign_in_paths import (
    CAFE,
    ELSEWHERE,
    HOME,
    PATHS,
    REFUSED,
    SIGNED_IN,
    WRONG,
    admin,
    api,
    verify,
    web,
)
from tests.faults.conftest import RedisProcess


@pytest.fixture
def admin_user(staff):
    """A staff member with a verified address, who can sign in on every path."""
    verify(staff)
    return staff


@pytest.fixture
def limits(settings):
    """Small limits: three failures per address and account, five per account, eight per address."""
    settings.SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT = 3
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 5
    settings.SIGNIN_FAILURES_PER_ADDRESS = 8
    return settings


def test_failures_on_every_path_add_up_to_one_limit_on_the_account(admin_user, password):
    """Five failures from one address, on the web, the admin and the API together, stop that address on all three."""
    email = admin_user.email
    # Five failures from home, spread over the three sign-ins: the default limit.
    assert [web(email, "guess 1"), web(email, "guess 2")] == [WRONG, WRONG]
    assert [admin(email, "guess 3"), admin(email, "guess 4")] == [WRONG, WRONG]
    assert api(email, "guess 5") == WRONG

    # Now no path lets home check even the right password...
    assert [check(email, password) for check in PATHS.values()] == [REFUSED] * 3
    # ...while the owner, elsewhere, signs in on each of them.
    assert [check(email, password, CAFE) for check in PATHS.values()] == [SIGNED_IN] * 3


def test_a_right_password_signs_in_from_an_address_that_failed_on_another_account(admin_user, other, password):
    """Failures on one account do not stop the same address signing in to another with its right password."""
    # Home's five failures on someone else's account lock home out of that one only.
    assert [api(other.email, f"guess {n}") for n in range(5)] == [WRONG] * 5
    assert api(other.email, password) == REFUSED

    assert [check(admin_user.email, password) for check in PATHS.values()] == [SIGNED_IN] * 3


@pytest.mark.parametrize("path", PATHS)
def test_one_address_cannot_lock_an_account_out_for_others(path, admin_user, password):
    """An address that reaches the limit on an account is refused; the owner, elsewhere, still signs in."""
    check = PATHS[path]
    assert [check(admin_user.email, "guess") for _ in range(6)] == [WRONG] * 5 + [REFUSED]

    assert check(admin_user.email, password, CAFE) == SIGNED_IN


@pytest.mark.parametrize("path", PATHS)
def test_many_addresses_guessing_one_account_lock_it_for_everyone(path, limits, admin_user, password):
    """Failures on one account from several addresses add up: past the per-account limit every address is refused."""
    check = PATHS[path]
    assert [check(admin_user.email, "guess", HOME) for _ in range(3)] == [WRONG] * 3
    assert [check(admin_user.email, "guess", CAFE) for _ in range(2)] == [WRONG] * 2

    # Five failures on the account, from two addresses: a third is refused too.
    assert check(admin_user.email, password, ELSEWHERE) == REFUSED


@pytest.mark.parametrize("path", PATHS)
def test_one_address_trying_many_accounts_reaches_a_ceiling(path, limits, admin_user, password):
    """One address spraying a password over many accounts is stopped on every account, and nobody else is."""
    check = PATHS[path]
    guessed = [f"person{n}@example.com" for n in range(4)]
    assert [check(email, "password1", HOME) for email in guessed for _ in range(2)] == [WRONG] * 8

    # Eight failures from home, two per account: home is stopped on every account...
    assert check(admin_user.email, password, HOME) == REFUSED
    # ...and nobody else is.
    assert check(admin_user.email, password, CAFE) == SIGNED_IN


def test_a_right_password_forgets_this_address_failures_on_the_account(limits, admin_user, password):
    """Signing in clears the address's earlier failures on the account, so an owner's typos do not pile up."""
    email = admin_user.email
    for _ in range(2):
        assert [api(email, "guess"), api(email, "guess"), api(email, password)] == [WRONG, WRONG, SIGNED_IN]
    assert [api(email, "guess"), api(email, "guess"), api(email, "guess")] == [WRONG] * 3
    assert api(email, password) == REFUSED


def test_a_password_reset_lifts_the_lock_on_the_account(admin_user, password):
    """Resetting the password by email proves the owner: the new password signs in at once on every path."""
    email = admin_user.email
    assert [api(email, f"guess {n}") for n in range(5)] == [WRONG] * 5
    assert web(email, password) == REFUSED

    client = Client(REMOTE_ADDR=HOME)
    client.post("/accounts/password/reset/", {"email": email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line)
    form = client.get(link.strip(), follow=True)
    new = "a brand new passphrase 9"
    reset = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert reset.status_code == 302

    assert [web(email, new), api(email, new), admin(email, new)] == [SIGNED_IN] * 3


@pytest.mark.parametrize("path", PATHS)
def test_every_sign_in_hashes_the_password_exactly_once(path, settings, db):
    """Right, wrong or no such account: one password hash each (two backends once hashed twice on a failure)."""
    settings.PASSWORD_HASHERS = ["tests.accounts.counting_hasher.CountingHasher"]
    from accounts.models import User

    user = User.objects.create_superuser("hashed@example.com", "the right passphrase")
    verify(user)
    check = PATHS[path]

    hashes = {}
    for case, email, password in [
        ("right", user.email, "the right passphrase"),
        ("wrong", user.email, "a wrong passphrase"),
        ("unknown", "nobody@example.com", "a wrong passphrase"),
    ]:
        CountingHasher.hashes = 0
        check(email, password, address=f"192.0.2.{len(hashes) + 1}")
        hashes[case] = CountingHasher.hashes

    assert hashes == {"right": 1, "wrong": 1, "unknown": 1}


class Clock:
    """The sign-in limits' view of the time, moved by the test."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from accounts import signin_limits

    clock = Clock(1_800_000_000 - 1.5)  # a second and a half before a multiple of the 900-second window
    monkeypatch.setattr(signin_limits, "time", clock)
    return clock


def test_the_window_opens_with_the_first_failure_not_on_the_clock(clock, admin_user, password):
    """Five guesses just before a quarter-hour boundary still lock the address out just after it, for the full wait."""
    email = admin_user.email
    assert [api(email, f"guess {n}") for n in range(5)] == [WRONG] * 5

    clock.now += 2  # past the boundary a fixed window would reset on
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    assert response["Retry-After"] == "898"  # 900 seconds from the first guess, 2 of them gone


@pytest.mark.redis
def test_parallel_guesses_cannot_slip_in_under_the_limit(live_api):
    """Sixteen guesses at once, over two server processes: five are checked, the rest refused."""
    live_api.reset_counters()
    barrier = Barrier(16)

    def guess(n):
        barrier.wait()
        return requests.post(
            f"{live_api.urls[n % 2]}/api/v1/auth/token/",
            json={"email": "target@example.com", "password": f"guess {n}"},
            timeout=120,
        ).status_code

    try:
        with ThreadPoolExecutor(16) as pool:
            codes = sorted(pool.map(guess, range(16)))
        assert codes == [401] * 5 + [429] * 11
    finally:
        live_api.reset_counters()


@pytest.fixture
def redis_cache(settings):
    """The cache in a private Redis, which the test may stop."""
    server = RedisProcess()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "careerplan.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.redis
def test_the_limits_let_sign_ins_through_while_redis_is_down(redis_cache, admin_user, password):
    """With the cache's Redis stopped the limits fail open: wrong passwords are still wrong, right ones sign in."""
    email = admin_user.email
    # Counted in Redis while it is up.
    assert [api(email, "guess") for _ in range(6)] == [WRONG] * 5 + [REFUSED]

    redis_cache.stop()
    # Wrong passwords are still refused as wrong, right ones still sign in: only the brake is off.
    assert [check(email, "guess") for check in PATHS.values()] == [WRONG] * 3
    assert [check(email, password) for check in PATHS.values()] == [SIGNED_IN] * 3


@pytest.mark.redis
def test_every_count_in_redis_ends_with_its_window(redis_cache, admin_user, password):
    """Failures, refusals and a success leave only counts that expire: no key lives on to lock an account for good."""
    email = admin_user.email
    assert [api(email, "guess") for _ in range(6)] == [WRONG] * 5 + [REFUSED]
    assert api(email, password, CAFE) == SIGNED_IN
    assert api("someone@example.com", "guess", CAFE) == WRONG

    client = redis.Redis.from_url(redis_cache.url)
    try:
        keys = client.keys("*signin-failures*")
        assert keys
        assert {key: 0 < client.ttl(key) <= 900 for key in keys} == dict.fromkeys(keys, True)
    finally:
        client.close()
