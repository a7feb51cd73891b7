"""Choices in a ladder: a choice group counts as one unit, needs N of its members, and the rest are alternatives.

The figures here are the ones every surface shows (tracker.progress): the
web, the API, the shared page, the export and the nudges all read them.
"""

from datetime import date

import pytest

from tests.factories import CareerTrackFactory, ChoiceGroupFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Category, Enrollment, MilestoneProgress, Status
from tracker.progress import ALTERNATIVE, CANDIDATE, REQUIRED, completion, starting_units, track_progress

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def ladder():
    """A degree, then one of three specialisations (26, 6 and 26 weeks), then a project needing the degree."""
    track = CareerTrackFactory(is_published=True)
    degree = MilestoneFactory(slug="degree", title="Degree", effort_weeks=156, category=Category.EDUCATION)
    group = ChoiceGroupFactory(track=track, slug="one-specialisation", title="One domain specialisation")
    health = MilestoneFactory(slug="health", title="Healthcare", effort_weeks=26, category=Category.SPECIALIZATION)
    finance = MilestoneFactory(slug="finance", title="Finance", effort_weeks=6, category=Category.SPECIALIZATION)
    retail = MilestoneFactory(slug="retail", title="E-commerce", effort_weeks=26, category=Category.SPECIALIZATION)
    project = MilestoneFactory(slug="project", title="Project", effort_weeks=8, category=Category.PROJECT)
    project.prerequisites.add(degree)
    LadderStepFactory(track=track, milestone=degree, order=0)
    for order, m in enumerate([health, finance, retail], start=1):
        LadderStepFactory(track=track, milestone=m, order=order, choice_group=group)
    LadderStepFactory(track=track, milestone=project, order=4)
    return {"track": track, "group": group, "degree": degree, "health": health, "finance": finance,
            "retail": retail, "project": project}  # fmt: skip


def plan_of(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    return enrollment


def roles(progress):
    return {item.milestone.slug: item.role for item in progress.items}


def test_an_open_group_counts_once_with_its_cheapest_members_effort(owner, ladder):
    """Five steps are three units; the effort is 156 + 6 + 8 weeks, not the 222 of every step added up."""
    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    assert (progress.total, progress.done, progress.counted, progress.percent) == (3, 0, 3, 0)
    assert progress.effort_weeks == 156 + 6 + 8
    assert roles(progress) == {"degree": REQUIRED, "health": ALTERNATIVE, "finance": CANDIDATE,
                               "retail": ALTERNATIVE, "project": REQUIRED}  # fmt: skip
    # Someone starting out sees the same honest total on the track page.
    steps = list(ladder["track"].visible_steps())
    assert sum(u.effort_weeks for u in starting_units(steps)) == 170
    assert len(starting_units(steps)) == 3


def test_a_chosen_member_is_the_groups_pick_whatever_its_effort(owner, ladder):
    """Starting Healthcare makes it the pick: its 26 weeks count, and Finance becomes an alternative."""
    MilestoneProgress.objects.set_status(owner, ladder["health"], Status.IN_PROGRESS)

    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    assert roles(progress)["health"] == CANDIDATE
    assert roles(progress)["finance"] == ALTERNATIVE
    assert progress.effort_weeks == 156 + 26 + 8
    group = progress.groups[0]
    assert (group.status, group.done_members) == (Status.IN_PROGRESS, 0)


def test_a_done_group_counts_as_one_done_unit_and_hides_the_other_members(owner, ladder):
    """Finance done: the group is done (1 of 3 units), and Healthcare and E-commerce are not needed.

    They are off the to-do list, off next up (even with a target date), and
    their effort is not counted.
    """
    MilestoneProgress.objects.update_state(owner, ladder["health"], target_date=date(2026, 6, 10))
    MilestoneProgress.objects.set_status(owner, ladder["finance"], Status.DONE)

    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    assert (progress.total, progress.done, progress.percent) == (3, 1, 33)
    assert roles(progress)["health"] == roles(progress)["retail"] == ALTERNATIVE
    assert not any(item.is_needed for item in progress.items if item.milestone.slug in {"health", "retail"})
    assert [item.milestone.slug for item in progress.next_up] == ["degree"]
    assert [item.milestone.slug for item in progress.to_do] == ["degree", "project"]
    assert progress.upcoming == []
    assert progress.effort_left_weeks == 156 + 8


def test_a_group_needing_two_is_done_at_the_second_member(owner, ladder):
    group = ladder["group"]
    group.needs = 2
    group.save()
    MilestoneProgress.objects.set_status(owner, ladder["finance"], Status.DONE)
    progress = track_progress(plan_of(owner, ladder), today=TODAY)
    assert (progress.groups[0].status, progress.done) == (Status.IN_PROGRESS, 0)
    # Finance (done) and the cheapest of the rest (Healthcare, first in the ladder at 26 weeks).
    assert [i.milestone.slug for i in progress.items if i.role == CANDIDATE] == ["health", "finance"]

    MilestoneProgress.objects.set_status(owner, ladder["retail"], Status.DONE)
    progress = track_progress(plan_of(owner, ladder), today=TODAY)
    assert (progress.groups[0].status, progress.done) == (Status.DONE, 1)
    assert roles(progress)["health"] == ALTERNATIVE


def test_skipping_every_member_skips_the_group_and_it_leaves_the_denominator(owner, ladder):
    """All three specialisations "not for me": the group is skipped, so the plan is 1 of 2 once the degree is done."""
    for slug in ("health", "finance", "retail"):
        MilestoneProgress.objects.set_status(owner, ladder[slug], Status.SKIPPED)
    MilestoneProgress.objects.set_status(owner, ladder["degree"], Status.DONE)

    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    assert (progress.total, progress.done, progress.skipped, progress.counted, progress.percent) == (3, 1, 1, 2, 50)
    assert progress.effort_weeks == 156 + 8


def test_skipping_one_member_leaves_the_group_open_with_the_others(owner, ladder):
    MilestoneProgress.objects.set_status(owner, ladder["finance"], Status.SKIPPED)
    progress = track_progress(plan_of(owner, ladder), today=TODAY)
    assert (progress.groups[0].status, progress.skipped) == (Status.NOT_STARTED, 0)
    assert [i.milestone.slug for i in progress.items if i.role == CANDIDATE] == ["health"]


def test_every_category_counts_units_with_the_same_rule_as_the_plan(owner, ladder):
    """The by-category figures add up to the plan's: the group counts once, under its members' category."""
    MilestoneProgress.objects.set_status(owner, ladder["finance"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, ladder["project"], Status.SKIPPED)

    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    by_category = {c.category: (c.done, c.total, c.skipped, c.percent) for c in progress.by_category}
    assert by_category == {
        Category.EDUCATION: (0, 1, 0, 0),
        Category.SPECIALIZATION: (1, 1, 0, 100),
        Category.PROJECT: (0, 1, 1, 100),
    }
    assert sum(c.total for c in progress.by_category) == progress.total
    assert sum(c.done for c in progress.by_category) == progress.done
    assert sum(c.skipped for c in progress.by_category) == progress.skipped
    assert progress.percent == completion(progress.done, progress.total, progress.skipped) == 50


def test_completion_is_done_over_what_is_needed_less_what_is_skipped():
    """Four done, two skipped, of 27: 16% is 4 of 25, said the same way everywhere."""
    assert completion(4, 27, 2) == 16
    assert completion(0, 0, 0) == 0
    assert completion(0, 3, 3) == 100
    assert completion(2, 3, 0) == 66  # floored: 100% only when nothing is left


def test_next_up_puts_started_steps_first_then_the_nearest_date_then_the_ladder(owner):
    """In progress first; then by target date, nearest first; then ladder order; at most five."""
    track = CareerTrackFactory(is_published=True)
    milestones = [MilestoneFactory(slug=f"m{n}") for n in range(7)]
    for order, m in enumerate(milestones):
        LadderStepFactory(track=track, milestone=m, order=order)
    MilestoneProgress.objects.set_status(owner, milestones[5], Status.IN_PROGRESS)
    MilestoneProgress.objects.update_state(owner, milestones[4], target_date=date(2026, 6, 20))
    MilestoneProgress.objects.update_state(owner, milestones[6], target_date=date(2026, 6, 5))
    enrollment, _ = Enrollment.objects.enroll(owner, track)

    progress = track_progress(enrollment, today=TODAY)

    assert [i.milestone.slug for i in progress.next_up] == ["m5", "m6", "m4", "m0", "m1"]


def test_a_step_behind_a_skipped_prerequisite_is_locked_and_says_which(owner, ladder):
    """Skipping the degree leaves the project locked: its missing prerequisite is the skipped degree."""
    MilestoneProgress.objects.set_status(owner, ladder["degree"], Status.SKIPPED)

    progress = track_progress(plan_of(owner, ladder), today=TODAY)

    project = next(i for i in progress.items if i.milestone.slug == "project")
    assert [m.slug for m in project.missing_prerequisites] == ["degree"]
    assert [m.slug for m in project.skipped_prerequisites] == ["degree"]
    assert project.is_blocked
    assert "project" not in [i.milestone.slug for i in progress.next_up]
    # On hold: not to do, no effort left, but still counted until the person skips it too.
    assert "project" not in [i.milestone.slug for i in progress.to_do]
    assert (progress.total, progress.skipped, progress.effort_left_weeks) == (3, 1, 6)
