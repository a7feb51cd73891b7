"""Undoing a status change (tracker.undo): back to the status and date earned before, as one more event."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tracker import undo
from tracker.models import (
    CareerTrack,
    DependantsDone,
    Earning,
    Enrollment,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
    Status,
)


@pytest.fixture
def track(seeded):
    return CareerTrack.objects.get(slug="machine-learning-engineer")


@pytest.fixture
def programming(seeded):
    return Milestone.objects.get(slug="skill-programming")


def change(owner, milestone, **kwargs):
    """Make a change through the one write path and return its undo."""
    before = undo.before(owner, milestone)
    MilestoneProgress.objects.update_state(owner, milestone, **kwargs)
    return undo.undo_for(owner, milestone, before)


def test_it_takes_a_done_back_to_not_started_and_the_history_keeps_both_events(owner, programming, track):
    taken = change(owner, programming, status=Status.DONE, track=track)
    assert taken is not None
    assert taken.status == Status.NOT_STARTED
    assert taken.earned_on is None

    undo.undo(owner, programming, taken, track=track)

    row = MilestoneProgress.objects.get(user=owner, milestone=programming)
    assert (row.status, row.earned_on) == (Status.NOT_STARTED, None)
    assert not Earning.objects.filter(user=owner, milestone=programming).exists()
    events = list(ProgressEvent.objects.filter(user=owner, milestone=programming).order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] == [
        (Status.NOT_STARTED, Status.DONE),
        (Status.DONE, Status.NOT_STARTED),
    ]


def test_it_restores_the_date_earned_when_it_takes_back_a_change_away_from_done(owner, programming, track):
    earned = timezone.localdate() - timedelta(days=400)
    MilestoneProgress.objects.update_state(owner, programming, status=Status.DONE, earned_on=earned, track=track)
    taken = change(owner, programming, status=Status.IN_PROGRESS, track=track)
    assert taken is not None
    assert (taken.status, taken.earned_on) == (Status.DONE, earned)

    undo.undo(owner, programming, taken, track=track)

    row = MilestoneProgress.objects.get(user=owner, milestone=programming)
    assert (row.status, row.earned_on) == (Status.DONE, earned)
    assert list(Earning.objects.filter(user=owner, milestone=programming).values_list("earned_on", flat=True)) == [
        earned
    ]


def test_it_refuses_a_second_undo_of_the_same_change(owner, programming, track):
    taken = change(owner, programming, status=Status.SKIPPED, track=track)
    undo.undo(owner, programming, taken, track=track)
    with pytest.raises(undo.UndoRefused):
        undo.undo(owner, programming, taken, track=track)
    assert MilestoneProgress.objects.get(user=owner, milestone=programming).status == Status.NOT_STARTED


def test_it_refuses_an_undo_once_the_milestone_has_changed_again(owner, programming, track):
    taken = change(owner, programming, status=Status.IN_PROGRESS, track=track)
    MilestoneProgress.objects.update_state(owner, programming, status=Status.DONE, track=track)
    with pytest.raises(undo.UndoRefused):
        undo.undo(owner, programming, taken, track=track)
    assert MilestoneProgress.objects.get(user=owner, milestone=programming).status == Status.DONE


def test_it_offers_no_undo_when_the_status_did_not_change(owner, programming, track):
    MilestoneProgress.objects.update_state(owner, programming, status=Status.DONE, track=track)
    assert change(owner, programming, status=Status.DONE, track=track) is None


def test_the_domain_still_refuses_an_undo_that_would_strand_a_done_dependant(owner, track):
    programming = Milestone.objects.get(slug="skill-programming")
    engineering = Milestone.objects.get(slug="skill-software-engineering")
    taken = change(owner, programming, status=Status.DONE, track=track)
    MilestoneProgress.objects.update_state(owner, engineering, status=Status.DONE, track=track)
    # Still the latest change to programming, but taking "done" back is refused while something built on it is done.
    with pytest.raises(DependantsDone):
        undo.undo(owner, programming, taken, track=track)
    assert MilestoneProgress.objects.get(user=owner, milestone=programming).status == Status.DONE


def test_an_undo_survives_the_session_as_plain_data():
    kept = undo.Undo(milestone_id=3, event_id=9, status=Status.DONE, earned_on=date(2025, 3, 1))
    assert undo.Undo.from_session(kept.as_session()) == kept
    none = undo.Undo(milestone_id=3, event_id=9, status=Status.NOT_STARTED, earned_on=None)
    assert undo.Undo.from_session(none.as_session()) == none


def test_an_enrollment_is_not_needed_to_undo(owner, programming):
    """The rule is the person's progress on a milestone, shared by every plan that has it."""
    taken = change(owner, programming, status=Status.IN_PROGRESS)
    undo.undo(owner, programming, taken)
    assert not Enrollment.objects.filter(user=owner).exists()
    assert MilestoneProgress.objects.get(user=owner, milestone=programming).status == Status.NOT_STARTED
