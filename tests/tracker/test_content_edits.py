"""Editors change content while people are mid-plan: nobody loses progress."""

import pytest

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, LadderStep, MilestoneProgress, ProgressEvent, Status
from tracker.progress import track_progress


@pytest.fixture
def enrolled(owner):
    track = CareerTrackFactory()
    milestones = [MilestoneFactory() for _ in range(4)]
    for order, m in enumerate(milestones):
        LadderStepFactory(track=track, milestone=m, order=order)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    MilestoneProgress.objects.set_status(owner, milestones[0], Status.DONE)
    MilestoneProgress.objects.set_status(owner, milestones[1], Status.DONE)
    return enrollment, milestones


def test_adding_a_step_shows_as_not_started_for_everyone_enrolled(owner, other, enrolled):
    enrollment, _ = enrolled
    theirs, _ = Enrollment.objects.enroll(other, enrollment.track)
    new = LadderStepFactory(track=enrollment.track, order=99)
    mine = track_progress(enrollment)
    assert (mine.done, mine.total) == (2, 5)
    assert next(i for i in mine.items if i.step.pk == new.pk).status == Status.NOT_STARTED
    assert track_progress(theirs).total == 5


def test_deactivating_a_milestone_hides_it_and_keeps_the_progress_row(owner, enrolled):
    enrollment, milestones = enrolled
    milestones[0].is_active = False
    milestones[0].save()
    hidden = track_progress(enrollment)
    assert (hidden.done, hidden.total) == (1, 3)
    assert MilestoneProgress.objects.filter(user=owner, milestone=milestones[0], status=Status.DONE).exists()

    milestones[0].is_active = True
    milestones[0].save()
    back = track_progress(enrollment)
    assert (back.done, back.total) == (2, 4)


def test_removing_a_step_keeps_progress_and_history_and_it_counts_again_when_restored(owner, enrolled):
    enrollment, milestones = enrolled
    LadderStep.objects.filter(track=enrollment.track, milestone=milestones[1]).delete()
    assert (track_progress(enrollment).done, track_progress(enrollment).total) == (1, 3)
    assert MilestoneProgress.objects.filter(user=owner, milestone=milestones[1], status=Status.DONE).exists()
    assert ProgressEvent.objects.filter(user=owner, milestone=milestones[1]).exists()

    LadderStepFactory(track=enrollment.track, milestone=milestones[1], order=1)
    assert (track_progress(enrollment).done, track_progress(enrollment).total) == (2, 4)


def test_renaming_a_milestone_keeps_progress(owner, enrolled):
    enrollment, milestones = enrolled
    milestones[0].title = "A clearer title"
    milestones[0].save()
    item = next(i for i in track_progress(enrollment).items if i.milestone.pk == milestones[0].pk)
    assert (item.milestone.title, item.status) == ("A clearer title", Status.DONE)


def test_a_track_with_specialisations_cannot_become_a_specialisation(db):
    from django.core.exceptions import ValidationError

    mle = CareerTrackFactory(slug="mle")
    CareerTrackFactory(slug="research", parent=mle)
    other = CareerTrackFactory(slug="other-root")
    mle.parent = other
    with pytest.raises(ValidationError) as excinfo:
        mle.full_clean()
    assert "parent" in excinfo.value.message_dict
