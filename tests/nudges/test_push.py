"""Push: the FCM HTTP v1 sender against the local FCM stand-in, and what its answers do."""

from datetime import UTC, datetime

import pytest
import time_machine

from localservers import free_port
from localservers.fcm import FCMStandIn
from nudges import channels, delivery, push
from nudges.models import Channel, Delivery, DeliveryStatus, Device, Notification, Platform, ReminderPreferences, Rule
from nudges.rules import Nudge
from tests.factories import UserFactory

from .conftest import claim, make_plan, touch
from .push_service import configure, fcm_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


def push_delivery(user, title="Your next step", body="Go on.", **link):
    nudge = Nudge(rule=Rule.STALLED, period="p", title=title, body=body, url="/tracks/x/", **link)
    return claim(user, nudge, Channel.PUSH, NOW)


def test_it_posts_an_fcm_v1_message_to_each_device(fcm, owner, settings):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    Device.objects.create(user=owner, platform=Platform.IOS, token="token-b")
    channels.send(push_delivery(owner), owner)
    assert sorted(fcm.tokens_pushed()) == ["token-a", "token-b"]
    first = fcm.messages[0]
    assert first["notification"] == {"title": "Your next step", "body": "Go on."}
    assert first["data"] == {"rule": "stalled", "url": settings.SITE_URL + "/tracks/x/"}
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_each_platform_gets_its_own_options(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="android")
    Device.objects.create(user=owner, platform=Platform.IOS, token="iphone", apns_environment="sandbox")
    Device.objects.create(user=owner, platform=Platform.WEB, token="browser")
    channels.send(push_delivery(owner), owner)
    sent = {m["token"]: m for m in fcm.messages}
    assert sent["android"]["android"] == {"ttl": "86400s"}
    assert "apns" not in sent["android"]
    apns = sent["iphone"]["apns"]
    assert apns["headers"]["apns-push-type"] == "alert"
    assert int(apns["headers"]["apns-expiration"]) > datetime.now(UTC).timestamp()
    assert apns["payload"] == {"aps": {"thread-id": "stalled"}}
    assert sent["browser"]["webpush"] == {"headers": {"TTL": "86400"}}


def test_the_data_carries_the_ids_an_app_deep_links_with(fcm, owner, settings):
    """Plan and milestone from the nudge, and the inbox entry of the same nudge (its in-app delivery goes first)."""
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    nudge = Nudge(rule=Rule.DEADLINE, period="m1", title="T", body="B", url="/plans/7/#m-sql", plan=7, milestone="sql")
    in_app = claim(owner, nudge, Channel.IN_APP, NOW)
    pushed = claim(owner, nudge, Channel.PUSH, NOW)
    delivery.send_held([in_app, pushed], NOW)
    notification = Notification.objects.get()
    assert fcm.messages[0]["data"] == {
        "rule": "deadline",
        "url": settings.SITE_URL + "/plans/7/#m-sql",
        "notification": str(notification.pk),
        "plan": "7",
        "milestone": "sql",
    }
    assert all(isinstance(value, str) for value in fcm.messages[0]["data"].values())


def test_long_text_is_cut_to_a_safe_length(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="token-a")
    channels.send(push_delivery(owner, title="T" * 300, body="B" * 1000), owner)
    note = fcm.messages[0]["notification"]
    assert len(note["title"]) == push.TITLE_LIMIT
    assert len(note["body"]) == push.BODY_LIMIT
    assert note["body"].endswith("…")


def test_an_unregistered_token_deletes_its_device(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="gone")
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="alive")
    fcm.dead_tokens.add("gone")
    channels.send(push_delivery(owner), owner)
    assert list(Device.objects.values_list("token", flat=True)) == ["alive"]
    assert (404, "NOT_FOUND") in fcm.refusals


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
    assert fcm.tokens_pushed() == ["ok", "flaky"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_bad_request_is_permanent(fcm, owner):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="bad")
    fcm.answers["bad"] = (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "bad"}})
    with pytest.raises(channels.PermanentError):
        channels.send(push_delivery(owner), owner)


def test_an_unreachable_push_service_is_transient(settings, owner):
    with FCMStandIn() as standin:
        configure(settings, standin)
    settings.FCM_ENDPOINT = f"http://127.0.0.1:{free_port()}"  # the stand-in is gone: nothing listens
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
    lonely = UserFactory()
    Device.objects.create(user=owner, platform=Platform.IOS, token="t")
    assert Channel.PUSH in delivery.channels_for(owner, ReminderPreferences.for_user(owner))
    assert Channel.PUSH not in delivery.channels_for(lonely, ReminderPreferences.for_user(lonely))


def test_a_scanned_nudge_about_a_plan_pushes_its_plan_milestone_and_inbox_entry(fcm, learner):
    """End to end: the rule names plan and milestone, the batch writes the inbox entry, the push carries all three."""
    plan = make_plan(learner)
    touch(learner, plan.python, datetime(2026, 3, 2, 10, tzinfo=UTC))
    Device.objects.create(user=learner, platform=Platform.IOS, token="learners-phone")

    with time_machine.travel(NOW, tick=False):
        delivery.process_users([learner.pk], NOW)

    [message] = fcm.messages
    notification = Notification.objects.get(user=learner, rule=Rule.STALLED)
    data = message["data"]
    assert data["rule"] == "stalled"
    assert data["notification"] == str(notification.pk)
    assert data["plan"] == str(plan.enrollment.pk)
    assert data["milestone"] in {plan.python.slug, plan.sql.slug}
    assert data["url"].endswith(f"/plans/{plan.enrollment.pk}/#m-{data['milestone']}")
    assert data["url"].startswith("http")
