"""The weekly streak that forgives: activity days on the person's calendar, one rest week in any four, at risk."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_clients import client_for
from tests.factories import CareerTrackFactory, LadderStepFactory, UserFactory
from tracker.activity import (
    ACTIVE,
    OPEN,
    REST,
    Activity,
    RestWeekRefused,
    streak_of,
    take_rest_week,
    undo_rest_week,
    weekly_streak,
)
from tracker.models import ActivityDay, Enrollment, MilestoneProgress, RestWeek, Status

TODAY = date(2026, 11, 19)  # a Thursday
MONDAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 19, 12, tzinfo=UTC)


def weeks_ago(*weeks):
    """A Wednesday in each of these weeks (0 is this week, 1 last week...)."""
    return [MONDAY - timedelta(weeks=n) + timedelta(days=2) for n in weeks]


def mondays(*weeks):
    return [MONDAY - timedelta(weeks=n) for n in weeks]


def active(user, *weeks, count=1):
    """Activity days for ``user`` on a Wednesday of each of these weeks."""
    for day in weeks_ago(*weeks):
        ActivityDay.objects.create(user=user, day=day, count=count)


# --------------------------------------------------------------------------
# The rule (activity.streak_of), on its own
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks_with_activity", "expected"),
    [
        ([], 0),
        ([0], 1),
        ([0, 1, 2], 3),
        ([1, 2], 2),  # nothing yet this week: the streak is alive until the week ends
        ([0, 2, 3], 3),  # one missed week is a rest week: kept, not counted
        ([2, 3], 2),  # last week missed, this week still open
        ([0, 3], 1),  # two missed weeks in a row end it
        ([0, 2, 4], 2),  # a second rest within four weeks ends it
        ([0, 2, 3, 4, 6], 5),  # rest weeks four weeks apart: each window of four holds one
        ([0, 1, 2, 4, 5, 6, 7, 9], 8),
    ],
)
def test_the_streak_counts_active_weeks_and_forgives_one_missed_week_in_four(weeks_with_activity, expected):
    """Consecutive weeks with an activity day count; a single missed week in any four keeps the streak."""
    assert streak_of(weeks_ago(*weeks_with_activity), [], TODAY).weeks == expected


def test_two_missed_weeks_in_a_row_end_the_streak():
    """Ten active weeks, then two missed: only what came after counts."""
    days = weeks_ago(0, *range(3, 13))
    assert streak_of(days, [], TODAY).weeks == 1
    assert streak_of(weeks_ago(*range(3, 13)), [], TODAY).weeks == 0


def test_a_marked_rest_week_counts_as_rest():
    """This week marked as rest is a rest week of the streak: kept, not counted, and the allowance is used."""
    streak = streak_of(weeks_ago(1, 2, 3), mondays(0), TODAY)
    assert (streak.weeks, streak.this_week, streak.rest_weeks) == (3, REST, (MONDAY,))
    assert (streak.rest_weeks_used, streak.rest_weeks_available, streak.at_risk) == (1, 0, False)
    assert streak.next_rest_week == MONDAY + timedelta(weeks=4)
    # A marked week in the past is a rest week as a missed one is; a second within four weeks ends the streak.
    assert streak_of(weeks_ago(0, 2, 3), mondays(1), TODAY).weeks == 3
    assert streak_of(weeks_ago(1, 3), mondays(0), TODAY).weeks == 1


def test_activity_in_a_marked_week_counts_and_keeps_the_allowance():
    """A week marked as rest in which something was done anyway is an active week."""
    streak = streak_of(weeks_ago(0, 1), mondays(0), TODAY)
    assert (streak.weeks, streak.this_week, streak.rest_weeks_available) == (2, ACTIVE, 1)


def test_missed_weeks_before_a_streak_began_are_not_rest_weeks_of_it():
    """Weeks without activity before the first active week use no allowance: this week may still be a rest."""
    streak = streak_of(weeks_ago(1, 2), [], TODAY)
    assert (streak.weeks, streak.rest_weeks, streak.rest_weeks_available) == (2, (), 1)


@pytest.mark.parametrize(
    ("weeks_with_activity", "marked", "at_risk"),
    [
        ([2, 3], [], True),  # rested last week: missing this one too ends it
        ([1, 3, 4], [], True),  # a rest two weeks ago is inside this four-week window
        ([1, 2, 3, 5], [], False),  # a rest four weeks ago is not
        ([1, 2], [], False),  # nothing yet, but the rest allowance is there
        ([0, 2], [], False),  # this week counts already
        ([2, 3], [0], False),  # this week taken off: no one asks for more (it was refused, see below)
        ([], [], False),  # no streak, nothing to lose
    ],
)
def test_the_streak_is_at_risk_when_missing_this_week_would_end_it(weeks_with_activity, marked, at_risk):
    """At risk: nothing yet this week, a streak to lose, and a rest week already in the last four."""
    streak = streak_of(weeks_ago(*weeks_with_activity), mondays(*marked), TODAY)
    assert streak.at_risk is at_risk


def test_at_risk_names_the_rest_week_used_and_the_next_one_allowed():
    streak = streak_of(weeks_ago(1, 3, 4), [], TODAY)
    assert (streak.this_week, streak.weeks, streak.last_rest_week) == (OPEN, 3, MONDAY - timedelta(weeks=2))
    assert (streak.rest_weeks_used, streak.rest_weeks_available) == (1, 0)
    assert streak.next_rest_week == MONDAY + timedelta(weeks=2)
    assert streak.sunday == date(2026, 11, 22)


# --------------------------------------------------------------------------
# Across daylight-saving changes, in two zones
# --------------------------------------------------------------------------

# Berlin moves to summer time on Sunday 29 March 2026 (UTC+1 to UTC+2); Sydney
# leaves it on Sunday 5 April 2026 (UTC+11 to UTC+10). For each: the last
# minutes of the Sunday of the change and the first of the Monday after it,
# in UTC, and the day each is on the person's calendar.
DST_CHANGES = {
    "Europe/Berlin": {
        "saturday_night": (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), date(2026, 3, 28)),  # 23:30 CET
        "sunday_night": (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), date(2026, 3, 29)),  # 23:30 CEST
        "monday_morning": (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 30)),  # 00:30 CEST
    },
    "Australia/Sydney": {
        "saturday_night": (datetime(2026, 4, 4, 12, 30, tzinfo=UTC), date(2026, 4, 4)),  # 23:30 AEDT
        "sunday_night": (datetime(2026, 4, 5, 13, 30, tzinfo=UTC), date(2026, 4, 5)),  # 23:30 AEST
        "monday_morning": (datetime(2026, 4, 5, 14, 30, tzinfo=UTC), date(2026, 4, 6)),  # 00:30 AEST
    },
}


@pytest.mark.parametrize("zone", sorted(DST_CHANGES))
def test_an_activity_near_midnight_is_on_the_persons_own_day_across_a_daylight_saving_change(db, zone):
    """Recorded in the zone's offset at that moment: the Sunday of the change and the Monday after stay apart."""
    user = UserFactory(timezone=zone)
    for when, _ in DST_CHANGES[zone].values():
        ActivityDay.objects.record(user, when)
    days = list(ActivityDay.objects.filter(user=user).order_by("day").values_list("day", flat=True))
    assert days == [day for _, day in DST_CHANGES[zone].values()]
    # Saturday and Sunday are one week, the Monday the next.
    _saturday, sunday, monday = days
    assert weekly_streak(user, today=sunday) == 1
    assert Activity(user, monday).streak.this_week == ACTIVE
    assert Activity(user, monday).heatmap.weeks[-1].days[0].count == 1
    assert Activity(user, monday).heatmap.weeks[-2].active_days == 2


@pytest.mark.parametrize("zone", sorted(DST_CHANGES))
def test_the_streak_survives_a_daylight_saving_change_and_one_rest_week(db, zone):
    """Active up to the Sunday night of the change, a week off, active on a Monday just after midnight: kept."""
    user = UserFactory(timezone=zone)
    sunday_night, sunday = DST_CHANGES[zone]["sunday_night"]
    # Two Thursdays before it, in winter time in Berlin and summer time in Sydney.
    ActivityDay.objects.record(user, sunday_night - timedelta(weeks=2, days=3))
    ActivityDay.objects.record(user, sunday_night - timedelta(weeks=1, days=3))
    ActivityDay.objects.record(user, sunday_night)
    # The week after the change is missed; the one after that starts at 00:30 on its Monday.
    monday_morning, monday = DST_CHANGES[zone]["monday_morning"]
    ActivityDay.objects.record(user, monday_morning + timedelta(weeks=1))
    streak = Activity(user, monday + timedelta(weeks=1, days=2)).streak
    assert (streak.weeks, streak.this_week, streak.rest_weeks) == (4, ACTIVE, (monday,))
    # On the Sunday of the missed week, it was still open: alive, not yet at risk.
    before = Activity(user, sunday + timedelta(weeks=1)).streak
    assert (before.weeks, before.this_week, before.at_risk) == (3, OPEN, False)
    # Without that Monday, two missed weeks in a row end it.
    ActivityDay.objects.filter(user=user, day__gte=monday).delete()
    assert Activity(user, monday + timedelta(weeks=2)).streak.weeks == 0


# --------------------------------------------------------------------------
# Taking a week off, and the second rest week refused
# --------------------------------------------------------------------------


def test_taking_this_week_off_marks_it_as_rest_and_can_be_undone(owner):
    """The row is this week's Monday on the person's calendar; taking it again changes nothing; undo removes it."""
    active(owner, 1, 2)
    rest, created = take_rest_week(owner, now=NOW)
    assert (rest.monday, created) == (MONDAY, True)
    assert take_rest_week(owner, week=TODAY, now=NOW) == (rest, False)
    streak = Activity(owner, TODAY).streak
    assert (streak.weeks, streak.this_week) == (2, REST)
    assert undo_rest_week(owner, now=NOW) is True
    assert undo_rest_week(owner, now=NOW) is False
    assert not RestWeek.objects.filter(user=owner).exists()


def test_the_second_rest_week_within_four_weeks_is_refused(owner):
    """Last week was missed (a rest): taking this week off too is refused, naming both weeks."""
    active(owner, 2, 3)
    with pytest.raises(RestWeekRefused) as refused:
        take_rest_week(owner, now=NOW)
    assert refused.value.error_code == "second_rest_week"
    assert refused.value.message_dict["week"] == [
        "You already had a rest week in the last four weeks (the week of 9 November): one in any four keeps "
        "a streak, so a second would end it. Your next rest week can be the week of 7 December."
    ]
    assert not RestWeek.objects.exists()


def test_a_week_that_already_counts_or_another_week_is_not_taken_off(owner):
    active(owner, 0)
    with pytest.raises(RestWeekRefused) as refused:
        take_rest_week(owner, now=NOW)
    assert refused.value.error_code == "week_already_counts"
    with pytest.raises(RestWeekRefused) as refused:
        take_rest_week(owner, week=TODAY - timedelta(weeks=1), now=NOW)
    assert refused.value.error_code == "not_this_week"


def test_this_week_is_the_persons_own_week(db):
    """Sunday 23:30 UTC is already Monday in Kiritimati: the week taken off there is the new one."""
    user = UserFactory(timezone="Pacific/Kiritimati")
    rest, _ = take_rest_week(user, now=datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    assert rest.monday == date(2026, 11, 23)


def test_the_api_takes_a_week_off_and_refuses_a_second_with_a_field_and_a_code(owner):
    """POST makes it (201, then 200), the dashboard shows it, DELETE takes it back; a refusal is a 400 on week."""
    active(owner, 1, 2)
    with time_machine.travel(NOW, tick=False):
        api = client_for(owner)
        response = api.post("/api/v1/rest-weeks/", {"week": "2026-11-19"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json() == {"week": "2026-11-16", "created_at": "2026-11-19T12:00:00Z"}
        assert api.post("/api/v1/rest-weeks/", {}, format="json").status_code == 200
        streak = api.get("/api/v1/dashboard/").json()["streak"]
        assert (streak["weeks"], streak["this_week"], streak["rest_weeks_used"]) == (2, "rest", 1)
        assert api.delete("/api/v1/rest-weeks/?week=2026-11-16").status_code == 204
        assert api.get("/api/v1/dashboard/").json()["streak"]["this_week"] == "open"
        RestWeek.objects.create(user=owner, monday=MONDAY - timedelta(weeks=1))
        ActivityDay.objects.filter(user=owner, day__gte=MONDAY - timedelta(weeks=1)).delete()
        response = api.post("/api/v1/rest-weeks/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "second_rest_week"
    assert body["fields"]["week"] == [body["message"]]
    assert (body["last_rest_week"], body["next_rest_week"]) == ("2026-11-09", "2026-12-07")


def test_the_api_refuses_a_week_that_is_not_this_one_or_not_a_date(owner):
    with time_machine.travel(NOW, tick=False):
        api = client_for(owner)
        response = api.post("/api/v1/rest-weeks/", {"week": "2026-11-13"}, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "not_this_week")
        assert "week" in response.json()["fields"]
        response = api.delete("/api/v1/rest-weeks/?week=2026-11-23")
        assert (response.status_code, response.json()["code"]) == (400, "not_this_week")
        response = api.post("/api/v1/rest-weeks/", {"week": "2026-02-30"}, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "invalid")
        assert "week" in response.json()["fields"]


# --------------------------------------------------------------------------
# The dashboard: at risk, rest weeks, the web form
# --------------------------------------------------------------------------


@pytest.fixture
def follower(owner):
    """The owner follows a small track, so the dashboard shows the streak."""
    step = LadderStepFactory(track=CareerTrackFactory())
    Enrollment.objects.enroll(owner, step.track)
    return owner


def dashboard(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get("/dashboard/").content.decode()


def test_the_dashboard_says_when_the_streak_is_at_risk(client, follower):
    """Rested last week, nothing yet this week: the page says so, with the day it must be done by."""
    active(follower, 2, 3, 4)
    body = dashboard(client, follower)
    assert 'data-testid="streak">3<' in body
    assert "Your streak is at risk." in body
    assert "you have already rested in the week of 9 November" in body
    assert "by Sunday 22 November, or your 3-week streak ends" in body
    assert "Take this week off" not in body
    assert "Your next rest week can be the week of 7 December." in body


def test_the_dashboard_offers_a_week_off_when_the_streak_is_safe(client, follower):
    active(follower, 1, 2)
    body = dashboard(client, follower)
    assert "at risk" not in body
    assert "Nothing yet this week." in body
    assert "Take this week off" in body
    assert 'name="week" value="2026-11-16"' in body


def test_taking_the_week_off_on_the_web_shows_it_and_undo_takes_it_back(client, follower):
    active(follower, 1, 2)
    client.force_login(follower)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/dashboard/rest-week/", {"action": "take", "week": "2026-11-16"})
        assert response["Location"] == "/dashboard/#streak"
        body = client.get("/dashboard/").content.decode()
        assert "This week is your rest week: it keeps your streak of 2 weeks without adding to it." in body
        assert "Undo: I will work this week" in body
        client.post("/dashboard/rest-week/", {"action": "undo", "week": "2026-11-16"})
    assert not RestWeek.objects.exists()


def test_a_refused_week_off_on_the_web_says_why_beside_the_button_and_at_the_top(client, follower):
    """A page left open (or a second tab): the second rest in four weeks is refused inline, with a 400."""
    active(follower, 2, 3)
    client.force_login(follower)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/dashboard/rest-week/", {"action": "take", "week": "2026-11-16"})
        htmx = client.post("/dashboard/rest-week/", {"action": "take"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    body = response.content.decode()
    summary = body[body.index('data-testid="error-summary"') :]
    assert '<li><a href="#rest-week-error">You already had a rest week' in summary[: summary.index("</section>")]
    assert '<p class="error" id="rest-week-error" role="alert">You already had a rest week in the last four' in body
    assert htmx.status_code == 200  # htmx swaps only a 2xx answer in
    assert 'id="rest-week-error"' in htmx.content.decode()
    assert not RestWeek.objects.exists()


def test_a_page_left_open_past_sunday_does_not_rest_the_new_week(client, follower):
    active(follower, 1, 2)
    client.force_login(follower)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/dashboard/rest-week/", {"action": "take", "week": "2026-11-09"})
    assert response.status_code == 400
    assert "Only the week you are in can be taken off: the week of 16 November." in response.content.decode()
    assert not RestWeek.objects.exists()


# --------------------------------------------------------------------------
# Queries: flat whatever the history
# --------------------------------------------------------------------------


def history(user, weeks):
    """Activity on three days of each of ``weeks`` weeks, a rest week every fifth, and progress to go with it."""
    for n in range(weeks):
        if n % 5 == 4:
            RestWeek.objects.create(user=user, monday=MONDAY - timedelta(weeks=n))
            continue
        for day in range(3):
            ActivityDay.objects.create(user=user, day=MONDAY - timedelta(weeks=n) + timedelta(days=day), count=day + 1)


def test_the_streak_and_heatmap_read_two_queries_whatever_the_history(db, django_assert_num_queries):
    """Ten times the weeks of history, the same two queries (activity days, rest weeks)."""
    short, long = UserFactory(), UserFactory()
    history(short, 10)
    history(long, 100)
    for user, weeks in ((short, 8), (long, 80)):
        with django_assert_num_queries(2):
            activity = Activity(user, TODAY)
            streak, heatmap = activity.streak, activity.heatmap
        assert streak.weeks == weeks
        assert len(heatmap.weeks) == 26


def test_the_dashboard_page_and_api_read_as_many_queries_with_ten_times_the_history(client, owner):
    """The page and the API's dashboard cost the same with 6 weeks of history or 60."""
    step = LadderStepFactory(track=CareerTrackFactory())
    Enrollment.objects.enroll(owner, step.track)
    MilestoneProgress.objects.set_status(owner, step.milestone, Status.IN_PROGRESS)
    client.force_login(owner)
    counts = []
    for weeks in (6, 60):
        ActivityDay.objects.filter(user=owner).delete()
        RestWeek.objects.filter(user=owner).delete()
        history(owner, weeks)
        cache.clear()  # rows written behind the domain's back: the cached answer would not know
        with time_machine.travel(NOW, tick=False):
            api = client_for(owner)
            with CaptureQueriesContext(connection) as page:
                assert client.get("/dashboard/").status_code == 200
            with CaptureQueriesContext(connection) as endpoint:
                assert api.get("/api/v1/dashboard/").status_code == 200
        counts.append((len(page), len(endpoint)))
    assert counts[0] == counts[1]
