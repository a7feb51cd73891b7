"""ping/: a token check and the server's clock for the app's sync."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_it_answers_with_the_callers_id_and_the_server_time(api, owner):
    response = api.get("/api/v1/ping/")
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == owner.pk
    assert datetime.fromisoformat(body["server_time"]).tzinfo is not None


@pytest.mark.django_db
def test_it_reads_nothing_but_the_authenticated_user(api):
    # The benchmark's floor: whatever it costs, every endpoint costs too.
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/ping/").status_code == 200
    tables = {q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries if " FROM " in q["sql"]}
    assert tables == {'"accounts_user"'}, queries.captured_queries


@pytest.mark.django_db
def test_it_refuses_a_caller_without_a_token(anon):
    response = anon.get("/api/v1/ping/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
