"""A batch of users costs the same number of queries whatever its size and however much data they have."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nudges import delivery
from nudges.models import Delivery, DeliveryStatus, Device, Notification, Platform, Rule
from nudges.tasks import scan_nudges
from tests.factories import UserFactory
from tracker.models import MilestoneProgress, Status

from .conftest import make_plan, prefs_for, touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)  # Wednesday, 10:00 in London


def stalled_learners(count, history=1, label="learner"):
    """``count`` users due for the stalled nudge in the app only, each with a plan, progress, history and a phone.

    ``history`` scales each user's data: that many progress events, and a
    progress row with a target date from two on.
    """
    users = []
    for i in range(count):
        user = UserFactory(email=f"{label}{i}@example.com", timezone="Europe/London")
        plan = make_plan(user)
        for day in range(history):
            touch(user, plan.python, datetime(2026, 2, 10, 10, tzinfo=UTC) + timedelta(days=day))
        if history > 1:
            MilestoneProgress.objects.create(
                user=user, milestone=plan.sql, status=Status.IN_PROGRESS, target_date=datetime(2026, 6, 1).date()
            )
        Device.objects.create(user=user, platform=Platform.IOS, token=f"{label}-token-{i}")
        prefs_for(user, email_enabled=False, push_enabled=False, in_app_enabled=True)
        users.append(user)
    return users


def assert_one_stalled_notification_each(users):
    for user in users:
        assert list(Notification.objects.filter(user=user).values_list("rule", flat=True)) == [Rule.STALLED]
        assert list(Delivery.objects.filter(user=user).values_list("channel", "status")) == [
            ("in_app", DeliveryStatus.SENT)
        ]


def test_it_processes_a_batch_of_50_in_as_many_queries_as_a_batch_of_5():
    """Reading, claiming, scheduling and the in-app sends are a fixed number of statements per batch."""
    few, many = stalled_learners(5), stalled_learners(50, history=10, label="many")
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as small:
            outcome = delivery.process_users([u.pk for u in few], NOW)
        assert len(outcome.sent) == 5
        with CaptureQueriesContext(connection) as large:
            outcome = delivery.process_users([u.pk for u in many], NOW)
        assert len(outcome.sent) == 50
    assert len(large.captured_queries) == len(small.captured_queries) <= 25
    assert_one_stalled_notification_each(few + many)


def test_running_a_batch_again_costs_no_more_queries_and_sends_nothing():
    """The second run finds the day taken: still a fixed number of queries, and nothing new."""
    users = stalled_learners(20)
    ids = [u.pk for u in users]
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as first:
            delivery.process_users(ids, NOW)
        with CaptureQueriesContext(connection) as second:
            assert delivery.process_users(ids, NOW + timedelta(minutes=15)).sent == []
    assert len(second.captured_queries) <= len(first.captured_queries)
    assert_one_stalled_notification_each(users)


def test_users_without_preferences_get_the_defaults_in_a_fixed_number_of_queries():
    """Their rows are made together (not one get_or_create each); beyond that only each email costs a statement."""
    from nudges.models import ReminderPreferences

    def fresh(count, label):
        users = [UserFactory(email=f"{label}{i}@example.com", timezone="Europe/London") for i in range(count)]
        for user in users:
            make_plan(user)
        return users

    few, many = fresh(2, "few"), fresh(20, "many")
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as small:
            delivery.process_users([u.pk for u in few], NOW)
        with CaptureQueriesContext(connection) as large:
            delivery.process_users([u.pk for u in many], NOW)
    # The defaults send email too: each is marked sent right after it went out.
    assert len(mail.outbox) == 22
    assert len(large.captured_queries) - 20 == len(small.captured_queries) - 2
    defaults = ReminderPreferences.objects.filter(user__in=few + many)
    assert defaults.count() == 22
    assert all(p.enabled and p.stalled_after_days == 7 and p.next_check_at is not None for p in defaults)


def test_the_scan_costs_a_fixed_number_of_queries_per_batch(settings, eager):
    """Ten times the users, ten times the batches, and no more queries per batch."""
    settings.NUDGE_BATCH_SIZE = 2
    UserFactory.create_batch(3)  # not enrolled: never scanned
    few = stalled_learners(2, label="few")
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as small:
        assert scan_nudges() == 1
    # The first two were nudged today: the next scan reaches only the new twenty.
    many = stalled_learners(20, history=5, label="many")
    with time_machine.travel(NOW + timedelta(minutes=15), tick=False), CaptureQueriesContext(connection) as large:
        assert scan_nudges() == 10
    assert len(large.captured_queries) / 10 <= len(small.captured_queries)
    assert_one_stalled_notification_each(few + many)
