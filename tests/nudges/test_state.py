"""Reading a batch of users at once gives each the state the dashboard computes for them alone."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from nudges.models import ReminderPreferences
from nudges.state import read_batch, user_state
from tests.factories import UserFactory
from tracker.activity import weekly_streak
from tracker.models import ActivityDay, Enrollment, MilestoneProgress, RestWeek, Status
from tracker.progress import progress_for_enrollments

from .conftest import make_plan, set_done, touch

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, tzinfo=UTC)


def plan_summary(progress):
    """What the rules read of a plan: each step's status, what is next, due soon and late."""
    return (
        [(i.milestone.pk, i.status, [p.pk for p in i.missing_prerequisites], i.expires_on) for i in progress.items],
        [i.milestone.pk for i in progress.next_up],
        [i.milestone.pk for i in progress.upcoming],
        [i.milestone.pk for i in progress.overdue],
        (progress.done, progress.skipped, progress.is_complete),
    )


@pytest.fixture
def learners(learner):
    """Three people at different points: a lapsed certification, a prerequisite, dates, a streak, no plan."""
    owner = learner
    plan = make_plan(owner)
    set_done(owner, plan.python, datetime(2024, 1, 8, 10, tzinfo=UTC))
    set_done(owner, plan.cert, datetime(2024, 2, 5, 10, tzinfo=UTC))  # valid for 12 months: lapsed
    plan.cert.prerequisites.add(plan.sql, plan.python)  # added since: one met, one not
    MilestoneProgress.objects.create(user=owner, milestone=plan.sql, target_date=date(2026, 3, 15))
    for weeks_ago in (0, 1, 2, 4):
        touch(owner, plan.sql, NOW - timedelta(weeks=weeks_ago, hours=1))

    other = UserFactory(email="kiri@example.com", timezone="Pacific/Kiritimati")
    other_plan = make_plan(other)
    Enrollment.objects.enroll(other, plan.track)  # shares the owner's track too
    MilestoneProgress.objects.create(user=other, milestone=other_plan.sql, status=Status.SKIPPED)
    MilestoneProgress.objects.create(user=other, milestone=plan.python, target_date=date(2026, 3, 1))
    set_done(other, other_plan.python, NOW - timedelta(days=2))
    # Sunday 23:30 UTC is already Monday in Kiritimati: a week of its own there.
    touch(other, other_plan.python, datetime(2026, 3, 1, 23, 30, tzinfo=UTC))

    idle = UserFactory(email="idle@example.com")
    return [owner, other, idle]


def test_each_users_plans_streak_and_week_are_the_dashboards(learners):
    """Progress, streak and the week's work of a user read in a batch equal the dashboard's for them alone."""
    prefs = {u.pk: ReminderPreferences.for_user(u) for u in learners}
    with time_machine.travel(NOW, tick=False):
        reading = read_batch(learners, prefs, NOW)
        for user in learners:
            state = user_state(user, prefs[user.pk], reading, NOW)
            today = NOW.astimezone(user.tzinfo).date()
            enrollments = list(Enrollment.objects.filter(user=user, status="active").order_by("pk"))
            alone = progress_for_enrollments(user, enrollments, today=today)
            assert [plan_summary(p) for p in state.plans] == [plan_summary(alone[e.pk]) for e in enrollments]
            assert state.streak == (weekly_streak(user, today=today) if enrollments else 0)
    owner, other, idle = learners
    # Active this week and the two before; the missed week before those is
    # forgiven (one rest in four), and the week before it counts too.
    assert user_state(owner, prefs[owner.pk], reading, NOW).streak == 4
    assert user_state(other, prefs[other.pk], reading, NOW).done_this_week == ["Python basics"]
    assert user_state(idle, prefs[idle.pk], reading, NOW).plans == []


def test_a_marked_rest_week_and_a_daylight_saving_change_read_the_same_in_a_batch(learner):
    """The batch reads activity days and rest weeks as the dashboard does: across Berlin's change, this week off."""
    learner.timezone = "Europe/Berlin"
    learner.save()
    make_plan(learner)
    now = datetime(2026, 4, 8, 10, tzinfo=UTC)  # Wednesday; summer time began on Sunday 29 March
    ActivityDay.objects.record(learner, datetime(2026, 3, 18, 18, tzinfo=UTC))
    ActivityDay.objects.record(learner, datetime(2026, 3, 29, 21, 30, tzinfo=UTC))  # Sunday 23:30 in Berlin
    ActivityDay.objects.record(learner, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # Monday 00:30 in Berlin
    RestWeek.objects.create(user=learner, monday=date(2026, 4, 6))
    prefs = {learner.pk: ReminderPreferences.for_user(learner)}
    with time_machine.travel(now, tick=False):
        state = user_state(learner, prefs[learner.pk], read_batch([learner], prefs, now), now)
        assert state.streak == weekly_streak(learner, today=date(2026, 4, 8)) == 3
