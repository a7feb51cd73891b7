"""The auth/ endpoints' throttles: register and token per address, refresh and logout per refresh token.

Many people share one carrier's or office's address, so one app's retries must
not use up another's refreshes (the pen test: 19 bad logouts from one app
starved another's valid refresh).
"""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

REGISTER, TOKEN, REFRESH, LOGOUT = (
    "/api/v1/auth/register/",
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    "/api/v1/auth/logout/",
)


@pytest.fixture
def rates(monkeypatch):
    """Set the throttle rates (DRF reads them into the class once, at import)."""

    def set_rates(**scopes):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **scopes})

    return set_rates


def sign_in(email, password):
    response = APIClient().post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200, response.data
    return response.data


def test_bad_logouts_from_one_app_do_not_starve_another_apps_refresh(owner, other, password):
    """The pen test's case, at the default rates, everyone on one address: the valid refresh still works."""
    mine = sign_in(owner.email, password)
    theirs = sign_in(other.email, password)
    assert APIClient().post(LOGOUT, {"refresh": theirs["refresh"]}).status_code == 204

    # Their app keeps logging out with the token it has just revoked.
    bad = [APIClient().post(LOGOUT, {"refresh": theirs["refresh"]}).status_code for _ in range(19)]
    assert bad == [401] * 19

    assert APIClient().post(REFRESH, {"refresh": mine["refresh"]}).status_code == 200


def test_one_refresh_token_retried_too_often_is_throttled_alone(rates, owner, password):
    """Past the rate, that token's requests get 429; another token from the same address is untouched."""
    rates(refresh="2/min")
    pair = sign_in(owner.email, password)
    codes = [APIClient().post(LOGOUT, {"refresh": "not-a-token"}).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    refused = APIClient().post(REFRESH, {"refresh": "not-a-token"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0

    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}).status_code == 200


def test_requests_without_a_refresh_token_are_counted_per_address(rates, db):
    """A body with no token at all falls back to the address, so empty requests are limited too."""
    rates(refresh="2/min")
    codes = [APIClient().post(LOGOUT, {}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    assert APIClient().post(LOGOUT, {}, REMOTE_ADDR="192.0.2.9").status_code == 400


def test_register_and_token_share_a_bucket_per_address_apart_from_refreshes(rates, owner, password):
    """Register and token count together per address; refresh and logout do not draw on that bucket."""
    rates(auth="2/min")
    pair = sign_in(owner.email, password)
    assert APIClient().post(REGISTER, {}).status_code == 400
    assert APIClient().post(TOKEN, {}).status_code == 429
    assert APIClient().post(REGISTER, {}).status_code == 429

    assert APIClient().post(REFRESH, {"refresh": pair["refresh"]}).status_code == 200
    assert APIClient().post(TOKEN, {}, REMOTE_ADDR="192.0.2.9").status_code == 400
