"""The benchmark's two reference endpoints answer only with the benchmark's settings, never otherwise."""

import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory, override_settings

from benchmarks import endpoints


def start_response_recorder():
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    return seen, start_response


def project(environ, start_response):
    start_response("404 Not Found", [])
    return [b"the project"]


def test_they_are_off_in_the_settings_every_deployment_uses():
    """Off in careerplan.settings (which production builds on) and not read from the environment."""
    assert settings.BENCHMARK_ENDPOINTS is False
    source = (settings.BASE_DIR / "careerplan" / "settings.py").read_text()
    assert "BENCHMARK_ENDPOINTS = False" in source
    assert 'env_bool("BENCHMARK_ENDPOINTS"' not in source


@pytest.mark.django_db
def test_without_the_setting_both_paths_are_404(client):
    assert client.get(endpoints.PLAIN_PATH).status_code == 404
    assert client.get(endpoints.BARE_PATH).status_code == 404
    with pytest.raises(Http404):
        endpoints.plain(RequestFactory().get(endpoints.PLAIN_PATH))
    # The WSGI application is the project's own, not wrapped.
    assert endpoints.with_bare_endpoint(project) is project


@override_settings(BENCHMARK_ENDPOINTS=True)
def test_with_the_setting_the_bare_callable_answers_before_the_project():
    app = endpoints.with_bare_endpoint(project)
    seen, start_response = start_response_recorder()
    assert b"".join(app({"PATH_INFO": endpoints.BARE_PATH}, start_response)) == b'{"ok":true}'
    assert seen["status"] == "200 OK"
    seen, start_response = start_response_recorder()
    assert app({"PATH_INFO": "/api/v1/ping/"}, start_response) == [b"the project"]


@override_settings(BENCHMARK_ENDPOINTS=True)
def test_with_the_setting_the_plain_view_answers_json():
    response = endpoints.plain(RequestFactory().get(endpoints.PLAIN_PATH))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_benchmark_settings_turn_them_on():
    text = (settings.BASE_DIR / "benchmarks" / "settings.py").read_text()
    assert "from careerplan.settings import *" in text
    assert "BENCHMARK_ENDPOINTS = True" in text
