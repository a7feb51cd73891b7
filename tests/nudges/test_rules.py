"""Each rule is a pure function of a user's state and the time, tested with frozen time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from nudges import rules
from nudges.models import ReminderPreferences, Rule
from nudges.state import load_state
from tests.factories import ChoiceGroupFactory, UserFactory
from tracker.models import LadderStep, MilestoneProgress

from .conftest import make_plan, prefs_for, set_done, touch

pytestmark = pytest.mark.django_db


def state_at(user, now):
    with time_machine.travel(now, tick=False):
        return load_state(user, ReminderPreferences.for_user(user), now)


def at(*args, tz=UTC):
    return datetime(*args, tzinfo=tz)


# --- stalled --------------------------------------------------------------------


def test_it_nudges_a_stalled_plan_towards_its_next_step(learner, plan):
    touch(learner, plan.python, at(2026, 3, 2, 10))
    nudge = rules.stalled(state_at(learner, at(2026, 3, 10, 10)), at(2026, 3, 10, 10))
    assert nudge is not None
    assert nudge.rule == Rule.STALLED
    assert nudge.title == f"Your next step in {plan.track.name} is Python basics"
    assert "8 days" in nudge.body


def test_it_does_not_nudge_before_the_chosen_interval(learner, plan):
    touch(learner, plan.python, at(2026, 3, 5, 10))
    assert rules.stalled(state_at(learner, at(2026, 3, 10, 10)), at(2026, 3, 10, 10)) is None


def test_it_uses_the_users_own_stalled_interval(learner, plan):
    prefs_for(learner, stalled_after_days=3)
    touch(learner, plan.python, at(2026, 3, 7, 10))
    assert rules.stalled(state_at(learner, at(2026, 3, 10, 10)), at(2026, 3, 10, 10)) is not None


def test_a_stalled_spell_is_one_occurrence_per_interval(learner, plan):
    touch(learner, plan.python, at(2026, 3, 2, 10))
    day9 = rules.stalled(state_at(learner, at(2026, 3, 11, 10)), at(2026, 3, 11, 10))
    day10 = rules.stalled(state_at(learner, at(2026, 3, 12, 10)), at(2026, 3, 12, 10))
    day15 = rules.stalled(state_at(learner, at(2026, 3, 17, 10)), at(2026, 3, 17, 10))
    assert day9.period == day10.period
    assert day15.period != day9.period


def test_enrolling_counts_as_activity(learner, plan):
    # Enrolled on 1 March with no progress since.
    assert rules.stalled(state_at(learner, at(2026, 3, 5, 10)), at(2026, 3, 5, 10)) is None
    assert rules.stalled(state_at(learner, at(2026, 3, 9, 10)), at(2026, 3, 9, 10)) is not None


@pytest.mark.parametrize("status", ["paused", "completed", "archived"])
def test_nudges_stop_for_a_track_that_is_not_active(learner, plan, status):
    plan.enrollment.status = status
    plan.enrollment.save()
    state = state_at(learner, at(2026, 4, 1, 10))
    assert rules.stalled(state, at(2026, 4, 1, 10)) is None
    assert rules.scheduled_nudge(state, at(2026, 4, 1, 10)) is None


# --- deadline and overdue -----------------------------------------------------------


def target(user, milestone, day):
    MilestoneProgress.objects.update_or_create(user=user, milestone=milestone, defaults={"target_date": day})


def test_it_warns_a_week_before_a_target_date_and_again_the_day_before(learner, plan):
    target(learner, plan.sql, date(2026, 3, 20))
    week = rules.deadline(state_at(learner, at(2026, 3, 13, 10)), at(2026, 3, 13, 10))
    eve = rules.deadline(state_at(learner, at(2026, 3, 19, 10)), at(2026, 3, 19, 10))
    assert week.title == "SQL fundamentals is due in 7 days"
    assert eve.title == "SQL fundamentals is due tomorrow"
    # The body says what the title cannot, and the link leads to the milestone in the plan.
    assert eve.body == (
        "Your target for it is Friday 20 March. Mark it done when it is, or move the date if it needs more time."
    )
    assert eve.url == f"/plans/{plan.enrollment.pk}/#m-{plan.sql.slug}"
    assert week.period != eve.period
    assert rules.deadline(state_at(learner, at(2026, 3, 10, 10)), at(2026, 3, 10, 10)) is None


def test_a_done_milestone_has_no_deadline(learner, plan):
    target(learner, plan.python, date(2026, 3, 20))
    set_done(learner, plan.python, at(2026, 3, 12, 10))
    assert rules.deadline(state_at(learner, at(2026, 3, 13, 10)), at(2026, 3, 13, 10)) is None


def test_an_overdue_milestone_is_nudged_at_most_once_a_week(learner, plan):
    target(learner, plan.sql, date(2026, 3, 10))
    periods = {rules.overdue(state_at(learner, at(2026, 3, d, 10)), at(2026, 3, d, 10)).period for d in range(11, 18)}
    assert len(periods) == 1
    later = rules.overdue(state_at(learner, at(2026, 3, 18, 10)), at(2026, 3, 18, 10))
    assert later.period not in periods
    assert later.title == "SQL fundamentals is overdue"


def test_an_alternative_nobody_needs_any_more_is_not_nudged(learner, plan):
    """Python and SQL as a choice of one: once Python is done, SQL's date brings no deadline, overdue or stall nudge."""
    group = ChoiceGroupFactory(track=plan.track)
    LadderStep.objects.filter(track=plan.track, milestone__in=[plan.python, plan.sql]).update(choice_group=group)
    target(learner, plan.sql, date(2026, 3, 20))
    set_done(learner, plan.python, at(2026, 3, 2, 10))

    assert rules.deadline(state_at(learner, at(2026, 3, 13, 10)), at(2026, 3, 13, 10)) is None
    assert rules.overdue(state_at(learner, at(2026, 3, 25, 10)), at(2026, 3, 25, 10)) is None
    stalled = rules.stalled(state_at(learner, at(2026, 3, 25, 10)), at(2026, 3, 25, 10))
    assert stalled.title.endswith("is Cloud ML certification")


def test_a_date_not_yet_passed_is_not_overdue(learner, plan):
    target(learner, plan.sql, date(2026, 3, 10))
    assert rules.overdue(state_at(learner, at(2026, 3, 10, 10)), at(2026, 3, 10, 10)) is None


# --- renewal --------------------------------------------------------------------------


def test_it_says_when_renewal_opens_when_it_is_closing_and_when_it_expired(learner, plan):
    set_done(learner, plan.python, at(2025, 1, 5, 10))
    set_done(learner, plan.sql, at(2025, 1, 6, 10))
    set_done(learner, plan.cert, at(2025, 5, 1, 10))  # valid until 1 May 2026; renewal opens 90 days before
    assert rules.renewal(state_at(learner, at(2026, 1, 30, 10)), at(2026, 1, 30, 10)) is None
    opening = rules.renewal(state_at(learner, at(2026, 1, 31, 10)), at(2026, 1, 31, 10))
    assert opening.title == "You can renew Cloud ML certification now"
    assert opening.body == "Its renewal window is open: it stays valid until 1 May 2026."
    assert opening.period.endswith(":2026-05-01:open")
    assert opening.url == f"/plans/{plan.enrollment.pk}/#m-{plan.cert.slug}"
    closing = rules.renewal(state_at(learner, at(2026, 4, 20, 10)), at(2026, 4, 20, 10))
    assert closing.title == "11 days left to renew Cloud ML certification"
    expired = rules.renewal(state_at(learner, at(2026, 5, 2, 10)), at(2026, 5, 2, 10))
    assert expired.title == "Cloud ML certification has expired"
    # An expiry long past is on the plan page, not news.
    assert rules.renewal(state_at(learner, at(2026, 7, 1, 10)), at(2026, 7, 1, 10)) is None


# --- digest, across zones and daylight-saving changes ---------------------------------

# Monday 09:00 local, as UTC instants: the digest's default weekday and hour.
DIGEST_HOURS = [
    ("Pacific/Kiritimati", at(2026, 3, 22, 19)),  # UTC+14: Sunday evening in UTC
    ("Pacific/Honolulu", at(2026, 3, 23, 19)),  # UTC-10
    ("Europe/London", at(2026, 3, 23, 9)),  # GMT, the week before the change
    ("Europe/London", at(2026, 3, 30, 8)),  # BST, the day after 29 March
    ("Europe/London", at(2026, 10, 19, 8)),  # BST, the week before 25 October
    ("Europe/London", at(2026, 10, 26, 9)),  # GMT again
]


@pytest.mark.parametrize(("zone", "nine_local"), DIGEST_HOURS)
def test_the_digest_is_due_at_the_users_own_hour(zone, nine_local):
    user = UserFactory(timezone=zone)
    make_plan(user)
    for offset, due in [(-15, False), (0, True), (45, True), (60, False)]:
        now = nine_local + timedelta(minutes=offset)
        nudge = rules.digest(state_at(user, now), now)
        assert (nudge is not None) is due, (zone, now)
    assert rules.digest(state_at(user, nine_local), nine_local).period.startswith("2026-W")


def test_the_digest_says_what_was_done_this_week_and_what_is_next(learner, plan):
    set_done(learner, plan.python, at(2026, 3, 19, 10), track=plan.track)
    nudge = rules.digest(state_at(learner, at(2026, 3, 23, 9, 5)), at(2026, 3, 23, 9, 5))
    assert nudge.body.startswith("You finished 1 milestone this week")
    assert "Done: Python basics" in nudge.lines
    assert f"Next: {plan.track.name}: SQL fundamentals" in nudge.lines


# --- when a scheduled nudge may go out --------------------------------------------------


def stalled_learner(learner, plan):
    touch(learner, plan.python, at(2026, 3, 2, 10))


def test_quiet_hours_hold_scheduled_nudges(learner, plan):
    stalled_learner(learner, plan)
    late = at(2026, 3, 11, 22)  # 22:00 GMT in London, inside 21:00-08:00
    assert rules.scheduled_nudge(state_at(learner, late), late) is None
    morning = at(2026, 3, 11, 8, 30)
    assert rules.scheduled_nudge(state_at(learner, morning), morning).rule == Rule.STALLED


def test_equal_quiet_start_and_end_mean_no_quiet_hours(learner, plan):
    stalled_learner(learner, plan)
    prefs_for(learner, quiet_start=time(0), quiet_end=time(0))
    late = at(2026, 3, 11, 23, 30)
    assert rules.scheduled_nudge(state_at(learner, late), late) is not None


def test_the_digest_comes_at_its_hour_even_inside_quiet_hours(learner, plan):
    prefs_for(learner, digest_hour=6)
    six = at(2026, 3, 23, 6, 10)
    assert rules.scheduled_nudge(state_at(learner, six), six).rule == Rule.DIGEST


def test_on_digest_day_nothing_else_goes_out_before_the_digest(learner, plan):
    stalled_learner(learner, plan)
    prefs_for(learner, digest_hour=15)
    monday_morning = at(2026, 3, 23, 10)
    assert rules.scheduled_nudge(state_at(learner, monday_morning), monday_morning) is None
    tuesday = at(2026, 3, 24, 10)
    assert rules.scheduled_nudge(state_at(learner, tuesday), tuesday).rule == Rule.STALLED


def test_snooze_master_switch_and_the_daily_limit_hold_scheduled_nudges(learner, plan):
    stalled_learner(learner, plan)
    now = at(2026, 3, 11, 10)
    prefs_for(learner, snoozed_until=date(2026, 3, 12))
    assert rules.scheduled_nudge(state_at(learner, now), now) is None
    prefs_for(learner, snoozed_until=date(2026, 3, 11), enabled=False)
    assert rules.scheduled_nudge(state_at(learner, now), now) is None
    prefs_for(learner, enabled=True, last_nudged_on=date(2026, 3, 11))
    assert rules.scheduled_nudge(state_at(learner, now), now) is None
    prefs_for(learner, last_nudged_on=date(2026, 3, 10))
    assert rules.scheduled_nudge(state_at(learner, now), now) is not None


def test_the_daily_limit_follows_the_users_local_date():
    user = UserFactory(timezone="Pacific/Kiritimati")
    make_plan(user)
    # 11:00 UTC on 10 March is already 01:00 on 11 March in Kiritimati.
    prefs_for(user, last_nudged_on=date(2026, 3, 10), quiet_start=time(0), quiet_end=time(0))
    now = at(2026, 3, 10, 11)
    assert rules.scheduled_nudge(state_at(user, now), now) is not None


# --- celebrations -----------------------------------------------------------------------


def test_completing_a_level_is_celebrated(learner, plan):
    set_done(learner, plan.python, at(2026, 3, 10, 9), track=plan.track)
    set_done(learner, plan.sql, at(2026, 3, 10, 10), track=plan.track)
    found = rules.celebrations(state_at(learner, at(2026, 3, 10, 11)), at(2026, 3, 10, 11))
    assert [n.title for n in found] == ["You reached Junior ML Engineer!"]


def test_completing_a_whole_track_is_celebrated_as_the_track(learner, plan):
    for i, milestone in enumerate([plan.python, plan.sql, plan.cert]):
        set_done(learner, milestone, at(2026, 3, 10, 9 + i), track=plan.track)
    found = rules.celebrations(state_at(learner, at(2026, 3, 10, 12)), at(2026, 3, 10, 12))
    assert [n.period for n in found] == [f"track:{plan.enrollment.pk}"]


def test_an_old_completion_is_history_not_news(learner, plan):
    set_done(learner, plan.python, at(2026, 3, 1, 9), track=plan.track)
    set_done(learner, plan.sql, at(2026, 3, 1, 10), track=plan.track)
    assert rules.celebrations(state_at(learner, at(2026, 3, 10, 11)), at(2026, 3, 10, 11)) == []


def test_half_a_level_is_not_celebrated(learner, plan):
    set_done(learner, plan.python, at(2026, 3, 10, 9), track=plan.track)
    assert rules.celebrations(state_at(learner, at(2026, 3, 10, 11)), at(2026, 3, 10, 11)) == []
