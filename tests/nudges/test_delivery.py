"""Claim before sending, mark sent after, take up what a dead worker left: each nudge once."""

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from nudges import delivery
from nudges.models import Channel, Delivery, DeliveryStatus, Notification, ReminderPreferences, Rule
from nudges.rules import Nudge
from tests.factories import UserFactory

from .conftest import claim, make_plan, prefs_for, touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)  # Wednesday, 10:00 in London
NUDGE = Nudge(rule=Rule.STALLED, period="2026-03-02#1", title="Your next step", body="Go on.", url="/")


def stalled(user):
    plan = make_plan(user)
    touch(user, plan.python, datetime(2026, 3, 2, 10, tzinfo=UTC))
    return plan


def run(user_ids, now=NOW):
    with time_machine.travel(now, tick=False):
        return delivery.process_users(user_ids, now)


def test_a_claim_is_taken_once(learner):
    first = claim(learner, NUDGE, Channel.EMAIL, NOW)
    assert first is not None
    assert claim(learner, NUDGE, Channel.EMAIL, NOW) is None
    assert claim(learner, NUDGE, Channel.IN_APP, NOW) is not None


def test_a_fresh_claim_cannot_be_taken_up_but_a_stale_one_can_once(learner, settings):
    settings.NUDGE_CLAIM_TIMEOUT = 60
    held = claim(learner, NUDGE, Channel.EMAIL, NOW)
    assert not delivery.reclaim(held, NOW + timedelta(seconds=30))
    later = NOW + timedelta(seconds=61)
    assert delivery.reclaim(held, later)
    assert not delivery.reclaim(held, later)  # the second taker loses the conditional update
    held.refresh_from_db()
    assert held.attempts == 2


def test_the_days_slot_is_claimed_once(learner):
    ReminderPreferences.for_user(learner)
    today, tomorrow = NOW.date(), NOW.date() + timedelta(days=1)
    assert delivery.claim_days({today: [learner.pk]}) == {learner.pk}
    assert delivery.claim_days({today: [learner.pk]}) == set()
    assert delivery.claim_days({tomorrow: [learner.pk]}) == {learner.pk}


def test_a_due_user_gets_one_email_and_one_inbox_notification(learner):
    stalled(learner)
    outcome = run([learner.pk])
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=learner, rule=Rule.STALLED).count() == 1
    assert {(d.channel, d.status) for d in Delivery.objects.all()} == {
        (Channel.EMAIL, DeliveryStatus.SENT),
        (Channel.IN_APP, DeliveryStatus.SENT),
    }
    assert len(outcome.sent) == 2


def test_running_twice_sends_nothing_more(learner):
    stalled(learner)
    run([learner.pk])
    run([learner.pk], NOW + timedelta(minutes=15))
    run([learner.pk], NOW + timedelta(hours=3))
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_at_most_one_scheduled_nudge_a_day_across_rules(learner):
    from tracker.models import MilestoneProgress

    plan = stalled(learner)
    MilestoneProgress.objects.create(user=learner, milestone=plan.sql, target_date=NOW.date() - timedelta(days=2))
    run([learner.pk])
    run([learner.pk], NOW + timedelta(hours=2))
    assert len(mail.outbox) == 1
    run([learner.pk], NOW + timedelta(days=1))
    assert len(mail.outbox) == 2
    assert sorted(Delivery.objects.filter(channel=Channel.EMAIL).values_list("rule", flat=True)) == [
        Rule.OVERDUE,
        Rule.STALLED,
    ]


def test_channels_switched_off_are_not_used(learner):
    stalled(learner)
    prefs_for(learner, email_enabled=False)
    run([learner.pk])
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_the_master_switch_stops_everything(learner):
    stalled(learner)
    prefs_for(learner, enabled=False)
    run([learner.pk])
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_a_transient_smtp_failure_releases_the_claim_for_a_retry(learner, monkeypatch):
    stalled(learner)

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    outcome = run([learner.pk])
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert outcome.retry_user_ids == {learner.pk}
    assert email.status == DeliveryStatus.CLAIMED
    assert "SMTPServerDisconnected" in email.last_error
    monkeypatch.undo()
    run([learner.pk], NOW + timedelta(minutes=1))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_refused_address_is_recorded_and_not_retried(learner, monkeypatch):
    stalled(learner)

    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({learner.email: (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    outcome = run([learner.pk])
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.FAILED
    assert "refused" in email.last_error
    assert outcome.retry_user_ids == set()
    monkeypatch.undo()
    run([learner.pk], NOW + timedelta(hours=2))
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_worker_is_sent_after_the_timeout(learner, settings):
    settings.NUDGE_CLAIM_TIMEOUT = 600
    stalled(learner)
    # A worker claimed (day and deliveries) and died before sending.
    prefs = prefs_for(learner, last_nudged_on=NOW.date())
    assert prefs.last_nudged_on == NOW.date()
    claim(learner, NUDGE, Channel.EMAIL, NOW)
    run([learner.pk], NOW + timedelta(minutes=5))
    assert mail.outbox == []
    run([learner.pk], NOW + timedelta(minutes=11))
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_next_check_waits_for_tomorrows_window_after_a_nudge(learner):
    stalled(learner)
    run([learner.pk])
    prefs = ReminderPreferences.objects.get(user=learner)
    # Nudged on Wednesday: look again at Thursday 00:00 London... which is
    # inside quiet hours (21:00-08:00), so at 08:00.
    assert prefs.next_check_at == datetime(2026, 3, 12, 8, tzinfo=UTC)


def test_a_user_in_quiet_hours_is_next_checked_when_they_end():
    user = UserFactory(timezone="Pacific/Honolulu")
    stalled(user)
    late = datetime(2026, 3, 11, 8, tzinfo=UTC)  # 22:00 in Honolulu
    run([user.pk], late)
    assert mail.outbox == []
    prefs = ReminderPreferences.objects.get(user=user)
    assert prefs.next_check_at == datetime(2026, 3, 11, 18, tzinfo=UTC)  # 08:00 in Honolulu


def test_each_user_of_a_batch_gets_their_own_next_check(learner):
    """The next checks are written for the whole batch at once, and each is still the user's own."""
    stalled(learner)
    night_owl = UserFactory(email="owl@example.com", timezone="Pacific/Honolulu")  # midnight there
    stalled(night_owl)
    run([night_owl.pk, learner.pk])
    next_checks = dict(ReminderPreferences.objects.values_list("user__email", "next_check_at"))
    assert next_checks == {
        learner.email: datetime(2026, 3, 12, 8, tzinfo=UTC),  # nudged: tomorrow's window in London
        night_owl.email: datetime(2026, 3, 11, 18, tzinfo=UTC),  # quiet hours: 08:00 in Honolulu
    }
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_one_users_failure_does_not_hold_up_the_batch(learner, monkeypatch):
    stalled(learner)
    broken = UserFactory(email="broken@example.com")
    stalled(broken)
    real = delivery.user_state

    def fragile(user, prefs, reading, now):
        if user.pk == broken.pk:
            raise ValueError("corrupt row")
        return real(user, prefs, reading, now)

    # The batch is read together; building each user's state from it is where bad data breaks.
    monkeypatch.setattr(delivery, "user_state", fragile)
    run([broken.pk, learner.pk])
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert Notification.objects.filter(user=learner).count() == 1
    assert not Delivery.objects.filter(user=broken).exists()


def test_an_unexpected_send_error_is_recorded_and_left_for_the_sweep(learner, monkeypatch, settings):
    settings.NUDGE_CLAIM_TIMEOUT = 600
    stalled(learner)

    def bug(*args, **kwargs):
        raise KeyError("template variable")

    monkeypatch.setattr("nudges.channels.send_email", bug)
    outcome = run([learner.pk])
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.CLAIMED
    assert "KeyError" in email.last_error
    assert outcome.retry_user_ids == set()
    monkeypatch.undo()
    run([learner.pk], NOW + timedelta(minutes=15))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_batch_send_each_nudge_once():
    """Two workers handed the same batch at the same instant: every day's slot and claim is won once."""
    users = []
    for i in range(8):
        user = UserFactory(email=f"racer{i}@example.com", timezone="Europe/London")
        stalled(user)
        users.append(user)
    ids = [u.pk for u in users]
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def worker():
        try:
            start.wait(timeout=10)
            outcomes.append(delivery.process_users(ids, NOW))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sum(len(o.sent) for o in outcomes) == 16
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Notification.objects.count() == 8
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert ReminderPreferences.objects.filter(last_nudged_on=NOW.date()).count() == 8
