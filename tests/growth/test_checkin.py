"""The quarterly skills check-in: once a quarter, only to who is due, in their window, on their channels."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from growth import checkin, tasks
from growth.models import SkillRating
from nudges.models import Delivery, Notification, ReminderPreferences
from tests.factories import EnrollmentFactory, UserFactory

MAY_4_10AM = datetime(2026, 5, 4, 10, tzinfo=UTC)
SCORES = {"programming": 3, "ml_algorithms": 3, "data_modelling": 3, "software_engineering": 3, "communication": 3}


@pytest.fixture
def learner(owner):
    EnrollmentFactory(user=owner)
    return owner


def sent_periods(person):
    return set(Delivery.objects.filter(user=person, rule="skills").values_list("channel", "period"))


def test_a_migration_schedules_the_scan_hourly(db):
    task = PeriodicTask.objects.get(task="growth.tasks.scan_skills_checkins")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")


def test_a_person_whose_last_rating_is_a_quarter_old_is_told_once_this_quarter(learner):
    SkillRating.objects.record(learner, learner, SCORES, when=MAY_4_10AM - timedelta(days=100))
    assert checkin.check_in(learner.pk, MAY_4_10AM).sent
    # A second scan the same hour, and one a month later in the same quarter: nothing more.
    checkin.check_in(learner.pk, MAY_4_10AM)
    checkin.check_in(learner.pk, MAY_4_10AM + timedelta(days=30))
    assert sent_periods(learner) == {("email", "2026-Q2"), ("in_app", "2026-Q2")}
    [note] = Notification.objects.filter(user=learner)
    assert note.title == "Time for your quarterly skills check-in"
    assert "You last rated your skills on 24 January 2026" in note.body
    assert note.url == "/skills/"
    assert len(mail.outbox) == 1
    assert "two minutes" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/skills/" in mail.outbox[0].body


def test_the_next_quarter_brings_the_next_check_in(learner):
    checkin.check_in(learner.pk, MAY_4_10AM)
    checkin.check_in(learner.pk, datetime(2026, 8, 4, 10, tzinfo=UTC))
    assert {period for _, period in sent_periods(learner)} == {"2026-Q2", "2026-Q3"}


def test_someone_who_rated_lately_is_not_reminded(learner):
    SkillRating.objects.record(learner, learner, SCORES, when=MAY_4_10AM - timedelta(days=20))
    assert not checkin.check_in(learner.pk, MAY_4_10AM).sent
    assert not Delivery.objects.exists()


def test_a_mentors_rating_does_not_count_as_rating_oneself(learner, other):
    SkillRating.objects.record(learner, other, SCORES, when=MAY_4_10AM - timedelta(days=2))
    assert checkin.check_in(learner.pk, MAY_4_10AM).sent


def test_people_with_no_plan_and_no_rating_are_left_alone(owner):
    assert not checkin.due(MAY_4_10AM).filter(pk=owner.pk).exists()


@pytest.mark.parametrize("switch", ["enabled", "skills_checkin_enabled"])
def test_nothing_is_sent_with_reminders_or_the_check_in_switched_off(learner, switch):
    ReminderPreferences.objects.update_or_create(user=learner, defaults={switch: False})
    assert not checkin.check_in(learner.pk, MAY_4_10AM).sent
    assert not Delivery.objects.exists()


def test_quiet_hours_hold_it_until_the_window_opens(learner):
    # The defaults: quiet from 21:00 to 08:00 in the person's zone.
    assert not checkin.check_in(learner.pk, datetime(2026, 5, 4, 22, tzinfo=UTC)).sent
    assert not Delivery.objects.exists()
    assert checkin.check_in(learner.pk, datetime(2026, 5, 5, 9, tzinfo=UTC)).sent


def test_quiet_hours_are_the_persons_own(db):
    person = UserFactory(timezone="Asia/Tokyo")  # 10:00 UTC is 19:00 in Tokyo; 13:00 UTC is 22:00 there
    EnrollmentFactory(user=person)
    assert checkin.check_in(person.pk, MAY_4_10AM).sent
    other = UserFactory(timezone="Asia/Tokyo")
    EnrollmentFactory(user=other)
    assert not checkin.check_in(other.pk, MAY_4_10AM + timedelta(hours=3)).sent


def test_a_snoozed_person_is_reminded_after_the_snooze(learner):
    ReminderPreferences.objects.update_or_create(user=learner, defaults={"snoozed_until": date(2026, 5, 10)})
    assert not checkin.check_in(learner.pk, MAY_4_10AM).sent
    assert checkin.check_in(learner.pk, datetime(2026, 5, 10, 10, tzinfo=UTC)).sent


def test_it_never_comes_on_a_day_another_reminder_went_out(learner):
    ReminderPreferences.objects.update_or_create(user=learner, defaults={"last_nudged_on": date(2026, 5, 4)})
    assert not checkin.check_in(learner.pk, MAY_4_10AM).sent
    assert checkin.check_in(learner.pk, MAY_4_10AM + timedelta(days=1)).sent


def test_nobody_with_an_unconfirmed_address_is_told(db):
    person = UserFactory(email_verified=False)
    EnrollmentFactory(user=person)
    assert not checkin.check_in(person.pk, MAY_4_10AM).sent


def test_the_scan_fans_out_over_ids_and_running_it_twice_tells_each_person_once(learner, other, monkeypatch):
    EnrollmentFactory(user=other)
    monkeypatch.setattr(checkin.timezone, "now", lambda: MAY_4_10AM)
    monkeypatch.setattr(tasks.timezone, "now", lambda: MAY_4_10AM)
    assert tasks.scan_skills_checkins.apply().get() == 2  # eager here: fans out to send_skills_checkins
    assert tasks.scan_skills_checkins.apply().get() == 0
    # The slice task itself again (a re-delivered message): nothing more.
    assert tasks.send_skills_checkins.apply(args=[[learner.pk, other.pk]]).get() == 0
    assert Notification.objects.filter(rule="skills").count() == 2
    assert len(mail.outbox) == 2
