"""Deeply nested JSON is a 400 in the API's error shape on every endpoint, never a 500.

3,000 levels of ``[[[...]]]`` (6 KB) used to reach Python's recursion limit
in the JSON decoder. The one JSON parser (``api.parsers``) refuses bodies
nested beyond ``MAX_NESTING`` levels with code ``parse_error``, and the
Idempotency-Key middleware, which reads the body before any view, stores
nothing for such a request.
"""

import pytest
import requests

from api.models import IdempotencyKey
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tests.test_permissions_table import allowed_methods, api_routes

MAX_NESTING = 32  # api.parsers.MAX_NESTING: clients are promised this much, and the message names it
DEEP = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


def nested(levels: int) -> str:
    """A body of ``levels`` nested lists inside an enrollment request."""
    return '{"track": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


@pytest.fixture
def world(owner):
    track = CareerTrackFactory(slug="data-engineer")
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="sql"))
    return {"enrollment": EnrollmentFactory(user=owner, track=track)}


def assert_nesting_refused(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "parse_error"
    assert f"nested more than {MAX_NESTING} levels" in body["message"]


# Every endpoint that reads a JSON body, signed in or not.
BODY_READERS = [
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/token/refresh/"),
    ("post", "/api/v1/auth/logout/"),
    ("post", "/api/v1/enrollments/"),
    ("patch", "/api/v1/enrollments/{enrollment}/"),
    ("patch", "/api/v1/progress/sql/"),
    ("patch", "/api/v1/me/"),
    ("post", "/api/v1/devices/"),
    ("post", "/api/v1/role-fit/"),
]
OPEN_TO_ANYONE = ("/api/v1/auth/", "/api/v1/role-fit/")


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["lists", "objects"])
@pytest.mark.parametrize(("method", "path"), BODY_READERS)
def test_a_body_nested_3000_levels_is_a_400_parse_error(api, anon, world, method, path, body):
    """Signed in or anonymous, each endpoint that reads JSON answers 400 parse_error naming the limit."""
    url = path.format(enrollment=world["enrollment"].pk)
    signed_in = getattr(api, method)(url, body, content_type="application/json")
    assert_nesting_refused(signed_in)
    anonymous = getattr(anon, method)(url, body, content_type="application/json")
    if url.startswith(OPEN_TO_ANYONE):  # the body is read for anyone
        assert_nesting_refused(anonymous)
    else:  # the login check comes first
        assert anonymous.status_code == 401


@pytest.mark.django_db
def test_no_route_and_method_answers_a_deep_body_with_a_server_error(api, anon, world):
    """Every write method of every API route, signed in and anonymous: never a 500."""
    for route, view_class in api_routes():
        url = (
            route.replace("<int:pk>", str(world["enrollment"].pk))
            .replace("<slug:slug>", "data-engineer")
            .replace("<slug:milestone_slug>", "sql")
        )
        for method in allowed_methods(view_class) - {"get"}:
            for client in (api, anon):
                response = getattr(client, method)(url, DEEP, content_type="application/json")
                assert response.status_code < 500, (method, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 500, 990])
def test_any_depth_past_the_limit_is_the_same_400(api, world, levels):
    """Past the limit, shallow enough for the decoder or not, the answer is the same."""
    assert_nesting_refused(api.post("/api/v1/enrollments/", nested(levels), content_type="application/json"))


@pytest.mark.django_db
def test_a_body_at_the_limit_is_read_and_judged_by_its_fields(api, world):
    """Nesting up to the limit is parsed; a list where a slug belongs is a field error, not a parse error."""
    response = api.post("/api/v1/enrollments/", nested(MAX_NESTING), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"track"}


@pytest.mark.django_db
def test_a_deep_body_with_an_idempotency_key_keeps_no_key_and_is_refused_again(anon):
    """The middleware hashes the raw bytes of a body it cannot canonicalise; the 400 frees the key."""
    for _ in range(2):
        response = anon.post(
            "/api/v1/auth/register/", DEEP, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep-1"
        )
        assert_nesting_refused(response)
        assert "Idempotent-Replayed" not in response
    assert not IdempotencyKey.objects.exists()


@pytest.mark.redis
def test_a_real_server_answers_a_deep_anonymous_body_with_a_400(live_api):
    """Over real HTTP, in a gunicorn worker thread, registration refuses the body cleanly."""
    live_api.reset_counters()
    response = requests.post(
        f"{live_api.url}/api/v1/auth/register/",
        data=DEEP,
        headers={"Content-Type": "application/json", "Idempotency-Key": "deep-live"},
        timeout=30,
    )
    assert_nesting_refused(response)
