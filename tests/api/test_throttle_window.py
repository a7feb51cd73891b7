"""The API's throttles: a fixed window counted in one Redis round trip, opened by the caller's first request."""

from unittest import mock

import pytest
from rest_framework.throttling import SimpleRateThrottle

from api import throttling

PING = "/api/v1/ping/"


@pytest.fixture
def redis_cache(redis_url):
    """The project's Redis cache (careerplan.cache.RedisCache) on the suite's real Redis, as the default cache."""
    from careerplan.cache import RedisCache

    backend = RedisCache(redis_url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    with mock.patch.object(throttling, "cache", backend):
        yield backend


@pytest.fixture
def user_rate(monkeypatch):
    def set_rate(rate):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": rate})

    return set_rate


@pytest.mark.redis
def test_a_request_costs_one_redis_round_trip(redis_cache):
    """One EVALSHA per request, once the script is loaded (the first call after a restart loads it)."""
    throttling.hit("throttle_user_0:count", 60)
    client = redis_cache._cache.get_client(write=True)
    real = type(client).execute_command
    with mock.patch.object(type(client), "execute_command", autospec=True, side_effect=real) as sent:
        assert throttling.hit("throttle_user_1:count", 60)[0] == 1
        assert throttling.hit("throttle_user_1:count", 60)[0] == 2
    assert [call.args[1] for call in sent.call_args_list] == ["EVALSHA", "EVALSHA"]


@pytest.mark.redis
def test_the_window_opens_with_the_first_request_and_expires(redis_cache):
    count, left = throttling.hit("throttle_user_2:count", 60)
    assert (count, 0 < left <= 60) == (1, True)
    raw = redis_cache._cache.get_client(write=True)
    key = redis_cache.make_key("throttle_user_2:count")
    assert 0 < raw.pttl(key) <= 60_000
    raw.pexpire(key, 1)  # the window ends
    raw.delete(key)
    assert throttling.hit("throttle_user_2:count", 60)[0] == 1


@pytest.mark.redis
def test_a_counter_without_an_expiry_is_given_one(redis_cache):
    raw = redis_cache._cache.get_client(write=True)
    key = redis_cache.make_key("throttle_user_3:count")
    raw.set(key, 5)
    assert throttling.hit("throttle_user_3:count", 60) == (6, 60.0)
    assert raw.pttl(key) > 0


@pytest.mark.django_db
def test_past_the_rate_a_caller_gets_429_with_retry_after_and_others_do_not(user_rate, api, other_api):
    user_rate("3/min")
    assert [api.get(PING).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = api.get(PING)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other_api.get(PING).status_code == 200


@pytest.mark.django_db
def test_while_redis_is_down_requests_are_let_through(user_rate, api):
    from redis.exceptions import ConnectionError as RedisConnectionError

    user_rate("1/min")
    with mock.patch.object(throttling, "hit", side_effect=RedisConnectionError("down")):
        assert [api.get(PING).status_code for _ in range(3)] == [200, 200, 200]
