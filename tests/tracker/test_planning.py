from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, MilestoneProgress, Status
from tracker.planning import plan_dates

TODAY = date(2026, 1, 1)


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory()
    efforts = [1, 3, 4, 2]
    milestones = [MilestoneFactory(effort_weeks=e) for e in efforts]
    for order, m in enumerate(milestones):
        LadderStepFactory(track=track, milestone=m, order=order)
    enrollment, _ = Enrollment.objects.enroll(owner, track, target_date=date(2026, 4, 11))  # 100 days out
    return enrollment, milestones


def test_planning_spreads_dates_in_ladder_order_in_proportion_to_effort(owner, plan):
    enrollment, milestones = plan
    dates = plan_dates(enrollment, today=TODAY)
    # Efforts 1, 3, 4, 2 of 10: cumulative shares 10%, 40%, 80%, 100% of 100 days.
    assert [dates[m.pk] for m in milestones] == [
        date(2026, 1, 11),
        date(2026, 2, 10),
        date(2026, 3, 22),
        date(2026, 4, 11),
    ]
    stored = dict(MilestoneProgress.objects.filter(user=owner).values_list("milestone_id", "target_date"))
    assert stored == dates


def test_planning_skips_done_and_skipped_milestones_and_keeps_their_state(owner, plan):
    enrollment, milestones = plan
    MilestoneProgress.objects.set_status(owner, milestones[0], Status.DONE)
    MilestoneProgress.objects.set_status(owner, milestones[2], Status.SKIPPED)
    dates = plan_dates(enrollment, today=TODAY)
    assert set(dates) == {milestones[1].pk, milestones[3].pk}
    assert dates[milestones[3].pk] == date(2026, 4, 11)
    assert MilestoneProgress.objects.get(user=owner, milestone=milestones[0]).status == Status.DONE


def test_a_planned_date_can_be_moved_and_replanning_keeps_notes(owner, plan):
    enrollment, milestones = plan
    plan_dates(enrollment, today=TODAY)
    row = MilestoneProgress.objects.get(user=owner, milestone=milestones[1])
    row.target_date, row.notes = date(2026, 2, 20), "Book the exam"
    row.save()
    assert MilestoneProgress.objects.get(pk=row.pk).target_date == date(2026, 2, 20)
    plan_dates(enrollment, today=TODAY)
    assert MilestoneProgress.objects.get(pk=row.pk).notes == "Book the exam"


def test_planning_needs_a_target_date_in_the_future(owner, plan):
    enrollment, _ = plan
    enrollment.target_date = TODAY
    with pytest.raises(ValidationError) as excinfo:
        plan_dates(enrollment, today=TODAY)
    assert "target_date" in excinfo.value.message_dict
    enrollment.target_date = None
    with pytest.raises(ValidationError, match="target date"):
        plan_dates(enrollment, today=TODAY)
