"""The mentors' tests: a learner (the suite's owner) with two plans, a mentor, and a stranger (the suite's other)."""

from __future__ import annotations

from typing import Any

import pytest

from mentoring.models import Invite, Mentorship
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import Enrollment, MilestoneProgress


@pytest.fixture(autouse=True)
def _eager() -> Any:
    """Celery runs tasks inline where they are sent: the news is sent in the test's own thread."""
    from careerplan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def learner(owner: Any) -> Any:
    return owner


@pytest.fixture
def mentor(db: Any) -> Any:
    return UserFactory(email="mentor@example.com", display_name="Mina Mentor")


@pytest.fixture
def milestone(db: Any) -> Any:
    return MilestoneFactory(slug="sql", title="SQL")


@pytest.fixture
def plan(learner: Any, milestone: Any) -> Enrollment:
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="spark", title="Spark"), order=2)
    enrollment, _ = Enrollment.objects.enroll(learner, track)
    progress = MilestoneProgress.objects.set_status(learner, milestone, "in_progress", track=track)
    progress.evidence_url = "https://github.com/olive/sql-practice"
    progress.notes = "PRIVATE-NOTE about my week"
    progress.save()
    return enrollment


@pytest.fixture
def other_plan(learner: Any) -> Enrollment:
    """A second plan of the learner's, kept private in most tests."""
    track = CareerTrackFactory(slug="ml-researcher", name="ML Researcher")
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="papers", title="Read papers"), order=1)
    enrollment, _ = Enrollment.objects.enroll(learner, track)
    return enrollment


def make_mentorship(learner: Any, mentor: Any, plans: list[Enrollment] | None = None) -> Mentorship:
    """A mentorship as accepting an invitation makes it (all plans, or ``plans``)."""
    mentorship = Mentorship.objects.create(learner=learner, mentor=mentor, share_all=plans is None)
    if plans is not None:
        mentorship.plans.set(plans)
    return mentorship


@pytest.fixture
def mentorship(learner: Any, mentor: Any, plan: Enrollment, other_plan: Enrollment) -> Mentorship:
    """The mentor sees ``plan`` only."""
    return make_mentorship(learner, mentor, [plan])


@pytest.fixture
def invite(learner: Any, plan: Enrollment) -> Invite:
    made = Invite.objects.create(learner=learner, email="mentor@example.com", share_all=False)
    made.plans.set([plan])
    return made
