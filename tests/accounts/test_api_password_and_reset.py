"""The password from the phone: change it (the web's rules, and it ends every other sign-in) and ask for a reset link.

``POST auth/password/change/`` checks the current password and the new one
with the web's own form, revokes every refresh token, forgets every push
device, and hands this app a fresh pair. ``POST auth/password/reset/`` sends
allauth's reset mail and answers 202 whatever the address.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from nudges.models import Device, Platform

pytestmark = pytest.mark.django_db

CHANGE, RESET = "/api/v1/auth/password/change/", "/api/v1/auth/password/reset/"
TOKEN, REFRESH, DEVICES = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/devices/"
NEW = "a fresh and unusual passphrase"


def signed_in_app(user, password):
    app = APIClient()
    response = app.post(TOKEN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.data
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {response.data['access']}")
    return app, response.data["refresh"]


def test_it_changes_the_password_and_hands_this_app_a_fresh_pair(owner, password):
    app, old_refresh = signed_in_app(owner, password)
    _, other_phones_refresh = signed_in_app(owner, password)

    response = app.post(CHANGE, {"current_password": password, "new_password": NEW})

    assert response.status_code == 200, response.data
    assert set(response.data) == {"access", "refresh", "message"}
    assert "Every other sign-in has ended" in response.data["message"]
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    anon = APIClient()
    assert anon.post(REFRESH, {"refresh": old_refresh}).status_code == 401
    assert anon.post(REFRESH, {"refresh": other_phones_refresh}).status_code == 401
    assert anon.post(REFRESH, {"refresh": response.data["refresh"]}).status_code == 200
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {response.data['access']}")
    assert fresh.get("/api/v1/me/").status_code == 200


def test_a_change_forgets_every_push_device_of_the_person_only(owner, other, password):
    app, _ = signed_in_app(owner, password)
    Device.objects.create(user=owner, platform=Platform.IOS, token="this-phone")
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="a-thiefs-phone")
    Device.objects.create(user=other, platform=Platform.ANDROID, token="someone-elses")

    assert app.post(CHANGE, {"current_password": password, "new_password": NEW}).status_code == 200

    assert list(Device.objects.values_list("token", flat=True)) == ["someone-elses"]


def test_the_web_session_ends_too(owner, password):
    browser = Client()
    browser.force_login(owner)
    assert browser.get("/dashboard/").status_code == 200
    app, _ = signed_in_app(owner, password)

    assert app.post(CHANGE, {"current_password": password, "new_password": NEW}).status_code == 200

    assert browser.get("/dashboard/").status_code == 302


def test_a_wrong_current_password_is_refused_with_a_code_and_changes_nothing(api, owner, password):
    Device.objects.create(user=owner, platform=Platform.IOS, token="this-phone")

    response = api.post(CHANGE, {"current_password": "not my password", "new_password": NEW})

    assert response.status_code == 400
    assert response.data["field_codes"] == {"current_password": ["enter_current_password"]}
    owner.refresh_from_db()
    assert owner.check_password(password)
    assert Device.objects.filter(token="this-phone").exists()


@pytest.mark.parametrize(
    ("new_password", "code"),
    [
        ("short1!", "password_too_short"),
        ("password123", "password_too_common"),
        ("4815162342", "password_entirely_numeric"),
    ],
)
def test_a_new_password_the_web_would_refuse_is_refused_with_its_code(api, owner, password, new_password, code):
    response = api.post(CHANGE, {"current_password": password, "new_password": new_password})
    assert response.status_code == 400
    assert code in response.data["field_codes"]["new_password"]
    assert set(response.data["field_codes"]) == {"new_password"}
    owner.refresh_from_db()
    assert owner.check_password(password)


def test_missing_fields_are_named(api):
    response = api.post(CHANGE, {})
    assert response.status_code == 400
    assert response.data["field_codes"] == {"current_password": ["required"], "new_password": ["required"]}


def test_changing_needs_a_signed_in_person(anon, password):
    assert anon.post(CHANGE, {"current_password": password, "new_password": NEW}).status_code == 401


def test_changing_shares_the_webs_limit_of_five_a_minute(api):
    answers = [api.post(CHANGE, {"current_password": "wrong", "new_password": NEW}).status_code for _ in range(6)]
    assert answers == [400] * 5 + [429]


def reset_link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_a_reset_mails_allauths_link_to_the_account(anon, owner):
    response = anon.post(RESET, {"email": "Owner@Example.com"})

    assert response.status_code == 202
    assert response.data["email"] == "owner@example.com"
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    # The link opens the web's page for a new password.
    page = Client().get(reset_link(message), follow=True)
    assert page.status_code == 200
    assert b"password1" in page.content


def test_a_reset_answers_the_same_for_an_address_with_no_account(anon, owner):
    known = anon.post(RESET, {"email": "owner@example.com"})
    unknown = anon.post(RESET, {"email": "nobody@example.com"})

    assert (known.status_code, unknown.status_code) == (202, 202)
    assert unknown.data["message"] == known.data["message"].replace("owner@example.com", "nobody@example.com")
    assert [m.to for m in mail.outbox] == [["owner@example.com"], ["nobody@example.com"]]
    assert "password/reset/key" not in mail.outbox[1].body
    assert not User.objects.filter(email="nobody@example.com").exists()


def test_a_bad_address_is_400_naming_the_field(anon):
    response = anon.post(RESET, {"email": "not an address"})
    assert response.status_code == 400
    assert response.data["field_codes"] == {"email": ["invalid"]}
    assert mail.outbox == []


def test_resets_are_limited_per_address_as_on_the_web(anon, owner):
    answers = [anon.post(RESET, {"email": "owner@example.com"}).status_code for _ in range(6)]
    assert answers == [202] * 5 + [429]
    assert len(mail.outbox) == 5


def test_a_change_on_the_web_forgets_the_devices_too(owner, password):
    """The same rule whichever side changes the password (User.save sends credentials_changed)."""
    Device.objects.create(user=owner, platform=Platform.IOS, token="this-phone")
    browser = Client()
    browser.force_login(owner)

    response = browser.post("/accounts/password/change/", {"oldpassword": password, "password1": NEW, "password2": NEW})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    assert not Device.objects.filter(user=owner).exists()
