"""Nudge emails: subject, text and HTML from templates, with one-click unsubscribe headers."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from nudges import channels
from nudges.models import Channel, Rule
from nudges.rules import Nudge

from .conftest import claim

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


@pytest.mark.parametrize("rule", list(Rule))
def test_every_rule_has_subject_text_and_html(owner, rule):
    nudge = Nudge(rule=rule, period="p", title="Your next step", body="Go on.", url="/tracks/x/", lines=("Next: SQL",))
    message = channels.email_message(claim(owner, nudge, Channel.EMAIL, NOW), owner)
    assert message.subject == "Your next step"
    assert "Hello Olive Owner" in message.body
    assert "Go on." in message.body
    assert "- Next: SQL" in message.body
    assert "http://127.0.0.1:8000/tracks/x/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<li>Next: SQL</li>" in html


def test_sent_mail_carries_both_one_click_headers(owner):
    nudge = Nudge(rule=Rule.STALLED, period="p", title="T", body="B")
    channels.send(claim(owner, nudge, Channel.EMAIL, NOW), owner)
    [sent] = mail.outbox
    message = sent.message()
    link = message["List-Unsubscribe"]
    assert link.startswith("<http://127.0.0.1:8000/unsubscribe/email/")
    assert link.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in sent.body


def test_text_is_not_html_escaped_but_html_is(owner):
    nudge = Nudge(rule=Rule.DEADLINE, period="p", title="Q&A <prep>", body="Tom's Q&A <prep>")
    message = channels.email_message(claim(owner, nudge, Channel.EMAIL, NOW), owner)
    assert message.subject == "Q&A <prep>"
    assert "Tom's Q&A <prep>" in message.body
    assert "Q&amp;A &lt;prep&gt;" in message.alternatives[0][0]
