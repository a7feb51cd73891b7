"""The heat-map of the last 26 weeks of activity days: on the dashboard page and in the API's dashboard."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.api_clients import client_for
from tests.factories import CareerTrackFactory, LadderStepFactory
from tracker.activity import heatmap_of, level_of
from tracker.models import ActivityDay, Enrollment, RestWeek

TODAY = date(2026, 11, 19)  # a Thursday
MONDAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 19, 12, tzinfo=UTC)


@pytest.mark.parametrize(("count", "level"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (40, 4)])
def test_a_days_level_grows_with_what_was_done_that_day(count, level):
    assert level_of(count) == level


def test_the_grid_is_26_weeks_of_days_monday_first_ending_today():
    """Columns are weeks, oldest first; each starts on Monday; the days after today are not in it."""
    days = {TODAY: 3, MONDAY - timedelta(weeks=25): 1, MONDAY - timedelta(weeks=26): 5}
    heatmap = heatmap_of(days, [MONDAY - timedelta(weeks=2)], TODAY)
    assert len(heatmap.weeks) == 26
    assert (heatmap.start, heatmap.end) == (date(2026, 5, 25), date(2026, 11, 22))
    assert all(week.monday.weekday() == 0 and len(week.days) == 7 for week in heatmap.weeks[:-1])
    assert [d.day for d in heatmap.weeks[-1].days] == [MONDAY + timedelta(days=n) for n in range(4)]
    # The day before the first Monday is outside: 2 active days, not 3.
    assert heatmap.active_days == 2
    assert [(d.day, d.count, d.level) for d in heatmap.days] == [(date(2026, 5, 25), 1, 1), (TODAY, 3, 2)]
    assert heatmap.rest_weeks == [date(2026, 11, 2)]
    assert heatmap.months[0] == (1, date(2026, 6, 1))  # May's one column is left unlabelled: June is next to it


@pytest.fixture
def learner(owner):
    """The owner follows a track, and was active on 12 days of the last 26 weeks, with a rest week."""
    step = LadderStepFactory(track=CareerTrackFactory())
    Enrollment.objects.enroll(owner, step.track)
    ActivityDay.objects.all().delete()
    for n in range(4):
        for day in range(3):
            ActivityDay.objects.create(
                user=owner, day=MONDAY - timedelta(weeks=n + 2) + timedelta(days=day), count=day * 3 + 1
            )
    RestWeek.objects.create(user=owner, monday=MONDAY - timedelta(weeks=1))
    return owner


def test_the_dashboard_draws_the_heatmap_with_a_caption_and_no_inline_style(client, learner):
    """An SVG named by its caption, a cell per day with its count, rest weeks marked, and a table alternative."""
    client.force_login(learner)
    with time_machine.travel(NOW, tick=False):
        body = client.get("/dashboard/").content.decode()
    figure = body[body.index('<figure class="heatmap">') : body.index("</figure>", body.index('class="heatmap"'))]
    assert 'role="img" aria-labelledby="heatmap-caption"' in figure
    assert (
        'id="heatmap-caption"><strong data-testid="active-days">12</strong> active days in the last 26 weeks' in figure
    )
    assert "style=" not in figure
    cells = re.findall(r'<rect class="heat heat-(\d)( heat-today)?" y=', figure)
    assert len(cells) == 25 * 7 + 4  # this week up to Thursday
    assert sorted(int(level) for level, _ in cells if level != "0") == [1] * 4 + [3] * 4 + [4] * 4
    assert cells[-1] == ("0", " heat-today")
    assert "<title>Tue 3 Nov 2026: 4 things done</title>" in figure
    assert "<title>Rest week of 9 Nov</title>" in figure
    assert '<th scope="row">9 Nov 2026</th><td>0 (rest week)</td>' in figure


def test_the_api_dashboard_lists_the_active_days_and_rest_weeks(learner):
    with time_machine.travel(NOW, tick=False):
        body = client_for(learner).get("/api/v1/dashboard/").json()
    heatmap = body["heatmap"]
    assert (heatmap["start"], heatmap["end"], heatmap["active_days"]) == ("2026-05-25", "2026-11-22", 12)
    assert heatmap["days"][-3:] == [
        {"day": "2026-11-02", "count": 1, "level": 1},
        {"day": "2026-11-03", "count": 4, "level": 3},
        {"day": "2026-11-04", "count": 7, "level": 4},
    ]
    assert heatmap["rest_weeks"] == ["2026-11-09"]
    assert body["streak"] == {
        "weeks": 4,
        "this_week": "open",
        "at_risk": True,
        "rest_weeks_used": 1,
        "rest_weeks_available": 0,
        "last_rest_week": "2026-11-09",
        "next_rest_week": "2026-12-07",
    }
    assert body["streak_weeks"] == 4
