"""Where a person stands on the map: from their ratings and the milestones done, with the gap to their target."""

from datetime import UTC, date, datetime, timedelta

import pytest

from growth.models import SkillRating
from growth.standing import standing
from tests.factories import (
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
)
from tracker.models import Category

SCORES = {"programming": 2, "ml_algorithms": 3, "data_modelling": 4, "software_engineering": 3, "communication": 2}
MAY = datetime(2026, 5, 1, 12, tzinfo=UTC)


def rate(person, when, rater=None, **change):
    return SkillRating.objects.record(person, rater or person, {**SCORES, **change}, when=when)


def done(person, category, on):
    milestone = MilestoneFactory(category=category)
    return MilestoneProgressFactory(user=person, milestone=milestone, status="done", earned_on=on)


def test_ratings_alone_place_the_person_by_the_means_of_each_axis(owner):
    rate(owner, MAY)
    position = standing(owner).position
    # Across: programming 2 and software engineering 3; up: ML 3 and data modelling 4.
    assert (position.se, position.ml, position.communication) == (2.5, 3.5, 2)
    assert position.from_milestones == (0, 0, 0)


def test_each_milestone_done_adds_a_quarter_step_on_the_axes_its_kind_trains(owner):
    done(owner, Category.EXPERIENCE, date(2026, 1, 1))  # engineering
    done(owner, Category.KAGGLE, date(2026, 2, 1))  # machine learning
    done(owner, Category.CERTIFICATION, date(2026, 3, 1))  # both
    done(owner, Category.MENTORING, date(2026, 3, 1))  # communication
    rate(owner, MAY)
    position = standing(owner).position
    assert (position.se, position.ml, position.communication) == (3.0, 4.0, 2.25)
    assert position.milestones_done == 4


def test_milestones_add_at_most_one_step_per_axis_and_never_pass_five(owner):
    for month in range(1, 9):
        done(owner, Category.PROJECT, date(2026, month, 1))
    rate(owner, MAY + timedelta(days=200), programming=5, software_engineering=5)
    position = standing(owner).position
    assert position.se == 5.0
    assert position.from_milestones[0] == 1.0


def test_the_trail_has_a_point_per_self_rating_each_with_the_milestones_done_by_then(owner, other):
    rate(owner, MAY)
    done(owner, Category.EXPERIENCE, date(2026, 6, 1))
    rate(owner, MAY + timedelta(days=92), software_engineering=4)
    rate(owner, MAY + timedelta(days=30), rater=other, software_engineering=5)  # a mentor's: not on the trail
    trail = standing(owner).trail
    assert [p.se for p in trail] == [2.5, 3.25]
    assert [p.milestones_done for p in trail] == [0, 1]


def test_a_mentors_rating_is_placed_beside_the_trail_not_in_it(owner, other):
    rate(owner, MAY)
    rate(owner, MAY + timedelta(days=1), rater=other, programming=4, software_engineering=4)
    result = standing(owner)
    assert result.position.se == 2.5
    assert result.mentor.se == 4.0


def test_no_rating_means_no_position_and_no_gap(owner):
    EnrollmentFactory(user=owner, track=CareerTrackFactory(se_skill=4, ml_knowledge=4))
    result = standing(owner)
    assert result.position is None
    assert result.gap is None
    assert result.target is not None


def test_the_gap_to_the_newest_plans_track_lists_the_plans_milestones_that_close_it(owner):
    older = EnrollmentFactory(user=owner, track=CareerTrackFactory(se_skill=1, ml_knowledge=1))
    track = CareerTrackFactory(se_skill=5, ml_knowledge=3, communication_weight=4)
    project = MilestoneFactory(category=Category.PROJECT, title="Ship a model behind an API")
    kaggle = MilestoneFactory(category=Category.KAGGLE, title="Kaggle Expert")
    finished = MilestoneFactory(category=Category.EXPERIENCE, title="A year in a team")
    for order, milestone in enumerate((project, kaggle, finished)):
        LadderStepFactory(track=track, milestone=milestone, order=order)
    MilestoneProgressFactory(user=owner, milestone=finished, status="done", earned_on=date(2026, 1, 1))
    plan = EnrollmentFactory(user=owner, track=track)
    plan.started_at = older.started_at + timedelta(days=1)
    plan.save()
    rate(owner, MAY)
    result = standing(owner)
    assert result.target == track
    assert result.enrollment == plan
    # Engineering 2.5 + 0.25 (experience done) against 5; ML 3.5 against 3 (already past it).
    assert (result.gap.se, result.gap.ml, result.gap.communication) == (2.25, -0.5, 2)
    assert [i.milestone for i in result.closing["se"]] == [project]
    assert "ml" not in result.closing


def test_another_of_the_persons_plans_can_be_chosen_as_the_target(owner):
    first = EnrollmentFactory(user=owner, track=CareerTrackFactory(slug="first"))
    EnrollmentFactory(user=owner, track=CareerTrackFactory(slug="second"))
    assert standing(owner, "first").enrollment == first
    assert standing(owner, "someone-elses").target is None


@pytest.mark.django_db
def test_without_a_plan_the_kept_quiz_results_best_fit_is_the_target(owner):
    from accounts.models import QuizResult

    track = CareerTrackFactory(slug="quiz-best")
    QuizResult.objects.create(user=owner, answers={}, ranking=[{"track": "quiz-best"}], taken_at=MAY)
    result = standing(owner)
    assert result.target == track
    assert result.enrollment is None
