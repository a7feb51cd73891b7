"""The one error shape: malformed JSON, oversized bodies, wrong media types."""

import pytest


@pytest.mark.django_db
def test_malformed_json_is_400_never_500(api):
    response = api.generic("POST", "/api/v1/enrollments/", b'{"track": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_an_oversized_body_is_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api.generic(
        "PATCH", "/api/v1/me/", b'{"display_name": "' + b"x" * 2000 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_415(api):
    response = api.generic(
        "POST", "/api/v1/devices/", b"platform=ios", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert set(response.json()) == {"code", "message"}


@pytest.mark.django_db
def test_timestamps_are_utc_iso_8601(api):
    assert api.get("/api/v1/me/").data["date_joined"].endswith("Z")


@pytest.mark.django_db
def test_options_on_every_route_answers_without_a_server_error(api):
    from tests.test_permissions_table import api_routes

    for route, _ in api_routes():
        url = route.replace("<int:pk>", "1").replace("<slug:slug>", "x").replace("<slug:milestone_slug>", "x")
        response = api.options(url)
        assert response.status_code < 500, (url, response.status_code)
