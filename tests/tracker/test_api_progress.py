"""Progress: per-milestone state, filters, PATCH with prerequisites, and incremental sync."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
)
from tracker.models import LadderStep, Milestone, MilestoneProgress, ProgressEvent

URL = "/api/v1/progress/"


@pytest.fixture
def ladder(owner):
    """The owner follows a track of basics -> advanced (advanced needs basics), plus a cert."""
    track = CareerTrackFactory(slug="t")
    basics = MilestoneFactory(slug="basics", category="skill")
    advanced = MilestoneFactory(slug="advanced", category="skill")
    advanced.prerequisites.add(basics)
    cert = MilestoneFactory(slug="cert", category="certification")
    for n, m in enumerate((basics, advanced, cert)):
        LadderStepFactory(track=track, milestone=m, order=n)
    EnrollmentFactory(user=owner, track=track)
    return track


def slugs(response):
    return [item["milestone"] for item in response.data["results"]]


@pytest.mark.django_db
def test_it_lists_the_milestones_of_my_tracks_with_my_state(api, owner, ladder):
    MilestoneProgressFactory(user=owner, milestone=Milestone.objects.get(slug="basics"), status="in_progress")
    response = api.get(URL)
    assert response.status_code == 200
    assert slugs(response) == ["advanced", "basics", "cert"]
    states = {item["milestone"]: item["status"] for item in response.data["results"]}
    assert states == {"advanced": "not_started", "basics": "in_progress", "cert": "not_started"}
    assert "removed" not in response.data


@pytest.mark.django_db
def test_it_filters_by_status_category_and_track(api, owner, ladder):
    MilestoneProgressFactory(user=owner, milestone=Milestone.objects.get(slug="basics"), status="done")
    assert slugs(api.get(URL + "?status=done")) == ["basics"]
    assert slugs(api.get(URL + "?status=not_started")) == ["advanced", "cert"]
    assert slugs(api.get(URL + "?category=certification")) == ["cert"]
    other_track = CareerTrackFactory(slug="other")
    LadderStepFactory(track=other_track, milestone=MilestoneFactory(slug="elsewhere"))
    assert slugs(api.get(URL + "?track=other")) == ["elsewhere"]


@pytest.mark.django_db
def test_an_unknown_status_filter_is_400_naming_the_field(api, ladder):
    response = api.get(URL + "?status=finished")
    assert response.status_code == 400
    assert "status" in response.data["fields"]
    assert api.get(URL + "?updated_since=yesterday").status_code == 400


@pytest.mark.django_db
def test_patch_on_an_untouched_milestone_creates_its_state_and_a_retry_is_harmless(api, owner, ladder):
    body = {"status": "in_progress", "notes": "Reading the book", "evidence_url": "https://example.com/x"}
    first = api.patch(URL + "basics/", body)
    assert first.status_code == 200
    assert first.data["status"] == "in_progress"
    assert first.data["notes"] == "Reading the book"
    again = api.patch(URL + "basics/", body)
    assert again.status_code == 200
    assert MilestoneProgress.objects.filter(user=owner).count() == 1
    assert ProgressEvent.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
def test_done_before_the_prerequisites_is_409_naming_them_then_succeeds(api, owner, ladder):
    refused = api.patch(URL + "advanced/", {"status": "done"})
    assert refused.status_code == 409
    assert refused.data["code"] == "prerequisites_missing"
    assert [m["slug"] for m in refused.data["missing"]] == ["basics"]
    assert api.patch(URL + "basics/", {"status": "done"}).status_code == 200
    done = api.patch(URL + "advanced/", {"status": "done", "track": "t"})
    assert done.status_code == 200
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="advanced").earned_in.slug == "t"


@pytest.mark.django_db
def test_bad_values_are_400_per_field(api, ladder):
    response = api.patch(URL + "basics/", {"status": "finished", "evidence_url": "not a url", "target_date": "soon"})
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"status", "evidence_url", "target_date"}


@pytest.mark.django_db
def test_a_hidden_or_unknown_milestone_is_404(api, ladder):
    Milestone.objects.filter(slug="cert").update(is_active=False)
    assert api.get(URL + "cert/").status_code == 404
    assert api.patch(URL + "nope/", {"status": "done"}).status_code == 404


@pytest.mark.django_db
def test_get_shows_my_state_and_never_another_users(api, other_api, owner, other, ladder):
    MilestoneProgressFactory(user=other, milestone=Milestone.objects.get(slug="basics"), status="done", notes="secret")
    mine = api.get(URL + "basics/").data
    assert (mine["status"], mine["notes"]) == ("not_started", "")
    assert other_api.get(URL + "basics/").data["notes"] == "secret"


@pytest.mark.django_db
def test_incremental_sync_returns_only_changes_and_reports_hidden_and_removed_milestones(api, owner, ladder):
    # Everything was synced a minute ago.
    past = timezone.now() - dt.timedelta(minutes=1)
    Milestone.objects.update(updated_at=past)
    type(owner.enrollments.get()).objects.update(updated_at=past)
    since = (timezone.now() - dt.timedelta(seconds=30)).isoformat()
    empty = api.get(URL, {"updated_since": since})
    assert slugs(empty) == []
    assert empty.data["removed"] == []

    api.patch(URL + "basics/", {"notes": "started"})
    # A removed step is named when the user has a state on its milestone (an
    # untouched one left on no track is indistinguishable from a draft: see
    # test_api_progress_visibility.py).
    api.patch(URL + "advanced/", {"notes": "next"})
    cert = Milestone.objects.get(slug="cert")
    cert.is_active = False
    cert.save()  # hidden by an editor: updated_at moves
    LadderStep.objects.filter(milestone__slug="advanced").delete()  # a step removed from the track
    MilestoneProgressFactory(user=owner, milestone=MilestoneFactory(slug="old"), status="done")

    response = api.get(URL, {"updated_since": since})
    assert slugs(response) == ["basics"]
    assert response.data["removed"] == ["advanced", "cert", "old"]


@pytest.mark.django_db
def test_a_lapsed_certification_reads_as_expired(api, owner, ladder):
    cert = Milestone.objects.get(slug="cert")
    cert.valid_for_months = 1
    cert.save()
    MilestoneProgressFactory(
        user=owner, milestone=cert, status="done", completed_at=timezone.now() - dt.timedelta(days=70)
    )
    assert api.get(URL + "cert/").data["status"] == "expired"
    assert "expired" in [item["status"] for item in api.get(URL).data["results"]]
