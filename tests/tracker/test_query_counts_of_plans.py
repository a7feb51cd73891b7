"""The dashboard, a plan page, the track API and sync read a fixed number of queries, groups, checklists and own steps.

Data 10x apart (tracks, steps per track, choice groups, checklist items and
ticks, activity days) must cost the same queries: every figure is computed
from bulk reads, never one query per step.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CareerTrackFactory, ChoiceGroupFactory, LadderStepFactory, MilestoneFactory
from tracker.models import (
    AT_END,
    ActivityDay,
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    MilestoneProgress,
    PlanStep,
    Status,
)

pytestmark = pytest.mark.django_db


def build(owner, size: int, tag: str) -> Enrollment:
    """``size`` tracks of ``2 * size`` steps, half of them in choice groups, with checklists, ticks and history.

    Each plan also holds ``size`` milestones of the person's own.
    """
    first = None
    for t in range(size):
        track = CareerTrackFactory(slug=f"{tag}-t{t}", is_published=True)
        previous = group = None
        for m in range(2 * size):
            milestone = MilestoneFactory(slug=f"{tag}-t{t}-m{m}")
            if previous is not None and m % 2 == 0:
                milestone.prerequisites.add(previous)
            # Steps 1 and 2 of every four are a choice of one between two.
            group = ChoiceGroupFactory(track=track, slug=f"g{m}") if m % 4 == 1 else group if m % 4 == 2 else None
            LadderStepFactory(track=track, milestone=milestone, order=m, choice_group=group)
            for n in range(2):
                item = ChecklistItem.objects.create(milestone=milestone, slug=f"c{n}", title=f"Step {n}", order=n)
                ChecklistTick.objects.create(user=owner, item=item, done=True, done_at=timezone.now())
            ChecklistItem.objects.create(milestone=milestone, owner=owner, title="My own step")
            MilestoneProgress.objects.set_status(owner, milestone, Status.IN_PROGRESS)
            previous = milestone
        enrollment, _ = Enrollment.objects.enroll(owner, track)
        # Milestones of the person's own, each needing the last ladder step first.
        for k in range(size):
            step = PlanStep.objects.add_personal(
                enrollment, title=f"Own {k}", category="project", prerequisites=[milestone], after=AT_END
            )
            MilestoneProgress.objects.set_status(owner, step.milestone, Status.IN_PROGRESS)
        first = first or enrollment
    for day in range(size * 5):
        ActivityDay.objects.record(owner, timezone.now() - timedelta(days=day))
    assert first is not None
    return first


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/plans/{plan}/",
        "/api/v1/tracks/{tag}-t0/",
        "/api/v1/dashboard/",
        "/api/v1/progress/?updated_since=2000-01-01T00:00:00Z",
    ],
)
def test_queries_stay_flat_with_ten_times_the_plan(url, owner, api):
    small = build(owner, 1, "small")
    client = api if url.startswith("/api/") else _web(owner)
    # The user behind an API token is cached from the first request on (api.authentication): both counts without it.
    client.get("/api/v1/ping/")
    before = count(client, url.format(plan=small.pk, tag="small"))
    large = build(owner, 10, "large")
    after = count(client, url.format(plan=large.pk, tag="large"))
    assert before == after, (before, after)


def _web(owner):
    client = Client()
    client.force_login(owner)
    return client
