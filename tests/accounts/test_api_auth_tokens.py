"""Registration and JWT tokens: obtain, rotate, revoke, and the failed-login lockout."""

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User

REGISTER, TOKEN, REFRESH, LOGOUT = (
    "/api/v1/auth/register/",
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    "/api/v1/auth/logout/",
)


def tokens(anon, email, password):
    response = anon.post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200, response.data
    return response.data


@pytest.mark.django_db
def test_it_registers_an_account_that_signs_in_once_its_address_is_confirmed(anon):
    """The whole of it, confirmation included, is in test_api_registration.py."""
    response = anon.post(
        REGISTER, {"email": "New@Example.com", "password": "a long passphrase 42", "timezone": "Europe/Paris"}
    )
    assert response.status_code == 202
    user = User.objects.get(email="new@example.com")
    assert user.timezone == "Europe/Paris"
    assert anon.post(TOKEN, {"email": "new@example.com", "password": "a long passphrase 42"}).status_code == 403
    EmailAddress.objects.filter(user=user).update(verified=True)
    pair = tokens(anon, "new@example.com", "a long passphrase 42")
    me = anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 200
    assert me.data["email"] == "new@example.com"


@pytest.mark.django_db
def test_it_refuses_a_weak_password_per_field_whether_or_not_the_address_is_taken(anon, owner):
    for email in ("OWNER@example.com", "fresh@example.com"):
        response = anon.post(REGISTER, {"email": email, "password": "123"})
        assert response.status_code == 400
        assert response.data["code"] == "invalid"
        assert set(response.data["fields"]) == {"password"}


@pytest.mark.django_db
def test_it_refuses_an_unknown_timezone(anon):
    response = anon.post(
        REGISTER, {"email": "tz@example.com", "password": "a long passphrase 42", "timezone": "Mars/Base"}
    )
    assert response.status_code == 400
    assert "timezone" in response.data["fields"]


@pytest.mark.django_db
def test_it_gives_a_token_pair_for_email_and_password(anon, owner, password):
    pair = tokens(anon, "Owner@Example.com", password)
    assert set(pair) == {"access", "refresh"}


@pytest.mark.django_db
def test_a_wrong_password_is_401_in_the_error_shape(anon, owner):
    response = anon.post(TOKEN, {"email": owner.email, "password": "wrong"})
    assert response.status_code == 401
    assert response.data["code"] == "no_active_account"


@pytest.mark.django_db
def test_refresh_rotates_and_a_used_refresh_token_is_refused(anon, owner, password):
    pair = tokens(anon, owner.email, password)
    first = anon.post(REFRESH, {"refresh": pair["refresh"]})
    assert first.status_code == 200
    assert first.data["refresh"] != pair["refresh"]
    again = anon.post(REFRESH, {"refresh": pair["refresh"]})
    assert again.status_code == 401
    # At once, that is an app racing itself: refused, and its new token works. A replay
    # later revokes the whole family (tests/accounts/test_refresh_families.py).
    assert anon.post(REFRESH, {"refresh": first.data["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_logout_revokes_the_refresh_token(anon, owner, password):
    pair = tokens(anon, owner.email, password)
    assert anon.post(LOGOUT, {"refresh": pair["refresh"]}).status_code == 204
    assert anon.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401
    assert anon.post(LOGOUT, {"refresh": "not-a-token"}).status_code == 401
    assert anon.post(LOGOUT, {}).status_code == 400


@pytest.mark.django_db
def test_a_refresh_token_of_a_deleted_account_is_refused(anon, owner, password):
    pair = tokens(anon, owner.email, password)
    owner.delete()
    assert anon.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401


@pytest.mark.django_db
@override_settings(SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT=3)
def test_failed_logins_beyond_the_limit_are_429_with_retry_after_even_with_the_right_password(anon, owner, password):
    for _ in range(3):
        assert anon.post(TOKEN, {"email": owner.email, "password": "wrong"}).status_code == 401
    locked = anon.post(TOKEN, {"email": owner.email, "password": password})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert locked.data["code"] == "throttled"


@pytest.mark.django_db
def test_the_auth_endpoints_have_their_own_stricter_throttle(anon, monkeypatch):
    # DRF reads the rates once, at import, into the throttle class.
    rates = {"anon": "1000/min", "user": "1000/min", "auth": "2/min", "refresh": "1000/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    codes = [anon.post(TOKEN, {"email": f"guess{n}@example.com", "password": "x"}).status_code for n in range(3)]
    assert codes == [401, 401, 429]
    assert anon.get("/api/v1/tracks/").status_code == 200
