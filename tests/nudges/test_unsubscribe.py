"""One-click unsubscribe (RFC 8058): looking changes nothing; a cookieless POST stops the channel."""

import pytest
from django.core import signing
from django.test import Client

from nudges.models import Channel, ReminderPreferences
from nudges.unsubscribe import make_token, unsubscribe_url

pytestmark = pytest.mark.django_db


def path_of(user, channel=Channel.EMAIL):
    return unsubscribe_url(user, channel).removeprefix("http://127.0.0.1:8000")


def prefs(user):
    return ReminderPreferences.for_user(user)


def test_get_and_head_show_a_confirmation_and_change_nothing(owner):
    client = Client()
    page = client.get(path_of(owner))
    assert page.status_code == 200
    assert b"Stop email reminders?" in page.content
    assert client.head(path_of(owner)).status_code == 200
    assert prefs(owner).email_enabled


def test_a_cookieless_post_turns_email_off_with_a_200(owner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(owner), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"no more email reminders" in response.content
    current = prefs(owner)
    assert not current.email_enabled
    assert current.in_app_enabled
    assert current.push_enabled


def test_posting_twice_is_harmless(owner):
    client = Client()
    assert client.post(path_of(owner)).status_code == 200
    assert client.post(path_of(owner)).status_code == 200
    assert not prefs(owner).email_enabled


def test_the_push_link_turns_off_push_only(owner):
    Client().post(path_of(owner, Channel.PUSH))
    current = prefs(owner)
    assert not current.push_enabled
    assert current.email_enabled


def test_a_tampered_token_is_refused(owner):
    token = make_token(owner, Channel.EMAIL)
    response = Client().post(f"/unsubscribe/email/{token[:-2]}xx/")
    assert response.status_code == 400
    assert prefs(owner).email_enabled


def test_a_token_for_another_channel_or_purpose_is_refused(owner, other):
    push_token = make_token(owner, Channel.PUSH)
    assert Client().post(f"/unsubscribe/email/{push_token}/").status_code == 400
    other_purpose = signing.dumps({"u": owner.pk, "c": "email"}, salt="careerplan.something-else")
    assert Client().post(f"/unsubscribe/email/{other_purpose}/").status_code == 400
    plain = signing.dumps({"u": owner.pk, "c": "email"})
    assert Client().post(f"/unsubscribe/email/{plain}/").status_code == 400
    assert prefs(owner).email_enabled


def test_one_users_link_never_touches_another_user(owner, other):
    Client().post(path_of(owner))
    assert prefs(other).email_enabled
