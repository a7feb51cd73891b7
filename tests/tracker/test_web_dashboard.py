"""The dashboard: every plan's progress, next steps, dates, streak and chart."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, Status
from tracker.progress import track_progress


def test_it_shows_each_plan_with_progress_next_up_and_dates(client, seeded, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    programming = Milestone.objects.get(slug="skill-programming")
    MilestoneProgress.objects.set_status(owner, programming, Status.DONE, track=plan.track)
    today = timezone.localdate()
    late = Milestone.objects.get(slug="skill-software-engineering")
    soon = Milestone.objects.get(slug="skill-data-modelling")
    MilestoneProgress.objects.create(user=owner, milestone=late, target_date=today - timedelta(days=3))
    MilestoneProgress.objects.create(user=owner, milestone=soon, target_date=today + timedelta(days=5))
    client.force_login(owner)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Data Engineer" in body
    assert f'data-testid="percent">{track_progress(plan).percent}%' in body
    overdue = body[body.index("Overdue") :]
    assert late.title in overdue[: overdue.index("</ul>")]
    coming = body[body.index("Coming up") :]
    assert soon.title in coming[: coming.index("</ul>")]
    assert "Next up" in body
    assert 'data-testid="streak">1<' in body
    assert "1</span> milestone earned in the last 12 weeks" in body


def test_with_no_plans_it_points_to_the_quiz_and_the_catalogue(client, owner):
    client.force_login(owner)
    body = client.get("/dashboard/").content.decode()
    assert "Start your first plan" in body
    assert 'href="/quiz/"' in body


def _user_with_plans(tracks: int, milestones_per_track: int):
    user = UserFactory()
    for _ in range(tracks):
        track = CareerTrackFactory()
        previous = None
        for _ in range(milestones_per_track):
            milestone = MilestoneFactory()
            if previous is not None:
                milestone.prerequisites.add(previous)
            LadderStepFactory(track=track, milestone=milestone)
            MilestoneProgress.objects.set_status(user, milestone, Status.DONE, track=track)
            previous = milestone
        Enrollment.objects.enroll(user, track)
    return user


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_enrollments_or_milestones(client):
    small = _user_with_plans(tracks=1, milestones_per_track=2)
    large = _user_with_plans(tracks=10, milestones_per_track=20)
    counts = []
    for user in (small, large):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/dashboard/")
        assert response.status_code == 200
        counts.append(len(queries))
    # 10x the plans and 100x the milestones, the same queries.
    assert counts[0] == counts[1]
    assert "100%" in response.content.decode()


def test_mark_done_from_next_up_returns_to_the_dashboard_with_the_new_percentage(client, seeded, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    client.force_login(owner)
    response = client.post(
        f"/plans/{plan.pk}/milestones/skill-programming/status/", {"status": "done", "back": "dashboard"}
    )
    assert response["Location"] == "/dashboard/#saved"
    body = client.get("/dashboard/").content.decode()
    assert f'data-testid="percent">{track_progress(plan).percent}%' in body
    assert track_progress(plan).percent > 0


def test_a_refused_mark_done_from_the_dashboard_says_why_there(client, seeded, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    client.force_login(owner)
    response = client.post(
        f"/plans/{plan.pk}/milestones/skill-software-engineering/status/",
        {"status": "done", "back": "dashboard"},
        follow=True,
    )
    body = response.content.decode()
    assert "Software engineering practice: Finish the prerequisites first: Programming proficiency." in body
