"""Behind a proxy: one setting, TRUSTED_PROXY_COUNT, tells every limit where a client comes from.

The requests here arrive as a proxy delivers them: from the proxy's own
address (REMOTE_ADDR), with the client's address appended to X-Forwarded-For.
Whatever the client put in that header itself comes before the proxy's entry.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.accounts.sign_in_paths import PATHS, RATE_LIMITED, REFUSED, SIGNED_IN, WRONG, request_meta, verify, web

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"
ALICE, BOB = "203.0.113.7", "198.51.100.9"
FORGED = "192.0.2.1"  # an entry the client wrote itself, before the one the proxy appended
TOKEN = "/api/v1/auth/token/"


def via_proxy(forwarded_for):
    """What the proxy sends on for a client: its own address as the socket's, the client's appended to the header."""
    return request_meta(PROXY, forwarded_for)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.fixture
def account(staff):
    verify(staff)
    return staff


def test_allauth_rate_limits_tell_apart_two_people_behind_the_proxy(behind_one_proxy, account, password):
    """allauth's sign-in rate limit counts per client, not per proxy; a forged hop does not reset it."""
    behind_one_proxy.ACCOUNT_RATE_LIMITS = {**behind_one_proxy.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    tries = [web(f"person{n}@example.com", "password1", PROXY, ALICE) for n in range(4)]
    assert tries == [WRONG] * 3 + [RATE_LIMITED]
    assert web(account.email, password, PROXY, f"{FORGED}, {ALICE}") == RATE_LIMITED

    assert web(account.email, password, PROXY, BOB) == SIGNED_IN


def test_api_throttles_tell_apart_two_people_behind_the_proxy(behind_one_proxy, monkeypatch, account, password):
    """The API's per-address throttle counts per client, and a client cannot escape by forging a hop."""
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)  # DRF reads them once, at import
    assert [APIClient().post(TOKEN, {}, **via_proxy(ALICE)).status_code for _ in range(3)] == [400, 400, 429]
    assert APIClient().post(TOKEN, {}, **via_proxy(f"{FORGED}, {ALICE}")).status_code == 429

    assert PATHS["api"](account.email, password, PROXY, BOB) == SIGNED_IN


@pytest.mark.parametrize("path", PATHS)
def test_the_sign_in_limits_tell_apart_two_people_behind_the_proxy(path, behind_one_proxy, account, password):
    """One person's failures behind the proxy lock that person out, forged hops or not, and nobody else."""
    sign_in = PATHS[path]
    assert [sign_in(account.email, f"guess {n}", PROXY, ALICE) for n in range(5)] == [WRONG] * 5
    assert sign_in(account.email, password, PROXY, ALICE) == REFUSED
    assert sign_in(account.email, password, PROXY, f"{FORGED}, {ALICE}") == REFUSED

    assert sign_in(account.email, password, PROXY, BOB) == SIGNED_IN


def test_a_client_cannot_escape_by_hopping_around_its_ipv6_network(behind_one_proxy, monkeypatch, account):
    """Addresses in one /64 (what one subscriber is given) count as one client; another /64 is someone else."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/min"})
    codes = [APIClient().post(TOKEN, {}, **via_proxy(f"2001:db8:1:2::{n}")).status_code for n in range(1, 4)]
    assert codes == [400, 400, 429]
    assert APIClient().post(TOKEN, {}, **via_proxy("2001:db8:1:3::1")).status_code == 400


def test_without_a_trusted_proxy_the_header_is_ignored(monkeypatch, db):
    """With TRUSTED_PROXY_COUNT at 0 (the default) X-Forwarded-For is the client's word, and not believed."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "2/min"})
    codes = [APIClient().post(TOKEN, {}, **via_proxy(f"192.0.2.{n}")).status_code for n in range(1, 4)]
    assert codes == [400, 400, 429]


READERS = """
import json
import django
django.setup()
from allauth.account.adapter import get_adapter
from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.test import RequestFactory
from rest_framework.throttling import BaseThrottle
from api.throttling import AnonThrottle
request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
print(json.dumps({
    "settings": [
        getattr(settings, "TRUSTED_PROXY_COUNT", None),
        settings.REST_FRAMEWORK.get("NUM_PROXIES"),
        getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", None),
    ],
    "addresses": {
        "the API's throttles": AnonThrottle().get_ident(request),
        "DRF's own reading": BaseThrottle().get_ident(request),
        "allauth's rate limits": get_adapter().get_client_ip(request),
        "allauth's own reading": get_client_ip(request),
    },
}))
"""


@pytest.mark.parametrize("variable", ["TRUSTED_PROXY_COUNT", "API_NUM_PROXIES"])
def test_one_variable_sets_every_reader_of_the_client_address(variable):
    """The variable (or its old name, API_NUM_PROXIES) sets our, DRF's and allauth's count: all read one address.

    (The sign-in limits read the address the API's throttles read: api.client_address.)
    """
    env = {key: value for key, value in os.environ.items() if key not in {"TRUSTED_PROXY_COUNT", "API_NUM_PROXIES"}}
    env.update({"DJANGO_SETTINGS_MODULE": "careerplan.settings", variable: "1"})
    result = subprocess.run(
        [sys.executable, "-c", READERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["addresses"] == dict.fromkeys(seen["addresses"], "203.0.113.7")
    assert seen["settings"] == [1, 1, 1]
