"""Pausing, resuming and leaving a plan on the web; a left plan keeps its history and comes back when followed again."""

import pytest
from django.test import Client

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, EnrollmentStatus, MilestoneProgress, ProgressEvent, Status
from tracker.progress import track_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(name="Data Engineer", slug="data-engineer", is_published=True)
    first, second = MilestoneFactory(title="Python"), MilestoneFactory(title="SQL")
    for order, milestone in enumerate([first, second]):
        LadderStepFactory(track=track, milestone=milestone, order=order)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    MilestoneProgress.objects.set_status(owner, first, Status.DONE, track=track)
    return enrollment


@pytest.fixture
def web(owner):
    client = Client()
    client.force_login(owner)
    return client


def follow(web, plan, status):
    return web.post(f"/plans/{plan.pk}/following/", {"status": status}, follow=True)


def test_pausing_a_plan_says_what_it_means_and_resuming_brings_it_back(web, plan):
    body = follow(web, plan, "paused").content.decode()
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.PAUSED
    assert "Paused Data Engineer: no reminders about it until you resume." in body
    assert 'data-testid="paused"' in body
    assert "Resume this plan" in body

    body = follow(web, plan, "active").content.decode()
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ACTIVE
    assert "Resumed Data Engineer" in body
    assert "Pause this plan" in body


def test_leaving_a_plan_keeps_its_history_and_following_again_picks_it_up(web, owner, plan):
    """Left: off the dashboard, listed under "Plans you left", history kept; followed again, at the same percentage."""
    percent = track_progress(plan).percent
    response = follow(web, plan, "archived")

    assert response.redirect_chain[-1][0] == "/dashboard/"
    body = response.content.decode()
    assert "You left Data Engineer. Your progress is kept" in body
    assert "Plans you left" in body
    assert "Follow Data Engineer again" in body
    assert "No plan in progress" in body
    assert web.get(f"/plans/{plan.pk}/").status_code == 404
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ARCHIVED
    assert ProgressEvent.objects.filter(user=owner).count() == 1

    response = web.post("/tracks/data-engineer/enroll/", follow=True)
    again = Enrollment.objects.for_user(owner).current().get()
    assert again.pk != plan.pk
    assert track_progress(again).percent == percent == 50
    assert "Plans you left" not in web.get("/dashboard/").content.decode()


def test_an_unknown_choice_changes_nothing_and_says_so(web, plan):
    body = follow(web, plan, "deleted").content.decode()
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ACTIVE
    assert "Choose to pause, resume or leave the plan." in body


def test_another_persons_plan_cannot_be_paused_or_left(plan, other):
    client = Client()
    client.force_login(other)
    assert client.post(f"/plans/{plan.pk}/following/", {"status": "archived"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ACTIVE
