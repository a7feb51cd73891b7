import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.factories import MilestoneFactory, MilestoneProgressFactory
from tracker.models import MilestoneProgress, PrerequisitesMissing, ProgressEvent, Status


def test_it_rejects_a_prerequisite_cycle_and_names_the_loop(db):
    degree = MilestoneFactory(title="Bachelor's degree")
    masters = MilestoneFactory(title="Master's degree")
    phd = MilestoneFactory(title="PhD")
    masters.prerequisites.add(degree)
    phd.prerequisites.add(masters)
    with pytest.raises(ValidationError) as excinfo, transaction.atomic():
        degree.prerequisites.add(phd)
    message = " ".join(excinfo.value.messages)
    assert "loop" in message
    assert "Bachelor's degree" in message
    assert "PhD" in message
    assert "Master's degree" in message
    assert list(degree.prerequisites.all()) == []


def test_it_rejects_a_milestone_as_its_own_prerequisite(db):
    milestone = MilestoneFactory()
    with pytest.raises(ValidationError, match="its own prerequisite"), transaction.atomic():
        milestone.prerequisites.add(milestone)


def test_it_rejects_a_cycle_added_from_the_reverse_side(db):
    first, second = MilestoneFactory(), MilestoneFactory()
    second.prerequisites.add(first)
    with pytest.raises(ValidationError, match="loop"), transaction.atomic():
        second.unlocks.add(first)  # first would need second: a loop


def test_a_diamond_of_prerequisites_is_not_a_cycle(db):
    base, left, right, top = (MilestoneFactory() for _ in range(4))
    left.prerequisites.add(base)
    right.prerequisites.add(base)
    top.prerequisites.add(left, right)
    assert set(top.prerequisites.all()) == {left, right}


def test_marking_done_with_missing_prerequisites_names_them_and_saves_nothing(owner):
    stats = MilestoneFactory(title="Statistics")
    python = MilestoneFactory(title="Python")
    model = MilestoneFactory(title="Ship a model")
    model.prerequisites.add(stats, python)
    MilestoneProgressFactory(user=owner, milestone=python, status=Status.DONE)

    with pytest.raises(PrerequisitesMissing) as excinfo:
        MilestoneProgress.objects.set_status(owner, model, Status.DONE)

    assert [m.title for m in excinfo.value.missing] == ["Statistics"]
    assert "Statistics" in excinfo.value.message_dict["status"][0]
    assert "Python" not in excinfo.value.message_dict["status"][0]
    assert not MilestoneProgress.objects.filter(user=owner, milestone=model).exists()
    assert not ProgressEvent.objects.filter(user=owner, milestone=model).exists()


def test_a_skipped_prerequisite_counts_as_met(owner):
    prereq, goal = MilestoneFactory(), MilestoneFactory()
    goal.prerequisites.add(prereq)
    MilestoneProgress.objects.set_status(owner, prereq, Status.SKIPPED)
    progress = MilestoneProgress.objects.set_status(owner, goal, Status.DONE)
    assert progress.status == Status.DONE


def test_an_inactive_prerequisite_does_not_block(owner):
    retired, goal = MilestoneFactory(is_active=False), MilestoneFactory()
    goal.prerequisites.add(retired)
    assert MilestoneProgress.objects.set_status(owner, goal, Status.DONE).status == Status.DONE


def test_another_users_progress_does_not_meet_my_prerequisites(owner, other):
    prereq, goal = MilestoneFactory(), MilestoneFactory()
    goal.prerequisites.add(prereq)
    MilestoneProgress.objects.set_status(other, prereq, Status.DONE)
    with pytest.raises(PrerequisitesMissing):
        MilestoneProgress.objects.set_status(owner, goal, Status.DONE)


def test_in_progress_needs_no_prerequisites(owner):
    prereq, goal = MilestoneFactory(), MilestoneFactory()
    goal.prerequisites.add(prereq)
    assert MilestoneProgress.objects.set_status(owner, goal, Status.IN_PROGRESS).status == Status.IN_PROGRESS
