"""`manage.py send_nudges` runs one scan by hand."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from nudges.models import Delivery, Notification
from tests.factories import UserFactory

from .conftest import make_plan, touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


@pytest.fixture
def stalled(learner, plan):
    touch(learner, plan.python, datetime(2026, 3, 2, 10, tzinfo=UTC))
    return learner


def run(*args):
    from io import StringIO

    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_nudges", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(stalled, plan):
    out = run("--dry-run")
    assert f"would send stalled to learner@example.com by email, in_app: Your next step in {plan.track.name}" in out
    assert "1 nudge(s) would be sent." in out
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_it_sends_and_prints_what_it_sent(stalled):
    out = run()
    assert "sent stalled to learner@example.com by email" in out
    assert "sent stalled to learner@example.com by in_app" in out
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1
    assert "0 nudge(s) sent." in run()


def test_it_can_be_limited_to_one_user(stalled):
    someone = UserFactory(email="someone@example.com")
    make_plan(someone)
    out = run("--user", "LEARNER@example.com")
    assert "learner@example.com" in out
    assert "someone@example.com" not in out
    assert [m.to for m in mail.outbox] == [["learner@example.com"]]


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        run("--user", "nobody@example.com")
