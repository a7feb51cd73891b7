"""Hostile input through the API's write paths: never a 500, every 400 names its fields.

The same generators as ``tests/tracker/test_hostile_input.py``, plus values of
the wrong JSON type, drive ``PATCH progress/{slug}/``, ``PATCH me/``,
``POST enrollments/`` and the query filters. Anything accepted is stored
exactly (trimmed, as the serializers normalise text) and read back the same.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from nudges.models import Device
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tests.hostile import BOUNDED, hostile_date, hostile_text
from tracker.models import Enrollment, MilestoneProgress

wrong_types = st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.lists(st.integers(), max_size=3)
)
wrong_types |= st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
any_value = st.one_of(hostile_text, hostile_date, wrong_types, st.none())


@pytest.fixture
def track(db):
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="sql", title="SQL"), order=1)
    return track


def as_text(value):
    """What DRF's CharField makes of a JSON value it accepts: numbers become their text, trimmed."""
    return str(value).strip()


def assert_names_its_fields(response, sent):
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]
    assert set(body["fields"]) <= set(sent), body


@BOUNDED
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "notes": any_value,
            "evidence_url": any_value,
            "target_date": any_value,
            "track": st.one_of(st.just("data-engineer"), any_value),
        },
    )
)
def test_progress_patch_stores_what_it_accepts_exactly(api, owner, track, body):
    """notes, evidence_url, target_date, track of any JSON type: 200 and read back as stored, or 400 naming them."""
    before = MilestoneProgress.objects.filter(user=owner).values("notes", "evidence_url", "target_date").first()
    response = api.patch("/api/v1/progress/sql/", body, format="json")
    if response.status_code != 200:
        assert_names_its_fields(response, body)
        after = MilestoneProgress.objects.filter(user=owner).values("notes", "evidence_url", "target_date").first()
        assert after == before
        return
    body.pop("track", None)  # recorded only with status done
    if not body:  # an empty PATCH changes nothing and creates nothing
        return
    row = MilestoneProgress.objects.get(user=owner, milestone__slug="sql")
    for name, value in body.items():
        stored = getattr(row, name)
        if name == "target_date":
            assert (stored.isoformat() if stored else None) == (as_text(value) if value else None)
        else:
            assert stored == as_text(value)
    read = api.get("/api/v1/progress/sql/").json()
    assert read["notes"] == row.notes
    assert read["evidence_url"] == row.evidence_url
    assert read["target_date"] == (row.target_date.isoformat() if row.target_date else None)


@BOUNDED
@given(body=st.fixed_dictionaries({}, optional={"display_name": any_value, "timezone": any_value}))
def test_me_patch_stores_what_it_accepts_exactly(api, owner, body):
    """Display name and time zone of any JSON type: stored and read back, or 400 naming them."""
    before = User.objects.values_list("display_name", "timezone").get(pk=owner.pk)
    response = api.patch("/api/v1/me/", body, format="json")
    fresh = User.objects.get(pk=owner.pk)
    if response.status_code != 200:
        assert_names_its_fields(response, body)
        assert (fresh.display_name, fresh.timezone) == before
        return
    if "display_name" in body:
        assert fresh.display_name == as_text(body["display_name"])
    if "timezone" in body:
        assert fresh.timezone == body["timezone"]
    assert api.get("/api/v1/me/").json()["display_name"] == fresh.display_name


@BOUNDED
@given(target=any_value, track_slug=st.one_of(st.just("data-engineer"), hostile_text))
def test_enrolling_takes_any_date_or_names_the_field(api, owner, track, target, track_slug):
    """POST enrollments/ with any target date and track: 201/200 with the date stored, or 400 naming the field."""
    body = {"track": track_slug, "target_date": target}
    response = api.post("/api/v1/enrollments/", body, format="json")
    if response.status_code >= 400:
        assert_names_its_fields(response, body)
        return
    assert response.status_code in (200, 201)
    enrollment = Enrollment.objects.get(pk=response.json()["id"])
    if target is not None:  # enrolling again without a date keeps the one set before
        assert enrollment.target_date.isoformat() == as_text(target)
    assert response.json()["target_date"] == (enrollment.target_date.isoformat() if enrollment.target_date else None)
    assert api.post(f"/api/v1/enrollments/{enrollment.pk}/plan/", format="json").status_code in (200, 400)
    assert api.get("/api/v1/dashboard/").status_code == 200


@BOUNDED
@given(
    params=st.dictionaries(
        st.sampled_from(["track", "status", "category", "updated_since", "page", "page_size"]), hostile_text
    )
)
def test_list_filters_with_hostile_values_are_200_or_400(api, owner, track, params):
    """Query filters with any text, NUL included: an answer or a 400 naming the parameter, never a 500."""
    response = api.get("/api/v1/progress/", params)
    if response.status_code == 404:  # a page past the end
        assert "page" in params
        return
    if response.status_code == 400:
        assert_names_its_fields(response, params)
        return
    assert response.status_code == 200


@BOUNDED
@given(platform=st.one_of(st.sampled_from(["ios", "android", "web"]), any_value), token=any_value)
def test_registering_a_device_stores_the_token_exactly_or_names_the_field(api, owner, platform, token):
    """POST devices/ with any platform and push token: stored exactly, or 400 naming the field."""
    body = {"platform": platform, "token": token}
    response = api.post("/api/v1/devices/", body, format="json")
    if response.status_code >= 400:
        assert_names_its_fields(response, body)
        return
    assert response.status_code in (200, 201)
    device = Device.objects.get(pk=response.json()["id"])
    assert (device.user_id, device.platform, device.token) == (owner.pk, platform, as_text(token))


@BOUNDED
@given(
    answers=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["se_skill", "ml_knowledge", "communication", "produces"], any_value)
    )
)
def test_the_role_fit_quiz_answers_or_names_the_field(anon, track, answers):
    """POST role-fit/ with any answers: a ranking, or 400 naming the answers it cannot use."""
    response = anon.post("/api/v1/role-fit/", answers, format="json")
    if response.status_code >= 400:  # a missing answer is named too
        assert_names_its_fields(response, ["se_skill", "ml_knowledge", "communication", "produces"])
        return
    assert response.status_code == 200
    assert [fit["track"] for fit in response.json()["results"]] == ["data-engineer"]


def test_a_lone_surrogate_in_a_json_string_is_a_400_naming_the_field(api, track):
    """JSON can spell a half of a UTF-16 pair (\\ud800) that no database column can hold."""
    raw = json.dumps({"notes": "x"})[:-2] + '\\ud800"}'
    response = api.generic("PATCH", "/api/v1/progress/sql/", raw, content_type="application/json")
    assert_names_its_fields(response, ["notes"])


def test_an_oversized_json_body_is_a_413_and_changes_nothing(api, owner, track, settings):
    """Past API_MAX_BODY_BYTES the body is not even read."""
    settings.API_MAX_BODY_BYTES = 4096
    response = api.patch("/api/v1/progress/sql/", {"notes": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not MilestoneProgress.objects.filter(user=owner).exists()
