"""Fixtures of the badges' tests: the local issuer server and a plan whose milestone takes proof."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment

from .issuer import issuer_fixture, issuer_server  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _no_private_networks(settings: Any) -> None:
    """Nothing on this machine is reachable unless a test asks for the issuer (which allows 127.0.0.1 only)."""
    settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS = []


@pytest.fixture(autouse=True)
def _eager() -> Any:
    """Celery runs tasks inline where they are sent: nothing here may reach a broker."""
    from careerplan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def milestone(db: Any) -> Any:
    return MilestoneFactory(
        slug="aws-ml-engineer-associate", title="AWS ML Engineer Associate", category="certification"
    )


@pytest.fixture
def plan(owner: Any, milestone: Any) -> Enrollment:
    """The owner's plan, whose ladder holds ``milestone`` and a second milestone."""
    track = CareerTrackFactory(slug="ml-engineer", name="ML Engineer")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="python", title="Python"), order=2)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    return enrollment
