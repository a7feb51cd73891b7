"""Signing out on a phone, or changing the password, stops the pushes to it: checked at the FCM stand-in."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from nudges import channels
from nudges.models import Channel, Device, Rule
from nudges.rules import Nudge

from .conftest import claim
from .push_service import fcm_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

TOKEN, LOGOUT, DEVICES = "/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/devices/"
PHONE = "fcm-token-of-my-phone"


def signed_in_app(user, password):
    app = APIClient()
    response = app.post(TOKEN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.data
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {response.data['access']}")
    return app, response.data["refresh"]


def nudge_by_push(user, period):
    """Claim and send one push nudge to ``user``, as a batch would."""
    held = claim(
        user,
        Nudge(rule=Rule.STALLED, period=period, title="Your next step", body="Go on."),
        Channel.PUSH,
        datetime.now(UTC),
    )
    channels.send(held, user)


def test_after_logout_naming_the_device_no_push_reaches_it(fcm, owner, password):
    app, refresh = signed_in_app(owner, password)
    assert app.post(DEVICES, {"platform": "android", "token": PHONE}).status_code == 201
    nudge_by_push(owner, "before")
    assert fcm.tokens_pushed() == [PHONE]

    assert APIClient().post(LOGOUT, {"refresh": refresh, "device_token": PHONE}).status_code == 204
    nudge_by_push(owner, "after")

    assert fcm.tokens_pushed() == [PHONE]
    assert not Device.objects.filter(token=PHONE).exists()


def test_after_a_password_change_no_push_reaches_any_of_the_persons_devices(fcm, owner, password):
    app, _ = signed_in_app(owner, password)
    app.post(DEVICES, {"platform": "ios", "token": PHONE, "apns_environment": "production"})
    app.post(DEVICES, {"platform": "android", "token": "a-tablet"})
    nudge_by_push(owner, "before")
    assert sorted(fcm.tokens_pushed()) == sorted([PHONE, "a-tablet"])

    changed = app.post(
        "/api/v1/auth/password/change/", {"current_password": password, "new_password": "quite another passphrase"}
    )
    assert changed.status_code == 200
    nudge_by_push(owner, "after")

    assert len(fcm.messages) == 2
