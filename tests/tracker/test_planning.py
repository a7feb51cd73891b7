from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CareerTrackFactory, ChoiceGroupFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, MilestoneProgress, Status
from tracker.planning import PlanDoesNotFit, plan_dates

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
    dates = plan_dates(enrollment, today=TODAY).planned
    # Efforts 1, 3, 4, 2 of 10: cumulative shares 10%, 40%, 80%, 100% of 100 days.
    assert [dates[m.pk] for m in milestones] == [
        date(2026, 1, 11),
        date(2026, 2, 10),
        date(2026, 3, 22),
        date(2026, 4, 11),
    ]
    stored = dict(MilestoneProgress.objects.filter(user=owner).values_list("milestone_id", "target_date"))
    assert stored == dates
    assert set(MilestoneProgress.objects.filter(user=owner).values_list("target_date_planned", flat=True)) == {True}


def test_planning_skips_done_and_skipped_milestones_and_keeps_their_state(owner, plan):
    enrollment, milestones = plan
    MilestoneProgress.objects.set_status(owner, milestones[0], Status.DONE)
    MilestoneProgress.objects.set_status(owner, milestones[2], Status.SKIPPED)
    dates = plan_dates(enrollment, today=TODAY).planned
    assert set(dates) == {milestones[1].pk, milestones[3].pk}
    assert dates[milestones[3].pk] == date(2026, 4, 11)
    assert MilestoneProgress.objects.get(user=owner, milestone=milestones[0]).status == Status.DONE


def test_a_date_moved_by_hand_is_never_moved_by_planning_again(owner, plan):
    """Moving a planned date makes it the person's own: planning again keeps it (and the notes) and says so."""
    enrollment, milestones = plan
    plan_dates(enrollment, today=TODAY)
    MilestoneProgress.objects.update_state(owner, milestones[1], target_date=date(2026, 2, 20), notes="Book the exam")

    enrollment.target_date = date(2026, 4, 30)
    replanned = plan_dates(enrollment, target_date=date(2026, 4, 30), today=TODAY)

    row = MilestoneProgress.objects.get(user=owner, milestone=milestones[1])
    assert (row.target_date, row.target_date_planned, row.notes) == (date(2026, 2, 20), False, "Book the exam")
    assert replanned.kept == {milestones[1].pk: date(2026, 2, 20)}
    assert milestones[1].pk not in replanned.planned
    # The planned ones moved to the new target: the last lands on it.
    assert replanned.planned[milestones[3].pk] == date(2026, 4, 30)


def test_planning_that_does_not_fit_is_refused_with_the_figures_and_the_date_that_fits(owner):
    """700 weeks of effort in 13 weeks: refused with both figures and a target that fits; nothing is written."""
    track = CareerTrackFactory()
    for order, effort in enumerate([520, 180]):
        LadderStepFactory(track=track, milestone=MilestoneFactory(effort_weeks=effort), order=order)
    enrollment, _ = Enrollment.objects.enroll(owner, track)

    with pytest.raises(PlanDoesNotFit) as excinfo:
        plan_dates(enrollment, target_date=date(2026, 4, 2), today=TODAY)  # 91 days: 13 weeks

    refusal = excinfo.value
    message = refusal.message_dict["target_date"][0]
    assert "about 13½ years (700 weeks) of effort" in message
    assert "13 weeks away" in message
    assert refusal.error_extra == {"effort_weeks": 700, "weeks_to_target": 13, "date_that_fits": "2039-06-02"}
    assert (refusal.http_status, refusal.error_code) == (409, "plan_does_not_fit")
    assert not MilestoneProgress.objects.filter(user=owner).exists()
    enrollment.refresh_from_db()
    assert enrollment.target_date is None

    # The offered date plans.
    assert len(plan_dates(enrollment, target_date=date(2039, 6, 2), today=TODAY).planned) == 2


def test_planning_plans_what_is_needed_and_not_the_alternatives(owner):
    """Of three specialisations (one needed), only the cheapest is planned, and its effort alone counts."""
    track = CareerTrackFactory()
    degree = LadderStepFactory(track=track, milestone=MilestoneFactory(effort_weeks=4), order=0)
    group = ChoiceGroupFactory(track=track, needs=1)
    specialisations = [
        LadderStepFactory(track=track, milestone=MilestoneFactory(effort_weeks=e), order=n, choice_group=group)
        for n, e in enumerate([26, 6, 26], start=1)
    ]
    enrollment, _ = Enrollment.objects.enroll(owner, track)

    plan = plan_dates(enrollment, target_date=date(2026, 4, 11), today=TODAY)  # 100 days for 10 weeks

    assert set(plan.planned) == {degree.milestone_id, specialisations[1].milestone_id}
    assert plan.effort_weeks == 10

    # Choosing another specialisation moves the plan to it.
    MilestoneProgress.objects.set_status(owner, specialisations[2].milestone, Status.IN_PROGRESS)
    with pytest.raises(PlanDoesNotFit):  # 4 + 26 weeks do not fit in 100 days
        plan_dates(enrollment, today=TODAY)
    replanned = plan_dates(enrollment, target_date=date(2026, 8, 1), today=TODAY)
    assert set(replanned.planned) == {degree.milestone_id, specialisations[2].milestone_id}


def test_planning_needs_a_target_date_in_the_future(owner, plan):
    enrollment, _ = plan
    enrollment.target_date = TODAY
    with pytest.raises(ValidationError) as excinfo:
        plan_dates(enrollment, today=TODAY)
    assert "target_date" in excinfo.value.message_dict
    enrollment.target_date = None
    with pytest.raises(ValidationError, match="target date"):
        plan_dates(enrollment, today=TODAY)


def test_planning_leaves_out_what_waits_on_a_skipped_prerequisite(owner):
    """Kaggle Contributor skipped: Expert (and what needs Expert) is on hold, neither planned nor counted as effort."""
    track = CareerTrackFactory()
    contributor, expert, master, python = (MilestoneFactory(effort_weeks=e) for e in (2, 26, 52, 4))
    expert.prerequisites.add(contributor)
    master.prerequisites.add(expert)
    for order, m in enumerate([contributor, expert, master, python]):
        LadderStepFactory(track=track, milestone=m, order=order)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    MilestoneProgress.objects.set_status(owner, contributor, Status.SKIPPED)

    plan = plan_dates(enrollment, target_date=date(2026, 3, 1), today=TODAY)

    assert set(plan.planned) == {python.pk}
    assert plan.effort_weeks == 4
