"""The catalogue's delta (sync/catalogue/) and the ETag of the full track list."""

import pytest

from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    ChecklistItemFactory,
    LadderStepFactory,
    MilestoneFactory,
    ResourceFactory,
)
from tracker.models import CareerTrack, Milestone

pytestmark = pytest.mark.django_db

CATALOGUE = "/api/v1/sync/catalogue/"


def sync_all(client, cursor=None):
    changes = []
    while True:
        body = client.get(CATALOGUE, {"cursor": cursor} if cursor else {}).json()
        changes += body["changes"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes, cursor


def test_a_first_catalogue_sync_has_the_published_tracks_and_their_milestones_only(anon):
    track = CareerTrackFactory(slug="ml-engineer")
    milestone = MilestoneFactory(slug="python")
    LadderStepFactory(track=track, milestone=milestone)
    ResourceFactory(milestone=milestone, title="The tutorial")
    ChecklistItemFactory(milestone=milestone, title="Write a script")
    draft = CareerTrackFactory(slug="draft", is_published=False)
    LadderStepFactory(track=draft, milestone=MilestoneFactory(slug="secret"))

    changes, _ = sync_all(anon)

    assert {(c["kind"], c["data"]["slug"]) for c in changes} == {("track", "ml-engineer"), ("milestone", "python")}
    python = next(c["data"] for c in changes if c["kind"] == "milestone")
    assert [r["title"] for r in python["resources"]] == ["The tutorial"]
    assert [i["title"] for i in python["checklist"]] == ["Write a script"]
    track_data = next(c["data"] for c in changes if c["kind"] == "track")
    assert [m["slug"] for m in track_data["milestones"]] == ["python"]


def test_after_a_cursor_only_changed_tracks_come_and_a_withdrawn_one_is_a_tombstone(anon):
    kept = CareerTrackFactory(slug="kept")
    LadderStepFactory(track=kept, milestone=MilestoneFactory(slug="a"))
    edited = CareerTrackFactory(slug="edited")
    withdrawn = CareerTrackFactory(slug="withdrawn")
    _, cursor = sync_all(anon)

    CareerLevelFactory(track=edited, title="Senior")
    CareerTrack.objects.filter(pk=withdrawn.pk).set_published(False)
    Milestone.objects.filter(slug="a").update(title="A, renamed")

    changes, _ = sync_all(anon, cursor)

    got = {(c["kind"], c["id"], c["deleted"]) for c in changes}
    a = Milestone.objects.get(slug="a")
    assert got == {
        ("track", edited.pk, False),
        ("track", withdrawn.pk, True),
        ("track", kept.pk, False),  # its milestone's title shows in its detail
        ("milestone", a.pk, False),
    }


def test_the_full_track_list_answers_if_none_match_with_304_until_it_changes(anon):
    CareerTrackFactory(slug="one")
    first = anon.get("/api/v1/tracks/")
    etag = first["ETag"]
    assert anon.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    CareerTrackFactory(slug="two")
    changed = anon.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
