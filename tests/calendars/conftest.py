"""Fixtures of the calendar feed's tests: a plan with a skill and a certification, and the owner's feed."""

from __future__ import annotations

from typing import Any

import pytest

from calendars.models import CalendarFeed
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment


@pytest.fixture
def track(db: Any) -> Any:
    return CareerTrackFactory(slug="machine-learning-engineer", name="Machine Learning Engineer")


@pytest.fixture
def skill(track: Any) -> Any:
    milestone = MilestoneFactory(slug="python", title="Python")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    return milestone


@pytest.fixture
def certification(track: Any) -> Any:
    """Valid for three years, renewal opening 90 days before expiry (the default)."""
    milestone = MilestoneFactory(
        slug="aws-ml-engineer-associate",
        title="AWS Certified Machine Learning Engineer - Associate",
        category="certification",
        valid_for_months=36,
    )
    LadderStepFactory(track=track, milestone=milestone, order=2)
    return milestone


@pytest.fixture
def plan(owner: Any, track: Any, skill: Any, certification: Any) -> Enrollment:
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    return enrollment


@pytest.fixture
def feed(owner: Any) -> CalendarFeed:
    return CalendarFeed.objects.open(owner)[0]
