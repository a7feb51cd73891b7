"""Progress through the API covers only milestones a person may see, and sync names only what the app may hold.

A milestone may be seen when it is active and on a visible ladder step of a
published track (``Milestone.objects.on_published_ladders``). Any other slug
is a 404 to read or write, exactly as an unknown one, and ``removed`` never
names a milestone that was never published.
"""

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
from tracker.models import CareerTrack, Milestone, MilestoneProgress, ProgressEvent

URL = "/api/v1/progress/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(owner):
    """The owner follows a published track; beside it a draft track, a hidden milestone and one on no track."""
    published = CareerTrackFactory(slug="published")
    draft = CareerTrackFactory(slug="draft", is_published=False)
    LadderStepFactory(track=published, milestone=MilestoneFactory(slug="sql"), order=1)
    LadderStepFactory(track=published, milestone=MilestoneFactory(slug="retired", is_active=False), order=2)
    LadderStepFactory(track=draft, milestone=MilestoneFactory(slug="draft-secret"), order=1)
    shared = MilestoneFactory(slug="shared")  # on the draft and on the published track
    LadderStepFactory(track=draft, milestone=shared, order=2)
    LadderStepFactory(track=published, milestone=shared, order=3)
    MilestoneFactory(slug="unplaced")  # created by an editor, on no ladder yet
    EnrollmentFactory(user=owner, track=published)
    return published


def test_the_rule_is_active_milestones_on_a_visible_step_of_a_published_track(catalogue):
    """``on_published_ladders`` holds each visible milestone of a published track once, and nothing else."""
    seen = Milestone.objects.on_published_ladders().order_by("slug")
    assert list(seen.values_list("slug", flat=True)) == ["shared", "sql"]


@pytest.mark.parametrize("slug", ["draft-secret", "unplaced", "retired", "nope"])
def test_a_milestone_no_one_may_see_is_a_404_to_read_and_to_write(api, owner, catalogue, slug):
    """Draft-only, unplaced, hidden and unknown slugs all answer the same 404, and nothing is written."""
    read = api.get(f"{URL}{slug}/")
    assert read.status_code == 404
    assert read.json() == {"code": "not_found", "message": "Not found."}
    written = api.patch(f"{URL}{slug}/", {"status": "in_progress", "notes": "peeking"}, format="json")
    assert written.status_code == 404
    assert written.json() == {"code": "not_found", "message": "Not found."}
    assert not MilestoneProgress.objects.filter(user=owner).exists()
    assert not ProgressEvent.objects.filter(user=owner).exists()


def test_a_milestone_also_on_a_published_track_is_read_and_written(api, owner, catalogue):
    """Being on a draft too does not hide a milestone that a published track shows."""
    assert api.patch(f"{URL}shared/", {"status": "in_progress"}, format="json").status_code == 200
    assert api.get(f"{URL}shared/").json()["status"] == "in_progress"


def test_a_withdrawn_track_is_neither_read_nor_written_and_its_milestones_are_removed(api, owner, catalogue):
    """Once its track is withdrawn a milestone leaves the list, answers 404, and sync tells the app to drop it."""
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    CareerTrack.objects.filter(slug="published").set_published(False)
    assert [item["milestone"] for item in api.get(URL).json()["results"]] == []
    assert api.get(f"{URL}sql/").status_code == 404
    assert api.patch(f"{URL}sql/", {"status": "done"}, format="json").status_code == 404
    # The owner followed it, so the app held these; "draft-secret" and "unplaced" it never saw.
    assert api.get(URL, {"updated_since": since}).json()["removed"] == ["retired", "shared", "sql"]


def test_sync_removes_only_what_the_app_may_hold(api, owner, other, catalogue):
    """``removed`` names hidden and left milestones, never one of a draft track or one on no track."""
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    other_track = CareerTrackFactory(slug="other-track")  # published, not followed: ?track= lists it
    LadderStepFactory(track=other_track, milestone=MilestoneFactory(slug="elsewhere"))
    touched = MilestoneFactory(slug="touched-long-ago")  # on no track now, but the owner has a state on it
    MilestoneProgressFactory(user=owner, milestone=touched, status="done")
    MilestoneProgressFactory(user=other, milestone=Milestone.objects.get(slug="unplaced"), status="done")

    body = api.get(URL, {"updated_since": since}).json()
    assert body["removed"] == ["elsewhere", "retired", "touched-long-ago"]
    for never_published in ("draft-secret", "unplaced"):
        assert never_published not in body["removed"]


def test_a_followed_track_left_sends_its_milestones_to_removed(api, owner, catalogue):
    """Leaving (archiving) the plan moves its milestones from the list to ``removed``."""
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    owner.enrollments.get().change_status("archived")
    body = api.get(URL, {"updated_since": since}).json()
    assert body["results"] == []
    assert body["removed"] == ["retired", "shared", "sql"]


def test_a_milestone_hidden_or_unpublished_after_a_write_is_a_404_on_the_next_write(api, owner, catalogue):
    """The catalogue's visible slugs are held in memory under the catalogue stamp: an edit ends them at once."""
    assert api.patch(f"{URL}sql/", {"status": "in_progress"}, format="json").status_code == 200
    Milestone.objects.filter(slug="sql").set_active(False)
    assert api.patch(f"{URL}sql/", {"status": "done"}, format="json").status_code == 404
    assert api.patch(f"{URL}shared/", {"status": "in_progress"}, format="json").status_code == 200
    catalogue.is_published = False
    catalogue.save()
    assert api.patch(f"{URL}shared/", {"status": "done"}, format="json").status_code == 404


def test_another_persons_own_milestone_is_a_404_and_ones_own_is_not(api, owner, other, catalogue):
    mine = MilestoneFactory(slug="my-own-goal", owner=owner)
    theirs = MilestoneFactory(slug="their-own-goal", owner=other)
    assert api.patch(f"{URL}{mine.slug}/", {"status": "in_progress"}, format="json").status_code == 200
    assert api.patch(f"{URL}{theirs.slug}/", {"status": "in_progress"}, format="json").status_code == 404
    mine.is_active = False
    mine.save()
    assert api.patch(f"{URL}{mine.slug}/", {"status": "done"}, format="json").status_code == 404
