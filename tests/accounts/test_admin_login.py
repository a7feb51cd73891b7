"""The admin's login page: under the sign-in limits, and no faster or slower for a right password than a wrong one."""

import statistics
import time

from django.conf import global_settings
from django.test import Client

from accounts.models import User
from tests.accounts.sign_in_paths import ADMIN_REFUSAL

SAMPLES = 15


def sign_in(email, password):
    """One attempt on /admin/login/ by a new visitor; whether it signed in, and the seconds it took."""
    client = Client()
    started = time.perf_counter()
    client.post("/admin/login/", {"username": email, "password": password})
    return "_auth_user_id" in client.session, time.perf_counter() - started


def test_guessing_a_staff_password_in_the_admin_is_stopped(staff, password):
    """The pen test's 25 wrong passwords then the right one: the right one is refused, unchecked."""
    client = Client()
    for n in range(25):
        client.post("/admin/login/", {"username": staff.email, "password": f"guess {n}"})

    response = client.post("/admin/login/", {"username": staff.email, "password": password})

    assert response.status_code == 200
    assert ADMIN_REFUSAL in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_a_wrong_one_and_an_unknown_account_take_as_long(settings, db):
    """With Django's real password hashers, the median times of the three kinds of attempt are within 1.5x.

    A right password used to take one hash and a wrong one two (one per
    authentication backend), so a wrong password answered in about twice the
    time: a timing oracle on top of the password one. The medians of fifteen
    attempts each, taken in turn, stay stable on a loaded machine.
    """
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    # Here every attempt must reach the password check.
    settings.SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT = settings.SIGNIN_FAILURES_PER_ACCOUNT = 1000
    settings.SIGNIN_FAILURES_PER_ADDRESS = 1000
    staff = User.objects.create_superuser("timed@example.com", "the right passphrase 7")
    attempts = {
        "right": (staff.email, "the right passphrase 7"),
        "wrong": (staff.email, "a wrong passphrase 7"),
        "unknown": ("nobody@example.com", "a wrong passphrase 7"),
    }
    for email, password in attempts.values():  # warm up: templates, queries, the hasher's first use
        sign_in(email, password)

    times: dict[str, list[float]] = {kind: [] for kind in attempts}
    for round_ in range(SAMPLES):
        kinds = list(attempts)
        for kind in kinds[round_ % 3 :] + kinds[: round_ % 3]:  # a different order each round
            signed_in, seconds = sign_in(*attempts[kind])
            assert signed_in is (kind == "right")
            times[kind].append(seconds)

    median = {kind: statistics.median(seconds) for kind, seconds in times.items()}
    assert 0.67 <= median["right"] / median["wrong"] <= 1.5, median
    assert 0.67 <= median["unknown"] / median["wrong"] <= 1.5, median
