"""Unsubscribe links last ``NUDGE_UNSUBSCRIBE_LINK_DAYS`` and only for the address they were sent to.

An outdated link (too old, or sent to an address the account no longer has)
changes nothing by itself and answers 410 with a page that sends the person to
their settings. Signed in as the link's own account, that page can still stop
the reminders, with a CSRF token: there the session acts, not the link.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from nudges import channels
from nudges.models import Channel, ReminderPreferences, Rule
from nudges.rules import Nudge
from nudges.unsubscribe import make_token, unsubscribe_url

from .conftest import claim

pytestmark = pytest.mark.django_db

SENT = datetime(2026, 3, 11, 10, tzinfo=UTC)


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def email_on(user) -> bool:
    return ReminderPreferences.for_user(user).email_enabled


def mailed_link(message) -> str:
    """The path of a received message's List-Unsubscribe link (the header may be folded)."""
    return path_of("".join(message["List-Unsubscribe"].split()).strip("<>"))


def csrf_token_of(page) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    content = page.content.decode()
    start = content.index(marker) + len(marker)
    return content[start : content.index('"', start)]


@pytest.fixture
def link(owner):
    """The owner's email unsubscribe link, made at SENT."""
    with time_machine.travel(SENT, tick=False):
        return path_of(unsubscribe_url(owner, Channel.EMAIL))


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def test_a_link_within_its_lifetime_still_works_with_one_click(owner, link):
    """59 days on, a mail client's cookieless POST still turns email off."""
    with time_machine.travel(SENT + timedelta(days=59)):
        response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not email_on(owner)


def test_a_link_past_its_lifetime_is_410_and_changes_nothing(owner, link):
    """61 days on, looking shows a page pointing to the settings, and the one-click POST is refused."""
    with time_machine.travel(SENT + timedelta(days=61)):
        page = Client().get(link)
        posted = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert page.status_code == 410
    assert b"no longer works on its own" in page.content
    assert b'href="/settings/"' in page.content
    assert b'<form method="post">' not in page.content
    assert posted.status_code == 410
    assert email_on(owner)


def test_the_lifetime_is_a_setting(owner, link, settings):
    """``NUDGE_UNSUBSCRIBE_LINK_DAYS`` decides when a link stops acting alone."""
    settings.NUDGE_UNSUBSCRIBE_LINK_DAYS = 5
    with time_machine.travel(SENT + timedelta(days=6)):
        assert Client().post(link).status_code == 410
    assert email_on(owner)


def test_a_mailed_link_stops_working_once_the_accounts_email_changes(owner, smtp_settings):
    """The link in a real email is bound to its recipient; after an email change the new mail's link works."""
    nudge = Nudge(rule=Rule.STALLED, period="p1", title="Your next step", body="Go on.")
    channels.send(claim(owner, nudge, Channel.EMAIL, SENT), owner)
    [mailed] = smtp_settings.wait_for(1)
    assert mailed["To"] == "owner@example.com"
    old_link = mailed_link(mailed)

    owner.email = "olive@new.example.com"
    owner.save(update_fields=["email"])
    assert Client().post(old_link).status_code == 410
    assert email_on(owner)

    again = Nudge(rule=Rule.STALLED, period="p2", title="Again", body="Go.")
    channels.send(claim(owner, again, Channel.EMAIL, SENT), owner)
    [_, fresh] = smtp_settings.wait_for(2)
    assert fresh["To"] == "olive@new.example.com"
    assert Client().post(mailed_link(fresh)).status_code == 200
    assert not email_on(owner)


def test_a_link_made_for_another_address_never_acts(owner):
    """The address is inside the signed payload: a link for any other address is outdated from the start."""
    token = make_token(owner, Channel.EMAIL, address="someone.else@example.com")
    assert Client().post(f"/unsubscribe/email/{token}/").status_code == 410
    assert email_on(owner)


def test_signed_in_as_its_account_the_outdated_page_still_unsubscribes(owner, link):
    """The page offers a form; its POST with the session and CSRF token turns email off."""
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(SENT + timedelta(days=90)):
        client.force_login(owner)
        page = client.get(link)
        assert page.status_code == 410
        assert b"Stop email reminders" in page.content
        forged = client.post(link)  # no CSRF token: another site cannot post it for the person
        assert forged.status_code == 403
        assert email_on(owner)
        done = client.post(link, {"csrfmiddlewaretoken": csrf_token_of(page)})
    assert done.status_code == 200
    assert b"no more email reminders" in done.content
    assert not email_on(owner)


def test_signed_in_as_someone_else_the_outdated_link_changes_nothing(owner, other, link):
    """Another account's session gets the settings link, and its POST is refused like a cookieless one."""
    client = Client()
    with time_machine.travel(SENT + timedelta(days=90)):
        client.force_login(other)
        page = client.get(link)
        posted = client.post(link)
    assert page.status_code == 410
    assert b"Stop email reminders" not in page.content
    assert posted.status_code == 410
    assert email_on(owner)
    assert email_on(other)


def test_a_link_made_before_links_named_their_address_no_longer_acts(owner):
    """0.2's links carried no address: they get the outdated page, never a silent unsubscribe."""
    from django.core import signing

    legacy = signing.dumps({"u": owner.pk, "c": "email"}, salt="careerplan.nudges.unsubscribe.email", compress=True)
    assert Client().post(f"/unsubscribe/email/{legacy}/").status_code == 410
    assert email_on(owner)
