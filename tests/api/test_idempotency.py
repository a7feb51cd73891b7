"""Idempotency-Key on every API POST: one middleware, registration included; keys expire and dead claims free up."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotencyKey
from api.tasks import prune_idempotency_keys
from tests.api_clients import client_for
from tests.factories import CareerTrackFactory, UserFactory
from tracker.models import Enrollment

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
ENROL = "/api/v1/enrollments/"
BODY = {"email": "new@example.com", "password": "a long and unusual passphrase"}


def test_a_retried_registration_replays_the_first_answer_and_makes_one_account(anon):
    """The app's sign-up form retried after a dropped connection must not fail with "already exists"."""
    from accounts.models import User

    first = anon.post(REGISTER, BODY, HTTP_IDEMPOTENCY_KEY="signup-1")
    retry = anon.post(REGISTER, BODY, HTTP_IDEMPOTENCY_KEY="signup-1")
    assert first.status_code == 202
    assert (retry.status_code, retry.json()) == (202, first.json())
    assert retry["Idempotent-Replayed"] == "true"
    assert User.objects.filter(email="new@example.com").count() == 1


def test_an_anonymous_key_replays_only_the_identical_body(anon):
    """Anonymous keys share one space, so a replay also needs the same body (a password included)."""
    assert anon.post(REGISTER, BODY, HTTP_IDEMPOTENCY_KEY="shared").status_code == 202
    other = anon.post(REGISTER, {**BODY, "password": "another long passphrase"}, HTTP_IDEMPOTENCY_KEY="shared")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert "access" not in other.json()


def test_the_same_json_in_another_key_order_is_the_same_request(api):
    CareerTrackFactory(slug="t")
    first = api.post(
        ENROL, '{"track": "t", "target_date": "2030-01-01"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    again = api.post(
        ENROL, '{"target_date":"2030-01-01","track":"t"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Enrollment.objects.count() == 1


def test_a_key_whose_request_died_is_refused_while_fresh_and_runs_again_after_the_lock_time(api, owner, settings):
    """A first request that crashed before answering leaves a claim; it blocks retries only for a while."""
    settings.IDEMPOTENCY_LOCK_SECONDS = 60
    CareerTrackFactory(slug="t")
    now = timezone.now()
    IdempotencyKey.objects.create(
        user=owner, key="died", method="POST", path=ENROL, request_hash=_hash({"track": "t"}), created_at=now
    )
    busy = api.post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="died")
    assert (busy.status_code, busy.json()["code"]) == (409, "idempotency_in_progress")
    assert not Enrollment.objects.exists()
    with time_machine.travel(now + timedelta(seconds=61)):
        later = api.post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="died")
    assert later.status_code == 201
    assert Enrollment.objects.count() == 1
    assert IdempotencyKey.objects.get(key="died").response_status == 201


def test_a_key_is_forgotten_after_a_day_and_pruned_by_the_beat_task(api, owner):
    CareerTrackFactory(slug="t")
    start = timezone.now()
    assert api.post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    Enrollment.objects.all().delete()
    with time_machine.travel(start + timedelta(hours=25)):
        fresh = client_for(owner).post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="old")
        assert fresh.status_code == 201
        assert "Idempotent-Replayed" not in fresh
        IdempotencyKey.objects.create(
            user=owner, key="stale", method="POST", path=ENROL, request_hash="x", created_at=start - timedelta(hours=2)
        )
        assert prune_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["old"]


def test_an_overlong_key_is_a_400_naming_the_header(api):
    response = api.post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["fields"] == {"Idempotency-Key": ["Use at most 255 characters."]}


def test_keys_go_with_their_account(api, owner):
    CareerTrackFactory(slug="t")
    api.post(ENROL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="mine")
    UserFactory(email="someone@example.com")
    owner.delete()
    assert not IdempotencyKey.objects.exists()


def test_every_post_in_the_schema_documents_the_header(anon):
    schema = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    posts = [(path, ops["post"]) for path, ops in schema["paths"].items() if "post" in ops]
    assert len(posts) >= 8
    for path, operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert names.count("Idempotency-Key") == 1, path


def _hash(data):
    import hashlib
    import json

    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
