"""List endpoints and the dashboard read in a fixed number of queries, whatever the row count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nudges.models import Device, Notification
from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    ResourceFactory,
)
from tracker.models import MilestoneProgress


def build(owner, size: int, tag: str) -> None:
    """``size`` tracks the owner follows, each of ``size`` milestones with progress, and ``size`` messages."""
    for t in range(size):
        track = CareerTrackFactory(slug=f"{tag}-t{t}")
        level = CareerLevelFactory(track=track)
        previous = None
        for m in range(size):
            milestone = MilestoneFactory(slug=f"{tag}-t{t}-m{m}")
            ResourceFactory(milestone=milestone)
            if previous is not None:
                milestone.prerequisites.add(previous)
            LadderStepFactory(track=track, milestone=milestone, level=level, order=m)
            MilestoneProgress.objects.create(user=owner, milestone=milestone, status="in_progress")
            previous = milestone
        EnrollmentFactory(user=owner, track=track)
        Notification.objects.create(user=owner, rule="digest", title=f"{tag}{t}")
        Device.objects.create(user=owner, platform="ios", token=f"{tag}{t}")


URLS = [
    "/api/v1/tracks/",
    "/api/v1/tracks/{tag}-t0/",
    "/api/v1/enrollments/",
    "/api/v1/progress/",
    "/api/v1/progress/?updated_since=2000-01-01T00:00:00Z",
    "/api/v1/dashboard/",
    "/api/v1/notifications/",
]


def count(api, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_queries_do_not_grow_with_rows(api, owner, url):
    # The user behind the token is cached from the first request on (api.authentication): both counts without it.
    api.get("/api/v1/ping/")
    build(owner, 2, "small")
    small = count(api, url.format(tag="small"))
    build(owner, 20, "big")  # ten times the tracks, milestones per track and messages
    big = count(api, url.format(tag="big"))
    assert small == big, (small, big)
    assert big <= 12
