"""FCM's access token comes from the service account and is renewed: push keeps working after a token expires.

Against the stand-in's real token endpoint (``localservers.fcm``): it checks
the service account's signed assertion with the public half of a key made
for the test, and its access tokens stop working when it says.
"""

import json
import time
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from localservers.fcm import FCMStandIn
from nudges import push
from nudges.push import PushMessage, PushOutcome, PushTarget

from .push_service import configure, fcm_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

ANDROID = PushTarget("device-token-1", "android")
MESSAGE = PushMessage("Your next step", "Go on.", {"rule": "stalled", "url": "https://careerplan.example/"})


def test_one_access_token_serves_many_pushes(fcm):
    sender = push.get_sender()
    results = [sender.send(ANDROID, MESSAGE) for _ in range(3)]
    assert {r.outcome for r in results} == {PushOutcome.SENT}
    assert fcm.grants == 1
    assert push.get_sender() is sender  # cached for the process


def test_a_token_expired_early_is_renewed_once_and_the_push_goes_out(fcm):
    """FCM's 401 UNAUTHENTICATED makes the sender fetch a new token and send again."""
    sender = push.get_sender()
    assert sender.send(ANDROID, MESSAGE).outcome is PushOutcome.SENT
    fcm.expire_access_tokens()

    result = sender.send(ANDROID, MESSAGE)

    assert result.outcome is PushOutcome.SENT, result.detail
    assert fcm.grants == 2
    assert (401, "UNAUTHENTICATED") in fcm.refusals
    assert fcm.tokens_pushed() == ["device-token-1", "device-token-1"]


def test_push_keeps_working_across_token_expiry(settings):
    """Tokens that really last two seconds (though said to last an hour): a push after one lapsed still goes out."""
    with FCMStandIn(token_lifetime=2, advertised_lifetime=3600) as standin:
        configure(settings, standin)
        sender = push.get_sender()
        assert sender.send(ANDROID, MESSAGE).outcome is PushOutcome.SENT
        time.sleep(2.2)
        assert sender.send(ANDROID, MESSAGE).outcome is PushOutcome.SENT
        assert len(standin.messages) == 2
        assert standin.grants == 2
        assert standin.refusals == [(401, "UNAUTHENTICATED")]


def test_a_token_past_its_stated_expiry_is_renewed_before_sending(settings):
    """google-auth renews a token minutes before the expiry it was told, so FCM never sees the stale one."""
    with FCMStandIn(token_lifetime=2, advertised_lifetime=2) as standin:
        configure(settings, standin)
        sender = push.get_sender()
        sender.send(ANDROID, MESSAGE)
        sender.send(ANDROID, MESSAGE)
        assert standin.grants == 2
        assert not any(status == 401 for status, _ in standin.refusals)


def test_a_service_account_the_token_endpoint_refuses_is_a_permanent_failure(settings):
    with FCMStandIn() as standin, FCMStandIn() as impostor:
        configure(settings, standin)
        info = standin.service_account_info()
        info["private_key"] = impostor.service_account_info()["private_key"]  # signed with a key Google never saw
        settings.FCM_SERVICE_ACCOUNT_JSON = json.dumps(info)

        result = push.get_sender().send(ANDROID, MESSAGE)

        assert result.outcome is PushOutcome.PERMANENT
        assert "invalid_grant" in result.detail
        assert standin.messages == []


def test_the_key_can_come_from_a_file_and_the_project_from_the_key(settings, tmp_path):
    with FCMStandIn(project_id="careerplan-prod") as standin:
        configure(settings, standin)
        key_file = tmp_path / "service-account.json"
        key_file.write_text(standin.service_account_json())
        settings.FCM_SERVICE_ACCOUNT_JSON = ""
        settings.FCM_SERVICE_ACCOUNT_FILE = str(key_file)
        sender = push.get_sender()
        assert sender.url == f"{standin.base}/v1/projects/careerplan-prod/messages:send"
        assert sender.send(ANDROID, MESSAGE).outcome is PushOutcome.SENT


@pytest.mark.parametrize(
    ("value", "complaint"),
    [("{not json", "not JSON"), ('{"type": "authorized_user"}', "not a service account key")],
)
def test_a_bad_key_setting_is_refused_loudly(settings, value, complaint):
    settings.NUDGE_PUSH_SENDER = "fcm"
    settings.FCM_SERVICE_ACCOUNT_JSON = value
    with pytest.raises(ImproperlyConfigured, match=complaint):
        push.get_sender()


def test_the_fcm_sender_needs_a_service_account(settings):
    settings.NUDGE_PUSH_SENDER = "fcm"
    settings.FCM_SERVICE_ACCOUNT_JSON = settings.FCM_SERVICE_ACCOUNT_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="FCM_SERVICE_ACCOUNT_FILE"):
        push.get_sender()


def test_the_stand_in_refuses_what_fcm_v1_refuses(fcm):
    """The format checks the sender's messages pass: a number in data, an unknown field, two targets."""
    sender = push.get_sender()
    good = push.fcm_message(ANDROID, MESSAGE, now=datetime.now(UTC))
    for bad in (
        {"message": {**good["message"], "data": {"plan": 7}}},
        {"message": {**good["message"], "url": "/x/"}},
        {"message": {**good["message"], "topic": "news"}},
        {"message": {**good["message"], "data": {"from": "me"}}},
        {"message": {**good["message"], "android": {"ttl": 86400}}},
    ):
        response = sender.session.post(sender.url, json=bad, timeout=5)
        assert response.status_code == 400, bad
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert sender.session.post(sender.url, json=good, timeout=5).status_code == 200
