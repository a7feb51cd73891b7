"""A client generated from the served schema compiles, and survives the enum values v1 may add.

The compatibility policy lets v1 responses carry enum values that an app in
people's hands was not built with. A generated client checks enums strictly,
so the schema declares a response's enum as "one of these, or any other
string" (``api.schema.open_enums_in_responses``); requests stay strict.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.generated_client import generated_client
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Status


@pytest.fixture(scope="session")
def client_package(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        schema = Client().get("/api/v1/schema/")
    assert schema.status_code == 200
    return generated_client(schema.content.decode(), tmp_path_factory)


def test_the_generated_client_compiles_and_has_every_operation(client_package):
    import importlib

    for module in ("api.dashboard.dashboard_retrieve", "api.auth.auth_register_create", "api.progress.progress_list"):
        assert callable(importlib.import_module(f"{client_package.__name__}.{module}").sync_detailed), module


def test_a_response_with_a_status_it_has_never_seen_parses(client_package, api, owner):
    import importlib

    models = importlib.import_module(f"{client_package.__name__}.models")
    track = CareerTrackFactory()
    milestone = MilestoneFactory()
    LadderStepFactory(track=track, milestone=milestone)
    EnrollmentFactory(user=owner, track=track, target_date=timezone.localdate() + timedelta(days=400))
    body = api.get("/api/v1/dashboard/").json()
    plan = body["enrollments"][0]
    # The values a later v1 server might send: a plan state and a milestone state the client never saw.
    plan["status"] = "on_hold"
    plan["next_up"][0]["status"] = "awaiting_review"

    dashboard = models.Dashboard.from_dict(body)

    parsed = dashboard.enrollments[0]
    assert parsed.status == "on_hold"
    assert parsed.next_up[0].status == "awaiting_review"
    # A value it knows still arrives as the enum.
    known = models.Dashboard.from_dict(api.get("/api/v1/dashboard/").json())
    assert known.enrollments[0].status is models.EnrollmentStatusEnum.ACTIVE
    assert known.enrollments[0].next_up[0].status is models.ProgressStateEnum.NOT_STARTED
    assert str(Status.NOT_STARTED) == models.ProgressStateEnum.NOT_STARTED.value


def test_requests_keep_strict_enums(client_package):
    import importlib

    models = importlib.import_module(f"{client_package.__name__}.models")
    with pytest.raises(ValueError, match="on_hold"):
        models.EnrollmentWritableStatusEnum("on_hold")
