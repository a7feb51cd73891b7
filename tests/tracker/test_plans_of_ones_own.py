"""Personal milestones and plans of one's own: private, counted in their plan only, placed where put."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.utils import timezone

from accounts.models import User
from tracker import planning
from tracker.models import (
    AT_END,
    CareerTrack,
    Enrollment,
    EnrollmentStatus,
    Milestone,
    MilestoneProgress,
    PlanStep,
    Status,
)
from tracker.progress import Dashboard, progress_for_enrollments, track_progress

from .cloud_ladder import cloud_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder():
    return cloud_ladder()


def slugs(progress):
    return [item.milestone.slug for item in progress.items]


def add_mine(enrollment, title="Portfolio site", **kwargs):
    kwargs.setdefault("category", "project")
    kwargs.setdefault("effort_weeks", 3)
    return PlanStep.objects.add_personal(enrollment, title=title, **kwargs)


def test_a_personal_milestone_counts_in_its_plan_only(owner, ladder):
    mine, _ = Enrollment.objects.enroll(owner, ladder["track"])
    # A second plan of the same person, on the same track's milestones: the personal milestone is not in it.
    second = Enrollment.objects.start_own(owner, "Just the basics", from_track=ladder["track"])
    before = progress_for_enrollments(owner, [mine, second])
    step = add_mine(mine, after=ladder["python"])
    MilestoneProgress.objects.set_status(owner, step.milestone, Status.DONE)

    after = progress_for_enrollments(owner, [mine, second])
    assert after[mine.pk].total == before[mine.pk].total + 1
    assert after[mine.pk].done == 1
    assert after[mine.pk].effort_weeks == before[mine.pk].effort_weeks + 3
    assert after[second.pk].total == before[second.pk].total
    assert after[second.pk].done == 0
    assert step.milestone.slug not in slugs(after[second.pk])
    # Nobody else's plan on the track sees it either.
    theirs, _ = Enrollment.objects.enroll(
        User.objects.create_user("b@example.com", "pw-long-enough-1"), ladder["track"]
    )
    assert step.milestone.slug not in slugs(track_progress(theirs))


def test_a_personal_milestone_sits_where_it_was_put_and_under_that_steps_level(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    first = add_mine(enrollment, "Study group", after=None)
    middle = add_mine(enrollment, "Blog post", after=ladder["contributor"])
    last = add_mine(enrollment, "Talk at a meetup", after=AT_END)
    order = slugs(track_progress(enrollment))
    assert order[0] == first.milestone.slug
    assert order[order.index("contributor") + 1] == middle.milestone.slug
    assert order[-1] == last.milestone.slug

    # Moving one keeps the others where they were.
    middle.move(ladder["python"])
    order = slugs(track_progress(enrollment))
    assert order[:3] == [first.milestone.slug, "python", middle.milestone.slug]
    assert order[-1] == last.milestone.slug


def test_its_prerequisites_come_from_the_same_plan_and_lock_it_until_done(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment, prerequisites=[ladder["course"]], after=AT_END)
    item = next(i for i in track_progress(enrollment).items if i.milestone.pk == step.milestone_id)
    assert [m.slug for m in item.missing_prerequisites] == ["course"]
    with pytest.raises(ValidationError) as refused:
        MilestoneProgress.objects.set_status(owner, step.milestone, Status.DONE)
    assert "ML course" in str(refused.value)

    elsewhere = Milestone.objects.create(slug="not-here", title="Not in this plan", description="", category="project")
    with pytest.raises(ValidationError) as outside:
        step.set_prerequisites([elsewhere])
    assert outside.value.error_dict["prerequisites"][0].code == "not_in_plan"
    with pytest.raises(ValidationError):
        step.set_prerequisites([step.milestone])


def test_a_personal_milestone_is_planned_and_can_be_removed_with_its_progress_kept(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment, after=AT_END)
    today = timezone.localdate()
    plan = planning.plan_dates(enrollment, target_date=today + timedelta(weeks=200))
    assert step.milestone_id in plan.planned

    MilestoneProgress.objects.set_status(owner, step.milestone, Status.IN_PROGRESS)
    total = track_progress(enrollment).total
    step.remove()
    assert track_progress(enrollment).total == total - 1
    step.milestone.refresh_from_db()
    assert step.milestone.is_active is False
    # The history keeps it; nothing else lost.
    assert MilestoneProgress.objects.filter(user=owner, milestone=step.milestone).exists()
    with pytest.raises(Milestone.DoesNotExist):
        enrollment.milestone_in_plan(step.milestone.slug)


def test_personal_milestones_are_private(owner, other, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment)
    assert Milestone.objects.visible_to(owner).filter(pk=step.milestone_id).exists()
    assert not Milestone.objects.visible_to(other).filter(pk=step.milestone_id).exists()
    assert not Milestone.objects.on_published_ladders().filter(pk=step.milestone_id).exists()
    assert not Milestone.objects.catalogue().filter(pk=step.milestone_id).exists()
    # Another person cannot put it in their plan.
    theirs, _ = Enrollment.objects.enroll(other, ladder["track"])
    with pytest.raises(ValidationError) as refused:
        PlanStep.objects.add(theirs, step.milestone)
    assert refused.value.error_dict["milestone"][0].code == "does_not_exist"


def test_a_plan_of_ones_own_starts_empty_or_from_a_tracks_steps(owner, ladder):
    empty = Enrollment.objects.start_own(owner, "  My   own   way ")
    assert empty.is_own
    assert empty.track.name == "My own way"
    assert empty.track.owner == owner
    assert not empty.track.is_published
    assert track_progress(empty).total == 0
    assert not CareerTrack.objects.published().filter(pk=empty.track_id).exists()
    assert not CareerTrack.objects.catalogue().filter(pk=empty.track_id).exists()

    copied = Enrollment.objects.start_own(owner, "Cloud, my way", from_track=ladder["track"])
    progress = track_progress(copied)
    assert slugs(progress) == ["python", "aws", "gcp", "contributor", "expert", "course"]
    # No choice groups in a plan of one's own: each step counts, and the person removes what they do not want.
    assert progress.groups == []
    assert progress.total == 6
    copied.own_step("gcp").remove()
    assert track_progress(copied).total == 5

    with pytest.raises(ValidationError) as nameless:
        Enrollment.objects.start_own(owner, "   ")
    assert nameless.value.error_dict["title"][0].code == "required"


def test_a_plan_of_ones_own_is_built_from_catalogue_and_personal_milestones_in_its_own_order(owner, ladder):
    plan = Enrollment.objects.start_own(owner, "Mine")
    PlanStep.objects.add(plan, ladder["course"], after=AT_END)
    PlanStep.objects.add(plan, ladder["python"], after=None)
    add_mine(plan, "Capstone", after=ladder["python"])
    assert [i.milestone.title for i in track_progress(plan).items] == ["Python", "Capstone", "ML course"]

    with pytest.raises(ValidationError) as twice:
        PlanStep.objects.add(plan, ladder["python"])
    assert twice.value.error_dict["milestone"][0].code == "already_in_plan"

    plan.own_step("course").move(None)
    assert next(i.milestone.slug for i in track_progress(plan).items) == "course"

    plan.rename("Mine, renamed")
    plan.refresh_from_db()
    assert plan.track.name == "Mine, renamed"


def test_a_catalogue_plan_cannot_be_renamed(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    with pytest.raises(ValidationError) as refused:
        enrollment.rename("Mine")
    assert refused.value.error_dict["title"][0].code == "not_own"


def test_a_left_plan_of_ones_own_can_be_taken_up_again_with_its_steps(owner, ladder):
    plan = Enrollment.objects.start_own(owner, "Mine", from_track=ladder["track"])
    plan.change_status(EnrollmentStatus.ARCHIVED)
    assert list(Enrollment.objects.for_user(owner).left()) == [plan]
    plan.change_status(EnrollmentStatus.ACTIVE)
    assert track_progress(plan).total == 6
    # A catalogue plan still comes back only by following the track again.
    followed, _ = Enrollment.objects.enroll(owner, ladder["track"])
    followed.change_status(EnrollmentStatus.ARCHIVED)
    with pytest.raises(ValidationError):
        followed.change_status(EnrollmentStatus.ACTIVE)


def test_the_nudges_and_the_dashboard_see_personal_milestones(owner, ladder):
    from nudges.models import ReminderPreferences
    from nudges.state import load_state

    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment, after=None)
    MilestoneProgress.objects.update_state(owner, step.milestone, target_date=timezone.localdate() + timedelta(days=3))
    state = load_state(owner, ReminderPreferences.objects.get_or_create(user=owner)[0], timezone.now())
    plan = state.plans[0]
    assert step.milestone_id in [i.milestone.pk for i in plan.upcoming]
    board = Dashboard(owner)
    assert board.plans[0].total == plan.total


def test_deleting_an_account_takes_its_personal_milestones_and_own_plans(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment)
    MilestoneProgress.objects.set_status(owner, step.milestone, Status.IN_PROGRESS)
    own = Enrollment.objects.start_own(owner, "Mine", from_track=ladder["track"])
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.DONE, track=own.track)
    owner.delete()
    assert not Milestone.objects.filter(pk=step.milestone_id).exists()
    assert not CareerTrack.objects.filter(pk=own.track_id).exists()
    # The catalogue is untouched.
    assert Milestone.objects.filter(slug="python").exists()


def test_catalogue_milestones_and_tracks_people_use_still_cannot_be_deleted(owner, ladder):
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, ladder["course"], Status.DONE)
    Enrollment.objects.enroll(owner, ladder["track"])
    ladder["course"].steps.all().delete()
    with pytest.raises(RestrictedError):
        Milestone.objects.filter(slug="course").delete()
    with pytest.raises(RestrictedError):
        CareerTrack.objects.filter(slug="cloud-ml").delete()


def test_the_plans_milestones_are_what_the_web_and_api_may_address(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    step = add_mine(enrollment)
    assert enrollment.milestone_in_plan("python").slug == "python"
    assert enrollment.milestone_in_plan(step.milestone.slug) == step.milestone
    assert set(Milestone.objects.in_current_plans_of(owner).values_list("slug", flat=True)) == {
        "python",
        "aws",
        "gcp",
        "contributor",
        "expert",
        "course",
        step.milestone.slug,
    }
    since = timezone.now() - timedelta(seconds=1)
    later = add_mine(enrollment, "Later")
    arrived = set(Milestone.objects.arrived_in_plans_of(owner, since).values_list("pk", flat=True))
    assert later.milestone_id in arrived


def test_a_personal_milestone_is_validated_like_any_other(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    with pytest.raises(ValidationError) as refused:
        add_mine(enrollment, title="", category="nonsense", effort_weeks=9999)
    assert set(refused.value.error_dict) == {"title", "category", "effort_weeks"}
    assert not PlanStep.objects.exists()
    assert not Milestone.objects.filter(owner=owner).exists()
    # An edit that breaks a rule saves nothing.
    step = add_mine(enrollment, title="Good title")
    with pytest.raises(ValidationError):
        step.update_personal(title="", effort_weeks=2)
    step.milestone.refresh_from_db()
    assert (step.milestone.title, step.milestone.effort_weeks) == ("Good title", 3)
    step.update_personal(title="Better title", effort_weeks=5, description="Why")
    step.milestone.refresh_from_db()
    assert (step.milestone.title, step.milestone.effort_weeks) == ("Better title", 5)
