"""Push: the FCM HTTP v1 sender against a local stub server, and what its answers do."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nudges import channels, delivery, push
from nudges.models import Channel, Delivery, DeliveryStatus, Device, Platform, Rule
from nudges.rules import Nudge
from tests.factories import UserFactory

from .conftest import claim

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)
UNREGISTERED = {
    "error": {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
        "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}],
    }
}


class StubFCM:
    """Answers each POST by token: ``answers[token] = (status, body)``; records every request."""

    def __init__(self):
        self.requests = []
        self.answers = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": self.path, "auth": self.headers["Authorization"], "body": body})
                status, answer = stub.answers.get(body["message"]["token"], (200, {"name": "projects/p/messages/1"}))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def tokens(self):
        return [r["body"]["message"]["token"] for r in self.requests]


@pytest.fixture
def fcm(settings):
    stub = StubFCM()
    stub.thread.start()
    settings.NUDGE_PUSH_SENDER = "fcm"
    settings.FCM_PROJECT_ID = "careerplan-test"
    settings.FCM_ACCESS_TOKEN = "test-access-token"
    settings.FCM_ENDPOINT = f"http://127.0.0.1:{stub.port}/v1/projects/{{project_id}}/messages:send"
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


def push_delivery(user, title="Your next step", body="Go on."):
    nudge = Nudge(rule=Rule.STALLED, period="p", title=title, body=body, url="/tracks/x/")
    return claim(user, nudge, Channel.PUSH, NOW)


def test_it_posts_an_fcm_v1_message_to_each_device(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    Device.objects.create(user=owner, platform=Platform.IOS, token="token-b")
    channels.send(push_delivery(owner), owner)
    assert sorted(fcm.tokens()) == ["token-a", "token-b"]
    first = fcm.requests[0]
    assert first["path"] == "/v1/projects/careerplan-test/messages:send"
    assert first["auth"] == "Bearer test-access-token"
    assert first["body"]["message"]["notification"] == {"title": "Your next step", "body": "Go on."}
    assert first["body"]["message"]["data"] == {"url": "/tracks/x/"}
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_long_text_is_cut_to_a_safe_length(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    channels.send(push_delivery(owner, title="T" * 300, body="B" * 1000), owner)
    note = fcm.requests[0]["body"]["message"]["notification"]
    assert len(note["title"]) == push.TITLE_LIMIT
    assert len(note["body"]) == push.BODY_LIMIT
    assert note["body"].endswith("…")


def test_an_unregistered_token_deletes_its_device(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="gone")
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="alive")
    fcm.answers["gone"] = (404, UNREGISTERED)
    channels.send(push_delivery(owner), owner)
    assert list(Device.objects.values_list("token", flat=True)) == ["alive"]


def test_a_5xx_is_transient_and_the_retry_skips_devices_already_reached(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="ok")
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="flaky")
    fcm.answers["flaky"] = (503, {"error": {"code": 503, "status": "UNAVAILABLE", "message": "try later"}})
    held = push_delivery(owner)
    with pytest.raises(channels.TransientError, match="503"):
        channels.send(held, owner)
    del fcm.answers["flaky"]
    held.refresh_from_db()
    channels.send(held, owner)
    assert fcm.tokens() == ["ok", "flaky", "flaky"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_bad_request_is_permanent(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="bad")
    fcm.answers["bad"] = (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "bad"}})
    with pytest.raises(channels.PermanentError):
        channels.send(push_delivery(owner), owner)


def test_an_unreachable_push_service_is_transient(settings, owner):
    from localservers import free_port

    settings.NUDGE_PUSH_SENDER = "fcm"
    settings.FCM_PROJECT_ID = "p"
    settings.FCM_ACCESS_TOKEN = "t"
    settings.FCM_ENDPOINT = f"http://127.0.0.1:{free_port()}/v1/projects/{{project_id}}/messages:send"
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    with pytest.raises(channels.TransientError):
        channels.send(push_delivery(owner), owner)


def test_the_console_sender_is_the_default(settings, owner, caplog):
    settings.NUDGE_PUSH_SENDER = "console"
    Device.objects.create(user=owner, platform=Platform.WEB, token="console-token-123")
    with caplog.at_level("INFO", logger="nudges.push"):
        channels.send(push_delivery(owner), owner)
    assert "Your next step" in caplog.text
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_push_is_used_only_for_users_with_a_device(owner):
    from nudges.models import ReminderPreferences

    lonely = UserFactory()
    Device.objects.create(user=owner, platform=Platform.IOS, token="t")
    assert Channel.PUSH in delivery.channels_for(owner, ReminderPreferences.for_user(owner))
    assert Channel.PUSH not in delivery.channels_for(lonely, ReminderPreferences.for_user(lonely))
