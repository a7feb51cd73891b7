"""The dashboard is cached per user, and every change to what it shows is seen on the next read."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import MilestoneProgress
from tracker.planning import plan_dates


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(slug="t")
    milestones = [MilestoneFactory(slug=f"m{n}") for n in range(3)]
    for n, milestone in enumerate(milestones):
        LadderStepFactory(track=track, milestone=milestone, order=n)
    enrollment = EnrollmentFactory(user=owner, track=track)
    return enrollment, milestones


def entry(api):
    (only,) = api.get("/api/v1/dashboard/").json()["enrollments"]
    return only


def queries(api):
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/v1/dashboard/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_second_read_is_served_without_computing_again(api, plan):
    first = queries(api)
    # Nothing is left: the user behind the JWT is cached too (api.authentication).
    assert queries(api) == 0 < first


@pytest.mark.django_db
def test_it_shows_progress_made_through_the_api_at_once(api, plan):
    assert entry(api)["done"] == 0
    assert api.patch("/api/v1/progress/m0/", {"status": "done"}).status_code == 200
    assert entry(api)["done"] == 1
    assert api.patch("/api/v1/progress/m1/", {"target_date": "2099-01-01"}).status_code == 200
    assert [m["milestone"] for m in entry(api)["next_up"]] == ["m1", "m2"]


@pytest.mark.django_db
def test_it_shows_planned_dates_and_a_paused_or_archived_plan_at_once(api, owner, plan):
    enrollment, _ = plan
    entry(api)
    enrollment.target_date = timezone.localdate() + dt.timedelta(days=60)
    enrollment.save()
    plan_dates(enrollment)  # a bulk write, which renews the stamp itself
    assert all(item["target_date"] for item in entry(api)["next_up"])
    enrollment.status = "paused"
    enrollment.save()
    assert entry(api)["status"] == "paused"
    enrollment.status = "archived"
    enrollment.save()
    assert api.get("/api/v1/dashboard/").json()["enrollments"] == []


@pytest.mark.django_db
def test_it_shows_a_content_edit_at_once(api, plan):
    _, milestones = plan
    assert entry(api)["total"] == 3
    milestones[2].is_active = False
    milestones[2].save()
    assert entry(api)["total"] == 2


@pytest.mark.django_db
def test_one_users_change_leaves_another_users_cached_dashboard_alone(api, other_api, other, plan):
    enrollment, milestones = plan
    EnrollmentFactory(user=other, track=enrollment.track)
    entry(other_api)
    MilestoneProgress.objects.set_status(enrollment.user, milestones[0], "done")
    assert queries(other_api) == 0
    assert entry(api)["done"] == 1


@pytest.mark.django_db
def test_a_new_day_moves_a_date_from_upcoming_to_overdue(owner, plan):
    from tests.api_clients import client_for

    _, milestones = plan
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False):
        api = client_for(owner)  # a token issued in the travelled-to time
        MilestoneProgress.objects.create(user=owner, milestone=milestones[0], target_date=dt.date(2026, 3, 3))
        assert [m["milestone"] for m in entry(api)["upcoming"]] == ["m0"]
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        api = client_for(owner)
        assert [m["milestone"] for m in entry(api)["overdue"]] == ["m0"]


class DeadCache:
    """A cache whose server is gone: every call raises, as redis-py does."""

    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return refuse


@pytest.mark.django_db
def test_it_still_answers_and_still_saves_when_the_cache_is_unreachable(api, owner, plan, monkeypatch):
    monkeypatch.setattr("tracker.versions.cache", DeadCache())
    assert api.patch("/api/v1/progress/m0/", {"status": "done"}).status_code == 200
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="m0").status == "done"
    assert entry(api)["done"] == 1


@pytest.mark.django_db
def test_changes_overwrite_the_users_one_cached_dashboard_rather_than_adding_entries(api, owner, plan):
    """However often the plan changes, the cache holds one dashboard per user (no growth with churn)."""
    from django.core.cache import cache

    for status in ["in_progress", "not_started"] * 3:
        assert api.patch("/api/v1/progress/m0/", {"status": status}).status_code == 200
        assert entry(api)["enrollment"]
    dashboards = [key for key in cache._cache if ":dashboard:" in key]
    assert dashboards == [cache.make_key(f"dashboard:{owner.pk}")]
