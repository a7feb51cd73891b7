"""``updated_since`` at the edges of the calendar: a 400 naming the field, never a 500.

``9999-12-31T23:59:59-01:00`` parses as a valid time, but it is past the last
moment a datetime holds once turned to UTC, where the database compares it
(OverflowError); ``0001-01-01T00:00:00+01:00`` is before the first.
"""

import pytest

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory

URL = "/api/v1/progress/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(slug="data-engineer")
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="sql"))
    return EnrollmentFactory(user=owner, track=track)


@pytest.mark.parametrize(
    "since",
    ["9999-12-31T23:59:59-01:00", "9999-12-31T23:00:00-05:30", "0001-01-01T00:00:00+01:00", "0001-01-01T00:59+14:00"],
)
def test_a_time_outside_the_years_1_to_9999_in_utc_is_a_400_naming_the_field(api, plan, since):
    """The answer is the API's validation error, with the field and its message."""
    response = api.get(URL, {"updated_since": since})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {"updated_since": ["Give a time between the years 1 and 9999 in UTC."]}


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        ("9999-12-31T23:59:59Z", []),  # the last moment there is: nothing changed after it
        ("9999-12-31T22:59:59-01:00", []),  # the same moment, written with an offset
        ("0001-01-01T00:00:00Z", ["sql"]),  # the first moment: everything changed after it
        ("0001-01-01T01:00:00+01:00", ["sql"]),
    ],
)
def test_the_first_and_last_moments_themselves_are_answered(api, plan, since, listed):
    """The edges that do fit in UTC are ordinary times."""
    response = api.get(URL, {"updated_since": since})
    assert response.status_code == 200, response.content[:300]
    assert [item["milestone"] for item in response.json()["results"]] == listed
    assert response.json()["removed"] == []
