import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.factories import MilestoneFactory, MilestoneProgressFactory
from tracker.models import DependantsDone, MilestoneProgress, PrerequisitesMissing, ProgressEvent, Status


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


def test_a_skipped_prerequisite_does_not_unlock_what_builds_on_it(owner):
    """Skipped means "not for me": Kaggle Expert stays locked behind a skipped Kaggle Contributor."""
    contributor = MilestoneFactory(title="Kaggle Contributor")
    expert = MilestoneFactory(title="Kaggle Expert")
    expert.prerequisites.add(contributor)
    MilestoneProgress.objects.set_status(owner, contributor, Status.SKIPPED)

    with pytest.raises(PrerequisitesMissing) as excinfo:
        MilestoneProgress.objects.set_status(owner, expert, Status.DONE)

    assert [m.title for m in excinfo.value.missing] == ["Kaggle Contributor"]
    assert not MilestoneProgress.objects.filter(user=owner, milestone=expert).exists()


@pytest.mark.parametrize("to", [Status.IN_PROGRESS, Status.NOT_STARTED, Status.SKIPPED])
def test_undoing_a_prerequisite_of_something_done_is_refused_naming_it(owner, to):
    """A prerequisite cannot leave done while what builds on it is done: the refusal names those, nothing changes."""
    contributor = MilestoneFactory(title="Kaggle Contributor")
    expert = MilestoneFactory(title="Kaggle Expert")
    competition = MilestoneFactory(title="A Kaggle competition")
    expert.prerequisites.add(contributor)
    competition.prerequisites.add(contributor)
    for milestone in (contributor, expert, competition):
        MilestoneProgress.objects.set_status(owner, milestone, Status.DONE)
    events = ProgressEvent.objects.count()

    with pytest.raises(DependantsDone) as excinfo:
        MilestoneProgress.objects.set_status(owner, contributor, to)

    assert [m.title for m in excinfo.value.dependants] == ["A Kaggle competition", "Kaggle Expert"]
    assert excinfo.value.error_extra == {
        "dependants": [
            {"slug": competition.slug, "title": "A Kaggle competition"},
            {"slug": expert.slug, "title": "Kaggle Expert"},
        ]
    }
    assert "Kaggle Expert" in excinfo.value.message_dict["status"][0]
    assert MilestoneProgress.objects.get(user=owner, milestone=contributor).status == Status.DONE
    assert ProgressEvent.objects.count() == events


def test_a_prerequisite_can_be_undone_once_what_builds_on_it_is_undone(owner):
    """Undo in the reverse order and each step goes through; an inactive dependant does not hold a prerequisite."""
    contributor, expert, retired = MilestoneFactory(), MilestoneFactory(), MilestoneFactory()
    expert.prerequisites.add(contributor)
    retired.prerequisites.add(contributor)
    for milestone in (contributor, expert, retired):
        MilestoneProgress.objects.set_status(owner, milestone, Status.DONE)
    retired.is_active = False
    retired.save()

    MilestoneProgress.objects.set_status(owner, expert, Status.IN_PROGRESS)
    assert MilestoneProgress.objects.set_status(owner, contributor, Status.NOT_STARTED).status == Status.NOT_STARTED


def test_another_persons_done_dependant_does_not_hold_my_prerequisite(owner, other):
    prereq, goal = MilestoneFactory(), MilestoneFactory()
    goal.prerequisites.add(prereq)
    for person in (owner, other):
        MilestoneProgress.objects.set_status(person, prereq, Status.DONE)
    MilestoneProgress.objects.set_status(other, goal, Status.DONE)
    assert MilestoneProgress.objects.set_status(owner, prereq, Status.SKIPPED).status == Status.SKIPPED


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
