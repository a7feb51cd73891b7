"""With Redis, an authenticated and throttled API request makes one Redis round trip: the user's row and the count.

api.authentication reads the cached user and, in the same pipeline, counts
the request against the per-user throttle, which then finds its count on
the request (issue 18). The refusals and the rate hold as before.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from redis.connection import Connection
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from api import authentication

PING = "/api/v1/ping/"


@pytest.fixture
def redis_default_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "careerplan.cache.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return cache


@pytest.fixture
def user_rate(monkeypatch):
    def set_rate(rate):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": rate})

    return set_rate


def round_trips(call):
    """The Redis round trips ``call`` makes: each packed send is one (a pipeline sends all its commands at once)."""
    real = Connection.send_packed_command
    with mock.patch.object(Connection, "send_packed_command", autospec=True, side_effect=real) as sent:
        result = call()
    return result, sent.call_count


@pytest.mark.redis
@pytest.mark.django_db
def test_a_known_caller_costs_one_redis_round_trip(redis_default_cache, api):
    assert api.get(PING).status_code == 200  # reads the row and caches it
    response, trips = round_trips(lambda: api.get(PING))
    assert response.status_code == 200
    assert trips == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_the_rate_is_counted_once_per_request(redis_default_cache, user_rate, api, other_api):
    user_rate("3/min")
    assert [api.get(PING).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = api.get(PING)
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other_api.get(PING).status_code == 200


@pytest.mark.redis
@pytest.mark.django_db
def test_deactivation_is_still_refused_on_the_very_next_request(redis_default_cache, api, owner):
    assert api.get(PING).status_code == 200
    User.objects.filter(pk=owner.pk).update(is_active=False)
    from api.user_stamps import users_changed

    users_changed([owner.pk])
    response = api.get(PING)
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


@pytest.mark.django_db
def test_a_remembered_token_is_refused_once_it_expires(api, owner):
    """Only the signature check is remembered: the expiry is compared with the clock on every request."""
    assert api.get(PING).status_code == 200
    token = api._credentials["HTTP_AUTHORIZATION"].split()[1].encode()
    remembered = authentication._checked_token(token)
    from datetime import timedelta

    from rest_framework_simplejwt.utils import aware_utcnow

    later = aware_utcnow() + timedelta(days=1)
    with mock.patch.object(authentication, "aware_utcnow", return_value=later):
        from rest_framework_simplejwt import tokens

        with mock.patch.object(tokens, "aware_utcnow", return_value=later):
            response = api.get(PING)
    assert remembered is authentication._checked_token(token)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
