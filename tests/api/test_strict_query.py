"""Query parameters are strict: given once, never empty, well formed, times with a zone; else a 400 naming them."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.utils import timezone

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import MilestoneProgress, Status

pytestmark = pytest.mark.django_db


def refusal(response, parameter):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [parameter]
    return body["field_codes"][parameter][0]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page_size=null&page_size=null", "repeated"),
        ("page_size=10&page_size=20", "repeated"),
        ("page_size=null", "invalid"),
        ("page_size=", "blank"),
        ("page_size=-1", "invalid"),
        ("page_size=0", "min_value"),
        ("page_size=1.5", "invalid"),
        ("page_size=%EF%BC%93", "invalid"),  # a full-width digit: isdigit() says yes, int() would take it
        ("page=0", "min_value"),
        ("page=last", "invalid"),
        ("page=1&page=2", "repeated"),
    ],
)
def test_it_refuses_a_bad_page_parameter_naming_it(api, query, code):
    parameter = query.split("=")[0]
    for path in ("/api/v1/enrollments/", "/api/v1/notifications/", "/api/v1/progress/"):
        assert refusal(api.get(f"{path}?{query}"), parameter) == code, path


def test_a_page_size_over_the_most_is_capped_and_a_page_past_the_end_is_a_404(api, owner):
    EnrollmentFactory(user=owner)

    assert api.get("/api/v1/enrollments/?page_size=100000").json()["count"] == 1
    assert api.get("/api/v1/enrollments/?page=2").status_code == 404


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("status=active&status=paused", "repeated"),
        ("status=", "blank"),
        ("status=on_hold", "invalid_choice"),
    ],
)
def test_it_refuses_a_repeated_empty_or_unknown_filter_value(api, query, code):
    assert refusal(api.get(f"/api/v1/enrollments/?{query}"), "status") == code


@pytest.fixture
def planned(owner):
    """The owner follows a track with one milestone (the day before), done at 03:30 UTC on 28 November 2026."""
    with time_machine.travel(datetime(2026, 11, 27, 12, 0, tzinfo=UTC), tick=False):
        track = CareerTrackFactory()
        milestone = MilestoneFactory()
        LadderStepFactory(track=track, milestone=milestone)
        EnrollmentFactory(user=owner, track=track)
    with time_machine.travel(datetime(2026, 11, 28, 3, 30, tzinfo=UTC), tick=False):
        MilestoneProgress.objects.update_state(owner, milestone, status=Status.DONE)
    return milestone


@pytest.mark.parametrize("path", ["/api/v1/progress/", "/api/v1/checklist-items/"])
def test_a_plus_sent_unencoded_in_a_time_is_read_as_the_offset_it_was(api, planned, path):
    # iOS's URLQueryItem leaves "+" as it is; in a query string it means a space.
    unencoded = api.get(f"{path}?updated_since=2026-11-28T03:00:00+00:00")
    encoded = api.get(f"{path}?updated_since={quote('2026-11-28T03:00:00+00:00')}")
    zulu = api.get(f"{path}?updated_since=2026-11-28T03:00:00Z")

    assert unencoded.status_code == encoded.status_code == zulu.status_code == 200
    assert unencoded.json() == encoded.json() == zulu.json()


def test_the_unencoded_offset_is_honoured_not_dropped(api, planned):
    # 05:00+02:00 is 03:00 UTC: before the change at 03:30. Read as 05:00 UTC it would hide it.
    before = api.get("/api/v1/progress/?updated_since=2026-11-28T05:00:00+02:00").json()
    after = api.get("/api/v1/progress/?updated_since=2026-11-28T05:00:00-01:00").json()

    assert [item["milestone"] for item in before["results"]] == [planned.slug]
    assert after["results"] == []


@pytest.mark.parametrize("path", ["/api/v1/progress/", "/api/v1/checklist-items/"])
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-11-28T03:00:00", "timezone_required"),
        ("2026-11-28", "timezone_required"),
        ("yesterday", "invalid"),
        ("2026-02-30T00:00:00Z", "invalid"),
        ("9999-12-31T23:59:59-01:00", "out_of_range"),
    ],
)
def test_a_time_without_a_zone_or_out_of_range_is_refused_with_a_code(api, path, value, code):
    assert refusal(api.get(f"{path}?updated_since={quote(value)}"), "updated_since") == code


def test_a_repeated_time_is_refused(api):
    query = "updated_since=2026-11-28T03:00:00Z&updated_since=2026-11-29T03:00:00Z"
    assert refusal(api.get(f"/api/v1/progress/?{query}"), "updated_since") == "repeated"


def test_the_schema_types_every_time_parameter_and_bounds_the_pages(anon):
    import yaml

    schema = yaml.safe_load(anon.get("/api/v1/schema/").content)
    for path in ("/api/v1/progress/", "/api/v1/checklist-items/"):
        parameters = {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["updated_since"]["type"] == "string"
        assert parameters["updated_since"]["format"] == "date-time"
        assert parameters["page_size"] == {"type": "integer", "minimum": 1}
        assert parameters["page"] == {"type": "integer", "minimum": 1}


# --------------------------------------------------------------------------- a plan's target date


@pytest.fixture
def followed(owner):
    track = CareerTrackFactory()
    LadderStepFactory(track=track, milestone=MilestoneFactory())
    return track


def test_a_target_date_in_the_past_is_refused_alike_by_enrol_patch_own_and_plan(api, owner, followed):
    past = "2001-01-01"

    enrol = api.post("/api/v1/enrollments/", {"track": followed.slug, "target_date": past}, format="json")
    own = api.post("/api/v1/enrollments/own/", {"title": "Mine", "target_date": past}, format="json")
    enrollment = EnrollmentFactory(user=owner, track=followed)
    patch = api.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"target_date": past}, format="json")
    enrollment.target_date = date(2001, 1, 1)
    enrollment.save()
    plan = api.post(f"/api/v1/enrollments/{enrollment.pk}/plan/")

    for response in (enrol, own, patch, plan):
        assert refusal(response, "target_date") == "not_after_today"
        assert response.json()["fields"]["target_date"] == ["The target date must be after today."]


def test_today_is_not_a_target_but_tomorrow_is(api, owner, followed):
    today = timezone.localdate(timezone.now(), owner.tzinfo)

    refused = api.post("/api/v1/enrollments/", {"track": followed.slug, "target_date": str(today)}, format="json")
    tomorrow = str(today + timedelta(days=1))
    accepted = api.post("/api/v1/enrollments/", {"track": followed.slug, "target_date": tomorrow}, format="json")

    assert refusal(refused, "target_date") == "not_after_today"
    assert accepted.status_code == 201
    assert accepted.json()["target_date"] == tomorrow


def test_a_plan_whose_target_has_passed_can_still_be_patched_sending_it_back(api, owner, followed):
    enrollment = EnrollmentFactory(user=owner, track=followed, target_date=date(2001, 1, 1))

    response = api.patch(
        f"/api/v1/enrollments/{enrollment.pk}/", {"target_date": "2001-01-01", "status": "paused"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paused"
