from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    CareerTrackFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
)
from tracker.models import Category, Enrollment, MilestoneProgress, ProgressEvent, Status, add_months
from tracker.progress import EXPIRED, progress_for_enrollments, track_progress


@pytest.fixture
def two_tracks(db):
    """Two tracks sharing an AWS certification and a bachelor's degree."""
    degree = MilestoneFactory(slug="bachelors", title="Bachelor's degree", category=Category.EDUCATION)
    aws = MilestoneFactory(
        slug="aws-ml", title="AWS Certified Machine Learning", category=Category.CERTIFICATION, valid_for_months=36
    )
    kaggle = MilestoneFactory(slug="kaggle-expert", title="Kaggle Expert", category=Category.KAGGLE)
    airflow = MilestoneFactory(slug="airflow", title="Airflow pipelines", category=Category.SKILL)
    aws.prerequisites.add(degree)
    mle = CareerTrackFactory(slug="machine-learning-engineer", name="Machine Learning Engineer")
    de = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    for order, m in enumerate([degree, aws, kaggle]):
        LadderStepFactory(track=mle, milestone=m, order=order)
    for order, m in enumerate([degree, airflow, aws]):
        LadderStepFactory(track=de, milestone=m, order=order)
    return {"mle": mle, "de": de, "degree": degree, "aws": aws, "kaggle": kaggle, "airflow": airflow}


def test_a_milestone_done_in_one_track_counts_in_every_track_that_holds_it(owner, two_tracks):
    mle, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    de, _ = Enrollment.objects.enroll(owner, two_tracks["de"])
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE, track=two_tracks["mle"])
    MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE, track=two_tracks["mle"])

    result = progress_for_enrollments(owner, [mle, de])
    assert (result[mle.pk].done, result[mle.pk].total, result[mle.pk].percent) == (2, 3, 66)
    assert (result[de.pk].done, result[de.pk].total, result[de.pk].percent) == (2, 3, 66)
    aws_in_de = next(i for i in result[de.pk].items if i.milestone.slug == "aws-ml")
    assert aws_in_de.is_done
    assert aws_in_de.progress.earned_in == two_tracks["mle"]


def test_completion_is_given_per_category(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE)
    by_category = {c.category: (c.done, c.total, c.percent) for c in track_progress(enrollment).by_category}
    assert by_category == {"education": (1, 1, 100), "certification": (0, 1, 0), "kaggle": (0, 1, 0)}


def test_skipped_steps_leave_the_percentage_and_complete_the_plan(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, two_tracks["kaggle"], Status.SKIPPED)
    progress = track_progress(enrollment)
    assert progress.percent == 50
    MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE)
    progress = track_progress(enrollment)
    assert (progress.percent, progress.is_complete) == (100, True)


def test_next_up_lists_unfinished_milestones_whose_prerequisites_are_met_in_ladder_order(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    assert [i.milestone.slug for i in track_progress(enrollment).next_up] == ["bachelors", "kaggle-expert"]
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE)
    assert [i.milestone.slug for i in track_progress(enrollment).next_up] == ["aws-ml", "kaggle-expert"]


def test_an_expired_certification_shows_as_expired_not_done(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    earned = datetime(2020, 3, 15, 12, 0, tzinfo=UTC)
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE, now=earned)
    MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE, now=earned)

    still_valid = track_progress(enrollment, today=date(2023, 3, 14))
    lapsed = track_progress(enrollment, today=date(2023, 3, 15))

    aws_valid = next(i for i in still_valid.items if i.milestone.slug == "aws-ml")
    aws_lapsed = next(i for i in lapsed.items if i.milestone.slug == "aws-ml")
    assert aws_valid.status == Status.DONE
    assert aws_valid.expires_on == date(2023, 3, 15)
    assert aws_lapsed.status == EXPIRED
    assert (still_valid.done, lapsed.done) == (2, 1)
    # The degree never expires, and an expired certification is up for renewal.
    assert "aws-ml" in [i.milestone.slug for i in lapsed.next_up]
    assert next(i for i in lapsed.items if i.milestone.slug == "bachelors").status == Status.DONE


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2022, 6, 15), 36) == date(2025, 6, 15)


def test_setting_the_same_status_again_writes_no_history(owner, two_tracks):
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.IN_PROGRESS)
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.IN_PROGRESS)
    assert ProgressEvent.objects.filter(user=owner).count() == 1


def test_every_status_change_is_recorded_in_history(owner, two_tracks):
    for status in (Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED):
        MilestoneProgress.objects.set_status(owner, two_tracks["degree"], status, track=two_tracks["mle"])
    history = list(ProgressEvent.objects.filter(user=owner).order_by("id").values_list("from_status", "to_status"))
    assert history == [("not_started", "in_progress"), ("in_progress", "done"), ("done", "not_started")]
    progress = MilestoneProgress.objects.get(user=owner, milestone=two_tracks["degree"])
    assert (progress.started_at, progress.completed_at, progress.earned_in) == (None, None, None)


def test_history_is_append_only(owner, two_tracks):
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE)
    event = ProgressEvent.objects.get(user=owner)
    event.to_status = Status.SKIPPED
    with pytest.raises(ValidationError):
        event.save()


def test_an_unknown_status_is_a_validation_error_naming_the_field(owner, two_tracks):
    with pytest.raises(ValidationError) as excinfo:
        MilestoneProgress.objects.set_status(owner, two_tracks["degree"], "finished")
    assert "status" in excinfo.value.message_dict


def test_upcoming_and_overdue_target_dates(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    today = date(2026, 5, 10)
    MilestoneProgressFactory(user=owner, milestone=two_tracks["degree"], target_date=today - timedelta(days=2))
    MilestoneProgressFactory(user=owner, milestone=two_tracks["aws"], target_date=today + timedelta(days=5))
    MilestoneProgressFactory(user=owner, milestone=two_tracks["kaggle"], target_date=today + timedelta(days=60))
    progress = track_progress(enrollment, today=today)
    assert [i.milestone.slug for i in progress.overdue] == ["bachelors"]
    assert [i.milestone.slug for i in progress.upcoming] == ["aws-ml"]


def test_progress_for_many_enrollments_takes_a_constant_number_of_queries(owner, django_assert_num_queries):
    def build(n_tracks, n_steps):
        enrollments = []
        for _ in range(n_tracks):
            track = CareerTrackFactory()
            steps = LadderStepFactory.create_batch(n_steps, track=track)
            steps[-1].milestone.prerequisites.add(steps[0].milestone)
            MilestoneProgressFactory(user=owner, milestone=steps[0].milestone, status=Status.DONE)
            enrollments.append(Enrollment.objects.enroll(owner, track)[0])
        return enrollments

    # Steps, prerequisites, the steps the person added (none here), progress rows and checklist items.
    small = build(1, 3)
    with django_assert_num_queries(5):
        progress_for_enrollments(owner, small)
    large = small + build(9, 30)
    with django_assert_num_queries(5):
        result = progress_for_enrollments(owner, large)
    assert len(result) == 10


def test_done_again_on_an_expired_certification_renews_it_in_one_step(owner, two_tracks):
    enrollment, _ = Enrollment.objects.enroll(owner, two_tracks["mle"])
    earned = datetime(2020, 3, 15, 12, 0, tzinfo=UTC)
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE, now=earned)
    MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE, now=earned)
    renewed = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)

    row = MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE, now=renewed)

    assert row.completed_at == renewed
    item = next(i for i in track_progress(enrollment, today=date(2024, 1, 11)).items if i.milestone.slug == "aws-ml")
    assert (item.status, item.expires_on) == (Status.DONE, date(2027, 1, 10))
    assert list(
        ProgressEvent.objects.filter(user=owner, milestone=two_tracks["aws"])
        .order_by("id")
        .values_list("to_status", flat=True)
    ) == ["done", "done"]


def test_done_again_on_a_valid_certification_changes_nothing(owner, two_tracks):
    MilestoneProgress.objects.set_status(owner, two_tracks["degree"], Status.DONE)
    first = MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE)
    again = MilestoneProgress.objects.set_status(owner, two_tracks["aws"], Status.DONE)
    assert again.completed_at == first.completed_at
    assert ProgressEvent.objects.filter(user=owner, milestone=two_tracks["aws"]).count() == 1


# --- where a plan stands: the level reached and the pace --------------------------------


@pytest.mark.django_db
def test_the_level_reached_is_the_last_level_with_every_unit_settled_and_one_done(owner):
    from datetime import date

    from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory
    from tracker.models import Enrollment, MilestoneProgress, Status
    from tracker.progress import track_progress

    track = CareerTrackFactory()
    junior = CareerLevelFactory(track=track, title="Junior", order=1)
    senior = CareerLevelFactory(track=track, title="Senior", order=2)
    a, b, c = (MilestoneFactory() for _ in range(3))
    LadderStepFactory(track=track, milestone=a, level=junior, order=1)
    LadderStepFactory(track=track, milestone=b, level=junior, order=2)
    LadderStepFactory(track=track, milestone=c, level=senior, order=3)
    plan, _ = Enrollment.objects.enroll(owner, track, target_date=date(2030, 1, 1))
    assert track_progress(plan).level_reached is None
    MilestoneProgress.objects.set_status(owner, a, Status.DONE)
    assert track_progress(plan).level_reached is None  # b is still to do
    MilestoneProgress.objects.set_status(owner, b, Status.SKIPPED)
    assert track_progress(plan).level_reached == junior
    MilestoneProgress.objects.set_status(owner, c, Status.DONE)
    progress = track_progress(plan)
    assert progress.level_reached == senior
    assert progress.pace is None  # complete: nothing left to pace


@pytest.mark.django_db
def test_the_pace_compares_the_effort_left_with_the_weeks_to_the_target(owner):
    from datetime import date

    from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
    from tracker.models import Enrollment
    from tracker.progress import track_progress

    track = CareerTrackFactory()
    LadderStepFactory(track=track, milestone=MilestoneFactory(effort_weeks=10), order=1)
    plan, _ = Enrollment.objects.enroll(owner, track, target_date=date(2026, 3, 1))
    assert track_progress(plan, today=date(2025, 12, 1)).pace.state == "on_track"  # 12 weeks for 10
    assert track_progress(plan, today=date(2026, 1, 1)).pace.state == "behind"  # 8 weeks for 10
    assert track_progress(plan, today=date(2026, 3, 9)).pace.state == "past"
