"""Enrollments: enrol, list, change, archive, plan dates; idempotent retries."""

import datetime as dt

import pytest

from api.models import IdempotencyKey
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment

URL = "/api/v1/enrollments/"


@pytest.mark.django_db
def test_it_enrols_and_enrolling_again_returns_the_same_enrollment(api, owner):
    CareerTrackFactory(slug="t")
    first = api.post(URL, {"track": "t", "target_date": "2030-01-01"})
    assert first.status_code == 201
    assert first.data["status"] == "active"
    again = api.post(URL, {"track": "t"})
    assert again.status_code == 200
    assert again.data["id"] == first.data["id"]
    assert Enrollment.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
def test_it_refuses_an_unpublished_or_unknown_track_by_field(api):
    CareerTrackFactory(slug="draft", is_published=False)
    for slug in ("draft", "nope"):
        response = api.post(URL, {"track": slug})
        assert response.status_code == 400
        assert set(response.data["fields"]) == {"track"}


@pytest.mark.django_db
def test_the_list_holds_only_my_current_enrollments_unless_archived_are_asked_for(api, owner, other):
    mine = EnrollmentFactory(user=owner)
    archived = EnrollmentFactory(user=owner, status="archived")
    EnrollmentFactory(user=other)
    assert [e["id"] for e in api.get(URL).data["results"]] == [mine.pk]
    assert [e["id"] for e in api.get(URL + "?status=archived").data["results"]] == [archived.pk]
    assert api.get(URL + "?status=bogus").status_code == 400


@pytest.mark.django_db
def test_patch_changes_status_and_target_date_but_not_the_track(api, owner):
    enrollment = EnrollmentFactory(user=owner)
    response = api.patch(f"{URL}{enrollment.pk}/", {"status": "paused", "target_date": "2031-05-01", "track": "x"})
    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.target_date) == ("paused", dt.date(2031, 5, 1))
    bad = api.patch(f"{URL}{enrollment.pk}/", {"status": "archived"})
    assert bad.status_code == 400
    assert "status" in bad.data["fields"]


@pytest.mark.django_db
def test_delete_archives_and_keeps_the_row(api, owner):
    enrollment = EnrollmentFactory(user=owner)
    assert api.delete(f"{URL}{enrollment.pk}/").status_code == 204
    enrollment.refresh_from_db()
    assert enrollment.status == "archived"
    assert api.get(f"{URL}{enrollment.pk}/").data["status"] == "archived"


@pytest.mark.django_db
def test_plan_spreads_dates_up_to_the_target(api, owner):
    track = CareerTrackFactory(slug="t")
    for n in range(3):
        LadderStepFactory(track=track, milestone=MilestoneFactory(slug=f"m{n}"), order=n)
    target = dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=90)
    enrollment = EnrollmentFactory(user=owner, track=track, target_date=target)
    response = api.post(f"{URL}{enrollment.pk}/plan/")
    assert response.status_code == 200
    planned = response.data["planned"]
    assert [p["milestone"] for p in planned] == ["m0", "m1", "m2"]
    assert planned[-1]["target_date"] == target.isoformat()


@pytest.mark.django_db
def test_plan_without_a_target_date_is_400_naming_the_field(api, owner):
    enrollment = EnrollmentFactory(user=owner, target_date=None)
    response = api.post(f"{URL}{enrollment.pk}/plan/")
    assert response.status_code == 400
    assert "target_date" in response.data["fields"]


@pytest.mark.django_db
def test_a_retried_post_with_the_same_idempotency_key_replays_the_first_answer(api, owner):
    CareerTrackFactory(slug="t")
    CareerTrackFactory(slug="u")
    first = api.post(URL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="k-1")
    Enrollment.objects.all().delete()  # even if the object went away, the retry must not make another
    retry = api.post(URL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (retry.status_code, retry.data) == (first.status_code, first.data)
    assert retry["Idempotent-Replayed"] == "true"
    assert not Enrollment.objects.exists()
    reused = api.post(URL, {"track": "u"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 409
    assert reused.data["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_failed_request_does_not_burn_its_idempotency_key(api):
    assert api.post(URL, {"track": "later"}, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    assert not IdempotencyKey.objects.exists()
    CareerTrackFactory(slug="later")
    assert api.post(URL, {"track": "later"}, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


@pytest.mark.django_db
def test_idempotency_keys_are_per_user(api, other_api):
    CareerTrackFactory(slug="t")
    assert api.post(URL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert other_api.post(URL, {"track": "t"}, HTTP_IDEMPOTENCY_KEY="same").status_code == 201


@pytest.mark.django_db
def test_an_archived_enrollment_cannot_be_revived_by_patch(api, owner):
    archived = EnrollmentFactory(user=owner, status="archived")
    EnrollmentFactory(user=owner, track=archived.track)
    response = api.patch(f"{URL}{archived.pk}/", {"status": "active"})
    assert response.status_code == 409
    assert response.data["code"] == "archived"
