"""Nothing is sent to an address its owner has not confirmed: no nudge, digest or celebration, on any channel.

Whoever registers an address may not own it; until the link mailed to it is
followed, the account is left out of the scan and out of every send, and the
moment it is confirmed the reminders begin.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from nudges import delivery, scan
from nudges.models import Delivery, Notification, Rule
from tests.factories import UserFactory

from .conftest import make_plan, prefs_for, set_done, touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)  # Wednesday, 10:00 in London


def stalled(user):
    """A plan last touched nine days before NOW: a stalled nudge is due."""
    plan = make_plan(user)
    touch(user, plan.python, datetime(2026, 3, 2, 10, tzinfo=UTC))
    return plan


def beat(start, end, step=timedelta(minutes=15)):
    """Scan and process every ``step``, as beat and the workers would."""
    now = start
    while now <= end:
        with time_machine.travel(now, tick=False):
            for ids in scan.batches(now):
                delivery.process_users(ids, now)
        now += step


def test_it_leaves_an_unconfirmed_address_out_of_the_scan_until_it_is_confirmed(learner):
    stranger = UserFactory(email="stranger@example.com", email_verified=False)
    stalled(learner)
    stalled(stranger)
    assert list(scan.due_user_ids(NOW)) == [learner.pk]
    EmailAddress.objects.filter(user=stranger).update(verified=True)
    assert list(scan.due_user_ids(NOW)) == [learner.pk, stranger.pk]


def test_an_unconfirmed_address_gets_no_nudge_digest_or_celebration_while_a_confirmed_one_does(learner):
    stranger = UserFactory(email="stranger@example.com", display_name="Claim your prize", email_verified=False)
    plans = {}
    for person in (learner, stranger):
        plans[person] = stalled(person)
        prefs_for(person, quiet_start=time(0), quiet_end=time(0))
    beat(NOW, NOW + timedelta(hours=2))  # stalled
    for person, plan in plans.items():
        set_done(person, plan.python, NOW + timedelta(hours=3), track=plan.track)
        set_done(person, plan.sql, NOW + timedelta(hours=3), track=plan.track)  # the first level is complete
    # On to the next Monday's digest hour and past it; the scan finds the level to celebrate.
    beat(NOW + timedelta(hours=3), datetime(2026, 3, 16, 12, tzinfo=UTC), step=timedelta(hours=1))
    assert {m.to[0] for m in mail.outbox} == {learner.email}
    assert not Delivery.objects.filter(user=stranger).exists()
    assert not Notification.objects.filter(user=stranger).exists()
    sent = set(Delivery.objects.filter(user=learner).values_list("rule", flat=True))
    assert {Rule.STALLED, Rule.DIGEST, Rule.CELEBRATION} <= sent


def test_a_celebration_or_retry_naming_the_user_directly_sends_nothing_either(learner):
    """process_users checks again: the scan is not the only way in (a celebration task, a retry)."""
    stranger = UserFactory(email="stranger@example.com", email_verified=False)
    stalled(stranger)
    with time_machine.travel(NOW, tick=False):
        outcome = delivery.process_users([stranger.pk], NOW)
    assert outcome.sent == []
    assert mail.outbox == []
    assert not Delivery.objects.filter(user=stranger).exists()


def test_an_address_changed_behind_allauths_back_is_not_reachable(learner):
    """The confirmed primary address must be the one mail goes to (User.email), not an older one."""
    assert list(User.objects.reachable()) == [learner]
    User.objects.filter(pk=learner.pk).update(email="typed-in-the-admin@example.com")
    assert list(User.objects.reachable()) == []
    assert not User.objects.get(pk=learner.pk).has_verified_email
