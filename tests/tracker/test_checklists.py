"""Checklists inside milestones: ticking is progress, own items are private, removal is soft, limits hold."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    ChecklistTickFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
)
from tracker import checklists
from tracker.models import (
    ActivityDay,
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    MilestoneProgress,
    ProgressEvent,
    Status,
)
from tracker.progress import progress_for_enrollments, track_progress

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def exam(owner):
    """A certification in a track the owner follows, with two editors' items: read the guide, book the exam."""
    track = CareerTrackFactory(slug="t")
    milestone = MilestoneFactory(slug="exam", title="The exam", category="certification")
    LadderStepFactory(track=track, milestone=milestone)
    EnrollmentFactory(user=owner, track=track)
    ChecklistItemFactory(milestone=milestone, slug="read-the-guide", title="Read the exam guide", order=0)
    ChecklistItemFactory(milestone=milestone, slug="book", title="Book the exam", order=1)
    return milestone


def items(milestone):
    return list(ChecklistItem.objects.defaults().filter(milestone=milestone).order_by("order"))


def activity(user):
    return sum(ActivityDay.objects.filter(user=user).values_list("count", flat=True))


def test_a_tick_starts_a_milestone_not_started_and_counts_as_activity_once(owner, exam):
    """The first tick moves the milestone to in progress (with its history) and is one activity, not two."""
    guide, _ = items(exam)
    ticked = checklists.set_done(owner, guide, True, now=NOW)
    assert (ticked.changed, ticked.started) == (True, True)
    progress = MilestoneProgress.objects.get(user=owner, milestone=exam)
    assert (progress.status, progress.started_at) == (Status.IN_PROGRESS, NOW)
    event = ProgressEvent.objects.get(user=owner, milestone=exam)
    assert (event.from_status, event.to_status) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert activity(owner) == 1
    tick = ChecklistTick.objects.get(user=owner, item=guide)
    assert (tick.done, tick.done_at) == (True, NOW)


def test_a_tick_on_a_started_or_done_milestone_changes_no_status_but_counts_as_activity(owner, exam):
    """Only a milestone not started moves; a done one stays done, and the tick still counts once."""
    guide, _ = items(exam)
    MilestoneProgressFactory(user=owner, milestone=exam, status=Status.DONE, completed_at=NOW)
    assert checklists.set_done(owner, guide, True, now=NOW).started is False
    assert MilestoneProgress.objects.get(user=owner, milestone=exam).status == Status.DONE
    assert not ProgressEvent.objects.filter(user=owner).exists()
    assert activity(owner) == 1


def test_unticking_keeps_the_row_counts_as_activity_and_never_moves_the_milestone_back(owner, exam):
    """Untick: done false, no date, the milestone stays in progress; a second activity."""
    guide, _ = items(exam)
    checklists.set_done(owner, guide, True, now=NOW)
    ticked = checklists.set_done(owner, guide, False, now=NOW)
    assert (ticked.changed, ticked.started) == (True, False)
    tick = ChecklistTick.objects.get(user=owner, item=guide)
    assert (tick.done, tick.done_at) == (False, None)
    assert MilestoneProgress.objects.get(user=owner, milestone=exam).status == Status.IN_PROGRESS
    assert activity(owner) == 2


def test_ticking_twice_or_unticking_what_was_never_ticked_changes_nothing(owner, exam):
    """Idempotent: a retried tick records no second activity and no second row."""
    guide, book = items(exam)
    checklists.set_done(owner, guide, True, now=NOW)
    again = checklists.set_done(owner, guide, True, now=NOW)
    assert again.changed is False
    never = checklists.set_done(owner, book, False, now=NOW)
    assert (never.tick, never.changed) == (None, False)
    assert ChecklistTick.objects.filter(user=owner).count() == 1
    assert activity(owner) == 1
    assert ProgressEvent.objects.filter(user=owner).count() == 1


def test_ticks_are_per_person_and_shared_across_tracks(owner, other, exam):
    """Another person's tick is theirs; the owner's tick shows in every plan that lists the milestone."""
    guide, _ = items(exam)
    second = CareerTrackFactory(slug="second")
    LadderStepFactory(track=second, milestone=exam)
    EnrollmentFactory(user=owner, track=second)
    ChecklistTickFactory(user=other, item=guide)
    checklists.set_done(owner, items(exam)[1], True, now=NOW)
    plans = progress_for_enrollments(owner, list(Enrollment.objects.filter(user=owner)))
    for progress in plans.values():
        (step,) = progress.items
        assert (step.checklist_done, step.checklist_total) == (1, 2)


def test_own_items_are_added_after_the_others_and_private_to_their_owner(owner, other, exam):
    """A person's own item shows in their checklist only; another person cannot see or tick it."""
    EnrollmentFactory(user=other, track=exam.steps.get().track)
    mine = checklists.add_item(owner, exam, "  Take a practice exam  ")
    assert (mine.title, mine.owner, mine.order, mine.is_own) == ("Take a practice exam", owner, 2, True)
    assert ChecklistItem.objects.visible_to(owner).filter(milestone=exam).count() == 3
    assert not ChecklistItem.objects.visible_to(other).filter(pk=mine.pk).exists()
    with pytest.raises(ChecklistItem.DoesNotExist):
        checklists.set_done(other, mine, True)
    (step,) = track_progress(Enrollment.objects.get(user=other)).items
    assert step.checklist_total == 2


def test_items_of_a_hidden_milestone_are_not_visible(owner, exam):
    """A person may tick only items of milestones they may see."""
    exam.is_active = False
    exam.save()
    assert not ChecklistItem.objects.visible_to(owner).exists()


@pytest.mark.parametrize(
    ("title", "code"),
    [("", "blank"), ("   \n ", "blank"), ("x" * 201, "max_length"), ("nul\x00byte", "null_characters_not_allowed")],
)
def test_a_blank_long_or_nul_title_is_refused_with_a_message_on_the_title(owner, exam, title, code):
    """Nothing is added; the message names the problem."""
    with pytest.raises(ValidationError) as refused:
        checklists.add_item(owner, exam, title)
    assert [e.code for e in refused.value.error_dict["title"]] == [code]
    assert refused.value.message_dict["title"]
    assert not ChecklistItem.objects.filter(owner=owner).exists()


def test_a_title_of_200_characters_once_stripped_is_accepted(owner, exam):
    item = checklists.add_item(owner, exam, " " + "x" * 200 + " ")
    assert len(item.title) == 200


def test_a_milestone_holds_at_most_30_own_items(owner, exam):
    """The 31st is refused with a message; removing one makes room again."""
    for n in range(checklists.MAX_OWN_ITEMS):
        checklists.add_item(owner, exam, f"Step {n}")
    with pytest.raises(checklists.ChecklistFull) as refused:
        checklists.add_item(owner, exam, "One too many")
    assert "30 items of your own" in refused.value.message_dict["title"][0]
    checklists.remove_item(owner, ChecklistItem.objects.filter(owner=owner).first())
    checklists.add_item(owner, exam, "Now it fits")


def test_an_item_goes_only_to_a_milestone_in_one_of_my_plans(owner):
    """A milestone of no current plan refuses it: nothing of one's own piles up outside the plans."""
    elsewhere = MilestoneFactory()
    LadderStepFactory(milestone=elsewhere)
    with pytest.raises(checklists.NotInPlan):
        checklists.add_item(owner, elsewhere, "Not here")


def test_own_items_are_renamed_and_reordered_and_editors_items_never_change(owner, exam):
    """Title and order change on one's own item; on an editors' item they are refused before anything is saved."""
    guide, _ = items(exam)
    mine = checklists.add_item(owner, exam, "Practice")
    checklists.update_item(owner, mine, title=" Practice exam ", order=0)
    mine.refresh_from_db()
    assert (mine.title, mine.order) == ("Practice exam", 0)
    with pytest.raises(checklists.NotOwnItem):
        checklists.update_item(owner, guide, title="Mine now", done=True)
    guide.refresh_from_db()
    assert guide.title == "Read the exam guide"
    assert not ChecklistTick.objects.exists()  # all or nothing: the tick was not saved either
    with pytest.raises(checklists.NotOwnItem):
        checklists.remove_item(owner, guide)


def test_removal_is_soft_keeps_the_ticks_and_leaves_the_checklist(owner, exam):
    """removed_at is stamped (sync reports it); the tick stays; the count no longer includes it."""
    mine = checklists.add_item(owner, exam, "Practice exam")
    checklists.set_done(owner, mine, True, now=NOW)
    checklists.remove_item(owner, mine, now=NOW)
    mine.refresh_from_db()
    assert mine.removed_at == NOW
    assert ChecklistTick.objects.filter(item=mine, done=True).exists()
    (step,) = track_progress(Enrollment.objects.get(user=owner)).items
    assert (step.checklist_done, step.checklist_total) == (0, 2)
    with pytest.raises(ChecklistItem.DoesNotExist):
        checklists.set_done(owner, mine, False)


def test_the_nudges_read_side_leaves_the_counts_absent(owner, exam):
    """progress_from_rows (batches of users) reads no checklist: the counts are None, not zero."""
    from tracker.progress import progress_from_rows, steps_for_tracks

    enrollment = Enrollment.objects.get(user=owner)
    steps = steps_for_tracks([enrollment.track_id])
    (step,) = progress_from_rows([enrollment], steps, {}, NOW.date(), UTC)[enrollment.pk].items
    assert (step.checklist, step.checklist_done, step.checklist_total) == (None, None, None)
