"""The scan: indexed selection of due users in batches, and digests at each user's own hour, once."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from nudges import delivery, scan
from nudges.models import Channel, Delivery, Notification, ReminderPreferences, Rule
from nudges.rules import Nudge
from tests.factories import UserFactory

from .conftest import claim, make_plan, prefs_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


def test_it_selects_active_plans_whose_check_has_come(learner, plan):
    idle = UserFactory()
    later = UserFactory()
    make_plan(later)
    prefs_for(later, next_check_at=NOW + timedelta(minutes=30))
    off = UserFactory()
    make_plan(off)
    prefs_for(off, enabled=False)
    paused = UserFactory()
    make_plan(paused).enrollment.__class__.objects.filter(user=paused).update(status="paused")
    assert list(scan.due_user_ids(NOW)) == [learner.pk]
    assert idle.pk not in list(scan.due_user_ids(NOW + timedelta(hours=1)))
    assert later.pk in list(scan.due_user_ids(NOW + timedelta(hours=1)))


def test_it_fans_out_batches_of_the_configured_size(settings):
    settings.NUDGE_BATCH_SIZE = 2
    users = [UserFactory() for _ in range(5)]
    for user in users:
        make_plan(user)
    assert list(scan.batches(NOW)) == [[u.pk for u in users[:2]], [u.pk for u in users[2:4]], [users[4].pk]]


def test_it_includes_users_holding_a_stale_claim(settings, learner):
    settings.NUDGE_CLAIM_TIMEOUT = 60
    claim(learner, Nudge(Rule.STALLED, "p", "t", "b"), Channel.EMAIL, NOW)
    assert list(scan.batches(NOW + timedelta(seconds=30))) == []
    assert list(scan.batches(NOW + timedelta(seconds=61))) == [[learner.pk]]


def beat(start, end, step=timedelta(minutes=15)):
    """Run a scan and its batches every ``step`` from ``start`` to ``end``, as beat would."""
    now = start
    while now <= end:
        with time_machine.travel(now, tick=False):
            for ids in scan.batches(now):
                delivery.process_users(ids, now)
        now += step


def test_digests_arrive_at_each_users_own_hour_once_across_zones_and_dst():
    zones = ["Pacific/Kiritimati", "Pacific/Honolulu", "Europe/London"]
    users = {}
    for zone in zones:
        user = UserFactory(timezone=zone)
        make_plan(user, started=datetime(2026, 3, 27, 12, tzinfo=UTC))
        # Only the digest: no quiet hours to hide it and nothing stalled yet.
        prefs_for(user, quiet_start=time(0), quiet_end=time(0), email_enabled=False)
        users[zone] = user
    # From Saturday before London's change (29 March) to Tuesday after.
    beat(datetime(2026, 3, 28, 0, tzinfo=UTC), datetime(2026, 3, 31, 12, tzinfo=UTC))
    for zone, user in users.items():
        digests = list(Notification.objects.filter(user=user, rule=Rule.DIGEST))
        assert len(digests) == 1, zone
        local = digests[0].created_at.astimezone(user.tzinfo)
        assert (local.weekday(), local.hour) == (0, 9), zone


def test_the_beat_sends_a_stalled_nudge_once_however_often_it_runs(learner, plan):
    beat(NOW, NOW + timedelta(hours=6), step=timedelta(minutes=15))
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(rule=Rule.STALLED).count() == 2  # email and in-app
    assert ReminderPreferences.objects.get(user=learner).last_nudged_on == NOW.date()
