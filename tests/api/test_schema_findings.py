"""What the fuzzer (tests/api/test_schemathesis.py) found once, pinned so that it stays fixed."""

import pytest

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_a_precondition_on_a_milestone_never_touched_is_a_412_not_a_500(api, owner):
    track = CareerTrackFactory()
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="untouched"))
    EnrollmentFactory(user=owner, track=track)

    response = api.patch("/api/v1/progress/untouched/", {}, format="json", HTTP_IF_MATCH='"7"')

    assert response.status_code == 412
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current"]["version"] == 0
    assert response["ETag"] == '"0"'


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": 0}, "display_name"),
        ({"reminder_preferences": {"skills_checkin_enabled": 0}}, "reminder_preferences"),
        ({"timezone": 1}, "timezone"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_converted(api, body, field):
    response = api.patch("/api/v1/me/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_password_sent_as_a_number_is_refused(anon):
    response = anon.post("/api/v1/auth/register/", {"email": "n@example.com", "password": 123456789}, format="json")

    assert response.status_code == 400
    assert response.json()["field_codes"]["password"] == ["invalid"]
