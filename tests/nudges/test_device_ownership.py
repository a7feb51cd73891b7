"""A push token belongs to one account until that account signs out on the device or changes its password.

Posting another account's token is refused (409 ``device_taken``, naming
nobody); ``auth/logout/`` may name the device to drop; a new password drops
every device of the person. Either frees the token for the next account.
"""

import pytest
from rest_framework.test import APIClient

from nudges.models import Device

DEVICES, TOKEN, LOGOUT = "/api/v1/devices/", "/api/v1/auth/token/", "/api/v1/auth/logout/"
PHONE = "fcm-token-of-a-shared-phone"


def signed_in_app(user, password) -> tuple[APIClient, str]:
    """The app signed in with email and password: a client carrying the access token, and the refresh token."""
    app = APIClient()
    response = app.post(TOKEN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.data
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {response.data['access']}")
    return app, response.data["refresh"]


@pytest.mark.django_db
def test_registering_a_token_of_another_account_is_409_device_taken_and_names_nobody(api, other_api, other):
    assert other_api.post(DEVICES, {"platform": "android", "token": PHONE}).status_code == 201

    response = api.post(DEVICES, {"platform": "ios", "token": PHONE})

    assert response.status_code == 409
    assert response.data["code"] == "device_taken"
    assert set(response.data) == {"code", "message"}
    for detail in (other.email, other.display_name, str(other.pk)):
        assert detail not in response.data["message"]
    device = Device.objects.get(token=PHONE)
    assert (device.user, device.platform) == (other, "android")


@pytest.mark.django_db
def test_after_the_old_account_signs_out_naming_the_device_the_next_account_can_register_it(
    api, owner, other, password
):
    app, refresh = signed_in_app(other, password)
    assert app.post(DEVICES, {"platform": "android", "token": PHONE}).status_code == 201

    assert APIClient().post(LOGOUT, {"refresh": refresh, "device_token": PHONE}).status_code == 204

    assert not Device.objects.filter(token=PHONE).exists()
    response = api.post(DEVICES, {"platform": "android", "token": PHONE})
    assert response.status_code == 201
    assert Device.objects.get(token=PHONE).user == owner


@pytest.mark.django_db
def test_logout_without_a_device_token_keeps_the_device_and_its_owner(api, other, password):
    app, refresh = signed_in_app(other, password)
    app.post(DEVICES, {"platform": "android", "token": PHONE})

    assert APIClient().post(LOGOUT, {"refresh": refresh}).status_code == 204

    assert Device.objects.get(token=PHONE).user == other
    assert api.post(DEVICES, {"platform": "android", "token": PHONE}).status_code == 409


@pytest.mark.django_db
def test_logout_naming_another_accounts_device_drops_nothing(api, owner, other, password):
    api.post(DEVICES, {"platform": "ios", "token": PHONE})
    _, refresh = signed_in_app(other, password)

    assert APIClient().post(LOGOUT, {"refresh": refresh, "device_token": PHONE}).status_code == 204

    assert Device.objects.get(token=PHONE).user == owner


@pytest.mark.django_db
def test_a_refused_logout_drops_no_device(other, password):
    app, refresh = signed_in_app(other, password)
    app.post(DEVICES, {"platform": "android", "token": PHONE})
    anon = APIClient()
    assert anon.post(LOGOUT, {"refresh": refresh}).status_code == 204

    again = anon.post(LOGOUT, {"refresh": refresh, "device_token": PHONE})  # already revoked
    forged = anon.post(LOGOUT, {"refresh": "not-a-token", "device_token": PHONE})

    assert (again.status_code, forged.status_code) == (401, 401)
    assert Device.objects.filter(token=PHONE, user=other).exists()


@pytest.mark.django_db
def test_logout_refuses_an_overlong_device_token_per_field(other, password):
    _, refresh = signed_in_app(other, password)
    response = APIClient().post(LOGOUT, {"refresh": refresh, "device_token": "x" * 513})
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert set(response.data["fields"]) == {"device_token"}


@pytest.mark.django_db
def test_a_new_password_drops_every_device_of_the_person_and_frees_their_tokens(api, other_api, owner, other):
    other_api.post(DEVICES, {"platform": "android", "token": PHONE})
    other_api.post(DEVICES, {"platform": "web", "token": "their-browser"})
    api.post(DEVICES, {"platform": "ios", "token": "my-phone"})

    other.set_password("a brand new passphrase 77")
    other.save()

    assert list(Device.objects.values_list("token", flat=True)) == ["my-phone"]
    assert api.post(DEVICES, {"platform": "android", "token": PHONE}).status_code == 201
