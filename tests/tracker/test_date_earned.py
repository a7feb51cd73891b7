"""The date earned: done carries the day it was earned on the person's calendar, and expiry counts from it."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import Category, Enrollment, MilestoneProgress, ProgressEvent, Status
from tracker.progress import EXPIRED, Dashboard, completions_by_week, track_progress

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
TODAY = NOW.date()


@pytest.fixture
def cert_plan(owner):
    track = CareerTrackFactory(is_published=True)
    cert = MilestoneFactory(slug="cloud-cert", category=Category.CERTIFICATION, valid_for_months=24)
    LadderStepFactory(track=track, milestone=cert)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    return enrollment, cert


def test_marking_done_records_today_on_the_persons_own_calendar(db):
    """At 00:30 in Kiritimati it is still yesterday in UTC: the date earned is the person's today."""
    person = UserFactory(timezone="Pacific/Kiritimati")
    milestone = MilestoneFactory()
    moment = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)  # 00:30 on 11 March in Kiritimati (UTC+14)

    row = MilestoneProgress.objects.set_status(person, milestone, Status.DONE, now=moment)

    assert row.earned_on == date(2026, 3, 11)
    assert ProgressEvent.objects.get(user=person, to_status=Status.DONE).earned_on == date(2026, 3, 11)


def test_i_already_have_this_counts_expiry_from_the_date_earned_two_years_ago(owner, cert_plan):
    """A certification earned two years and a day ago, valid 24 months, is expired today, whenever it was marked."""
    enrollment, cert = cert_plan
    earned = date(2024, 11, 19)

    with time_machine.travel(NOW, tick=False):
        row = MilestoneProgress.objects.update_state(owner, cert, status=Status.DONE, earned_on=earned)
        item = track_progress(enrollment).items[0]

    assert row.earned_on == earned
    assert item.expires_on == date(2026, 11, 19)
    assert item.status == EXPIRED
    assert ProgressEvent.objects.get(user=owner, to_status=Status.DONE).earned_on == earned


def test_a_date_earned_in_the_future_is_refused_and_nothing_is_saved(owner, cert_plan):
    _, cert = cert_plan
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as excinfo:
        MilestoneProgress.objects.update_state(owner, cert, status=Status.DONE, earned_on=TODAY + timedelta(days=1))
    assert excinfo.value.error_dict["earned_on"][0].code == "in_future"
    assert not MilestoneProgress.objects.filter(user=owner).exists()
    assert not ProgressEvent.objects.exists()


def test_only_a_done_milestone_has_a_date_earned(owner, cert_plan):
    _, cert = cert_plan
    MilestoneProgress.objects.set_status(owner, cert, Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as excinfo:
        MilestoneProgress.objects.update_state(owner, cert, earned_on=date(2026, 1, 5))
    assert excinfo.value.error_dict["earned_on"][0].code == "not_done"
    assert MilestoneProgress.objects.get(user=owner, milestone=cert).earned_on is None


def test_the_date_earned_can_be_corrected_and_the_history_records_it(owner, cert_plan):
    """Moving the date moves the expiry; the history gains one entry with the new date, and the same date adds none."""
    enrollment, cert = cert_plan
    with time_machine.travel(NOW, tick=False):
        MilestoneProgress.objects.set_status(owner, cert, Status.DONE)
        MilestoneProgress.objects.update_state(owner, cert, earned_on=date(2025, 6, 1))
        MilestoneProgress.objects.update_state(owner, cert, earned_on=date(2025, 6, 1))
        item = track_progress(enrollment).items[0]

    assert item.expires_on == date(2027, 6, 1)
    history = list(ProgressEvent.objects.filter(user=owner).order_by("pk").values_list("to_status", "earned_on"))
    assert history == [(Status.DONE, TODAY), (Status.DONE, date(2025, 6, 1))]


def test_leaving_done_clears_the_date_earned(owner, cert_plan):
    _, cert = cert_plan
    MilestoneProgress.objects.set_status(owner, cert, Status.DONE)
    row = MilestoneProgress.objects.set_status(owner, cert, Status.IN_PROGRESS)
    assert row.earned_on is None


def test_done_undone_and_done_again_counts_once_in_the_weekly_figures(owner, cert_plan):
    """The 12-week chart counts milestones by their date earned, not clicks: three changes, one milestone."""
    _, cert = cert_plan
    other = MilestoneFactory()
    with time_machine.travel(NOW, tick=False):
        for status in (Status.DONE, Status.IN_PROGRESS, Status.DONE):
            MilestoneProgress.objects.set_status(owner, cert, status)
        # Earned long ago: it counts in the week it was earned, outside the chart.
        MilestoneProgress.objects.update_state(owner, other, status=Status.DONE, earned_on=date(2024, 1, 10))
        chart = completions_by_week(owner, TODAY)
        board = Dashboard(owner)

    assert [week["count"] for week in chart] == [0] * 11 + [1]
    assert board.chart_total == 1


def test_a_milestone_earned_weeks_ago_counts_in_that_week(owner, cert_plan):
    _, cert = cert_plan
    with time_machine.travel(NOW, tick=False):
        MilestoneProgress.objects.update_state(owner, cert, status=Status.DONE, earned_on=date(2026, 10, 28))
        chart = completions_by_week(owner, TODAY)
    counts = {week["week"]: week["count"] for week in chart if week["count"]}
    assert counts == {date(2026, 10, 26): 1}
