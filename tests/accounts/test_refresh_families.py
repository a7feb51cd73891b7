"""Refresh-token reuse detection: replaying a used refresh token revokes its whole family.

A family is the chain of refresh tokens rotated one from another since one
sign-in (RFC 9700, section 4.14.2). Another sign-in of the same person is
another family and keeps working.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import requests
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import UntypedToken

from accounts import models as account_models

TOKEN, REFRESH = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/"


def sign_in(anon, user, password) -> str:
    response = anon.post(TOKEN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.data
    return response.data["refresh"]


def rotate(anon, refresh: str) -> str:
    response = anon.post(REFRESH, {"refresh": refresh})
    assert response.status_code == 200, response.data
    return response.data["refresh"]


def claims(token: str) -> dict:
    return UntypedToken(token).payload


def after_the_grace_period():
    """A moment when a replayed token can no longer be an app racing itself."""
    from django.conf import settings

    return time_machine.travel(timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS + 1))


@pytest.mark.django_db
def test_a_replayed_refresh_token_is_refused_and_the_newest_of_its_family_stops_working(anon, owner, password):
    phone = sign_in(anon, owner, password)
    tablet = sign_in(anon, owner, password)  # another sign-in, another family
    newest = rotate(anon, rotate(anon, phone))

    with after_the_grace_period():
        replay = anon.post(REFRESH, {"refresh": phone})

    assert replay.status_code == 401
    assert anon.post(REFRESH, {"refresh": newest}).status_code == 401
    assert anon.post(REFRESH, {"refresh": rotate(anon, tablet)}).status_code == 200
    assert replay.data["code"] == "token_not_valid"
    assert "already used" in replay.data["message"]


@pytest.mark.django_db
def test_replaying_any_used_token_of_the_family_ends_it(anon, owner, password):
    """Not only the first: a token from the middle of the chain, replayed, ends the chain's newest."""
    first = sign_in(anon, owner, password)
    middle = rotate(anon, first)
    newest = rotate(anon, rotate(anon, middle))

    with after_the_grace_period():
        assert anon.post(REFRESH, {"refresh": middle}).status_code == 401
    assert anon.post(REFRESH, {"refresh": newest}).status_code == 401
    # A sign-in afterwards starts a new family, untouched.
    assert anon.post(REFRESH, {"refresh": sign_in(anon, owner, password)}).status_code == 200


@pytest.mark.django_db
def test_the_family_is_named_by_its_first_token_and_carried_through_every_rotation(anon, owner, password):
    first = sign_in(anon, owner, password)
    second = rotate(anon, first)
    response = anon.post(REFRESH, {"refresh": second})
    third = response.data["refresh"]

    family = claims(first)["jti"]
    assert "fam" not in claims(first)
    assert claims(second)["fam"] == claims(third)["fam"] == family
    recorded = dict(account_models.RefreshTokenFamily.objects.values_list("token_id", "family"))
    assert recorded == {claims(second)["jti"]: family, claims(third)["jti"]: family}
    assert "fam" not in claims(response.data["access"])  # access tokens are never rotated


@pytest.mark.django_db
def test_a_family_is_pruned_with_its_expired_tokens(anon, owner, password):
    rotate(anon, rotate(anon, sign_in(anon, owner, password)))
    assert account_models.RefreshTokenFamily.objects.count() == 2

    with time_machine.travel(timezone.now() + timedelta(days=365), tick=False):
        call_command("flushexpiredtokens")

    assert not OutstandingToken.objects.exists()
    assert not account_models.RefreshTokenFamily.objects.exists()


@pytest.mark.redis
def test_concurrent_refreshes_of_one_token_have_one_winner_whose_token_keeps_working(live_api):
    """Two server processes, sixteen refreshes of one token at once: one 200, fifteen 401s, and the app stays signed in.

    The losers presented a token revoked a moment before, within the grace
    period: an app racing itself, refused without ending its sign-in.
    """
    live_api.reset_counters()
    base = live_api.url
    credentials = {"email": "family@example.com", "password": "a long passphrase 42"}
    raced = live_api.sign_up(**credentials)["refresh"]  # registered, confirmed from the mail, signed in
    untouched = requests.post(f"{base}/api/v1/auth/token/", json=credentials, timeout=30).json()["refresh"]
    barrier = Barrier(16)

    def attempt(n: int) -> requests.Response:
        barrier.wait()
        return requests.post(f"{live_api.urls[n % 2]}/api/v1/auth/token/refresh/", json={"refresh": raced}, timeout=60)

    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(attempt, range(16)))

    assert sorted(r.status_code for r in responses) == [200] + [401] * 15
    winner = next(r.json()["refresh"] for r in responses if r.status_code == 200)
    refresh = f"{base}/api/v1/auth/token/refresh/"
    assert requests.post(refresh, json={"refresh": winner}, timeout=30).status_code == 200
    assert requests.post(refresh, json={"refresh": untouched}, timeout=30).status_code == 200


@pytest.mark.django_db
def test_a_replay_within_the_grace_period_is_refused_without_ending_the_sign_in(anon, owner, password, settings):
    """An app that refreshed twice at once keeps the token it got; a replay after the period ends the family."""
    settings.JWT_REFRESH_REUSE_GRACE_SECONDS = 10
    first = sign_in(anon, owner, password)
    newest = rotate(anon, first)

    racing = anon.post(REFRESH, {"refresh": first})
    assert racing.status_code == 401
    assert "already used" not in racing.data["message"]
    newest = rotate(anon, newest)  # still signed in

    with after_the_grace_period():
        assert anon.post(REFRESH, {"refresh": first}).status_code == 401
        assert anon.post(REFRESH, {"refresh": newest}).status_code == 401


@pytest.mark.django_db
def test_no_grace_period_makes_every_replay_end_the_family(anon, owner, password, settings):
    settings.JWT_REFRESH_REUSE_GRACE_SECONDS = 0
    first = sign_in(anon, owner, password)
    newest = rotate(anon, first)
    assert anon.post(REFRESH, {"refresh": first}).status_code == 401
    assert anon.post(REFRESH, {"refresh": newest}).status_code == 401
