"""Web sign-up tells nobody which addresses have accounts: the same page, the same time, and the mail says the rest.

allauth answers a taken address with the same "check your inbox" page
(ACCOUNT_PREVENT_ENUMERATION) but hashes a password only for a new account:
with production's hasher that is hundreds of milliseconds a stopwatch can
see. accounts.forms.SignupForm hashes for a taken address too.
"""

import statistics
import time

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long and unusual passphrase"


def sign_up(client, email):
    return client.post("/accounts/signup/", {"email": email, "password1": PASSPHRASE, "password2": PASSPHRASE})


def test_a_taken_address_gets_the_same_page_and_its_owner_a_note(client, owner):
    taken, new = sign_up(client, "Owner@Example.com"), sign_up(client, "fresh@example.com")
    assert (
        (taken.status_code, taken["Location"])
        == (new.status_code, new["Location"])
        == (302, "/accounts/confirm-email/")
    )
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "owner@example.com": "[CareerPlan] Someone tried to sign up with your address",
        "fresh@example.com": "[CareerPlan] Confirm your email address",
    }


def test_a_taken_address_takes_as_long_as_a_new_one(client, settings):
    """The ratio of the median times, with production's password hasher (the suite's is a fast one).

    Times are the CPU time of this process, which serves the request (the
    test client), so other processes busy on the machine do not blur them.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    samples = 9
    taken = [User.objects.create_user(f"taken{n}@example.com", PASSPHRASE) for n in range(samples)]

    def seconds(email):
        started = time.process_time()
        assert sign_up(client, email).status_code == 302
        return time.process_time() - started

    new_times, taken_times = [], []
    for n in range(samples):  # interleaved, so a slow moment of the machine hits both
        new_times.append(seconds(f"new{n}@example.com"))
        taken_times.append(seconds(taken[n].email))
    ratio = statistics.median(taken_times) / statistics.median(new_times)
    assert 0.8 < ratio < 1.25, (new_times, taken_times)
    assert User.objects.filter(email__startswith="new").count() == samples
