"""A small plan to nudge about: one track, two levels, three milestones."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine

from nudges.models import ReminderPreferences
from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import ActivityDay, CareerTrack, Category, Enrollment, Milestone, ProgressEvent, Status


@dataclass
class Plan:
    track: CareerTrack
    python: Milestone
    sql: Milestone
    cert: Milestone
    enrollment: Enrollment


def make_plan(user, started=datetime(2026, 3, 1, 12, tzinfo=UTC)):
    """Enrol ``user`` in a fresh track (started at ``started``) of three milestones in two levels."""
    track = CareerTrackFactory(name=f"ML Engineer for {user.email}")
    junior = CareerLevelFactory(track=track, title="Junior ML Engineer", order=1)
    senior = CareerLevelFactory(track=track, title="Senior ML Engineer", order=2)
    python = MilestoneFactory(title="Python basics")
    sql = MilestoneFactory(title="SQL fundamentals")
    cert = MilestoneFactory(title="Cloud ML certification", category=Category.CERTIFICATION, valid_for_months=12)
    LadderStepFactory(track=track, milestone=python, level=junior, order=1)
    LadderStepFactory(track=track, milestone=sql, level=junior, order=2)
    LadderStepFactory(track=track, milestone=cert, level=senior, order=3)
    with time_machine.travel(started, tick=False):
        enrollment, _ = Enrollment.objects.enroll(user, track)
    return Plan(track, python, sql, cert, enrollment)


def set_done(user, milestone, when, track=None):
    """Mark done at ``when`` through the domain, so history and signals are real."""
    from tracker.models import MilestoneProgress

    with time_machine.travel(when, tick=False):
        return MilestoneProgress.objects.set_status(user, milestone, Status.DONE, track=track, now=when)


def touch(user, milestone, when):
    """A progress event at ``when`` (started something), and the activity day it makes, as the domain records both."""
    ActivityDay.objects.record(user, when)
    return ProgressEvent.objects.create(
        user=user, milestone=milestone, from_status=Status.NOT_STARTED, to_status=Status.IN_PROGRESS, created_at=when
    )


def claim(user, nudge, channel, now):
    """Claim one delivery as a batch of one would; None when it is claimed already."""
    from nudges import delivery

    held = delivery.claim_all([(user, nudge, channel)], now)
    return held[0] if held else None


def prefs_for(user, **fields):
    prefs = ReminderPreferences.for_user(user)
    for name, value in fields.items():
        setattr(prefs, name, value)
    prefs.save()
    return prefs


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@example.com", display_name="Lee Learner", timezone="Europe/London")


@pytest.fixture
def plan(learner):
    return make_plan(learner)


@pytest.fixture
def eager():
    """Celery runs tasks inline, where they are sent."""
    from careerplan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
