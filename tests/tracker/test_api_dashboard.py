"""The dashboard: per-enrollment percentages, next up, dates, and the streak."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import MilestoneProgress


@pytest.mark.django_db
def test_it_reports_each_enrollment_with_percentages_next_up_dates_and_the_streak(api, owner):
    track = CareerTrackFactory(slug="t")
    done, late, soon = (
        MilestoneFactory(slug=s, category=c) for s, c in (("a", "skill"), ("b", "skill"), ("c", "project"))
    )
    for n, m in enumerate((done, late, soon)):
        LadderStepFactory(track=track, milestone=m, order=n)
    EnrollmentFactory(user=owner, track=track)
    EnrollmentFactory(user=owner, status="archived")
    MilestoneProgress.objects.set_status(owner, done, "done")
    today = timezone.localdate()
    MilestoneProgress.objects.create(user=owner, milestone=late, target_date=today - dt.timedelta(days=2))
    MilestoneProgress.objects.create(user=owner, milestone=soon, target_date=today + dt.timedelta(days=3))

    response = api.get("/api/v1/dashboard/")
    assert response.status_code == 200
    assert response.json()["streak_weeks"] == 1
    (entry,) = response.json()["enrollments"]
    assert (entry["track"], entry["percent"], entry["done"], entry["total"]) == ("t", 33, 1, 3)
    assert {c["category"]: c["percent"] for c in entry["by_category"]} == {"skill": 50, "project": 0}
    assert [m["milestone"] for m in entry["next_up"]] == ["b", "c"]
    assert [m["milestone"] for m in entry["overdue"]] == ["b"]
    assert [m["milestone"] for m in entry["upcoming"]] == ["c"]


@pytest.mark.django_db
def test_it_needs_credentials(anon):
    response = anon.get("/api/v1/dashboard/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
