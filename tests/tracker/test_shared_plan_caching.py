"""The shared plan page is a person's progress: no browser or proxy cache may keep a copy."""

import pytest
from django.test import Client

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import MilestoneProgress

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def shared(owner):
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    sql = MilestoneFactory(slug="sql", title="SQL")
    LadderStepFactory(track=track, milestone=sql)
    enrollment = EnrollmentFactory(user=owner, track=track)
    MilestoneProgress.objects.set_status(owner, sql, "done")
    return enrollment.share()


def test_the_shared_page_is_sent_with_no_store_and_private(shared):
    """Anyone with the link sees the plan, and the answer tells every cache not to store it."""
    response = Client().get(f"/shared/{shared}/")
    assert response.status_code == 200
    assert b"Data Engineer" in response.content
    assert directives(response) == {"no-store", "private"}


def test_the_owner_signed_in_gets_the_same_headers(client, owner, shared):
    """A signed-in visitor's copy is no more cacheable than an anonymous one."""
    client.force_login(owner)
    response = client.get(f"/shared/{shared}/")
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response)
    assert "public" not in directives(response)
