"""Tracks: the published catalogue, filters, detail with levels and milestones, ETags."""

import pytest

from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory, ResourceFactory


@pytest.mark.django_db
def test_it_lists_published_tracks_only_in_catalogue_order(anon, seeded):
    CareerTrackFactory(slug="draft", is_published=False)
    response = anon.get("/api/v1/tracks/")
    assert response.status_code == 200
    slugs = [t["slug"] for t in response.data["results"]]
    assert "draft" not in slugs
    assert slugs[0] == "data-scientist"
    assert response.data["count"] == len(slugs) == 10


@pytest.mark.django_db
def test_it_filters_by_parent_and_searches_by_name(anon, seeded):
    children = anon.get("/api/v1/tracks/?parent=machine-learning-engineer").data["results"]
    assert children
    assert {t["parent"] for t in children} == {"machine-learning-engineer"}
    found = anon.get("/api/v1/tracks/?search=mlops").data["results"]
    assert [t["slug"] for t in found] == ["mlops-engineer"]


@pytest.mark.django_db
def test_the_detail_has_levels_with_salary_bands_and_milestones_with_their_details(anon):
    track = CareerTrackFactory(slug="t")
    level = CareerLevelFactory(track=track, slug="junior", salary_min=50000, salary_max=70000)
    base = MilestoneFactory(slug="base")
    top = MilestoneFactory(slug="top", category="certification", effort_weeks=6)
    top.prerequisites.add(base)
    ResourceFactory(milestone=top, url="https://example.com/guide")
    LadderStepFactory(track=track, milestone=base, order=1)
    LadderStepFactory(track=track, milestone=top, order=2, level=level)
    hidden = MilestoneFactory(slug="hidden", is_active=False)
    LadderStepFactory(track=track, milestone=hidden, order=3)
    data = anon.get("/api/v1/tracks/t/").json()
    assert data["levels"][0]["salary_min"] == 50000
    assert [m["slug"] for m in data["milestones"]] == ["base", "top"]
    top_data = data["milestones"][1]
    assert top_data["category"] == "certification"
    assert top_data["prerequisites"] == ["base"]
    assert top_data["effort_weeks"] == 6
    assert top_data["level"] == "junior"
    assert top_data["resources"] == [{"title": "A guide", "url": "https://example.com/guide"}]


@pytest.mark.django_db
def test_an_unpublished_or_unknown_track_is_404(anon):
    CareerTrackFactory(slug="draft", is_published=False)
    assert anon.get("/api/v1/tracks/draft/").status_code == 404
    response = anon.get("/api/v1/tracks/nope/")
    assert response.status_code == 404
    assert response.data["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/tracks/", "/api/v1/tracks/machine-learning-engineer/"])
def test_it_answers_if_none_match_with_304_until_the_content_changes(anon, seeded, url):
    first = anon.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    from tracker.models import CareerLevel

    # Edited the way an editor does (save(), as the admin and the import
    # do), which is what renews the cached copy's stamp.
    level = CareerLevel.objects.filter(track__slug="machine-learning-engineer").first()
    level.salary_max = 999999
    level.save()
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    if url.endswith("machine-learning-engineer/"):
        assert changed.status_code == 200
        assert changed["ETag"] != etag
    else:  # the list carries no salaries
        assert changed.status_code == 304


@pytest.mark.django_db
def test_the_page_size_is_capped(anon, seeded):
    response = anon.get("/api/v1/tracks/?page_size=1")
    assert len(response.data["results"]) == 1
    assert response.data["next"].endswith("page=2&page_size=1")
    assert anon.get("/api/v1/tracks/?page=99").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "edit",
    [
        "rename_milestone",
        "hide_milestone_in_admin_action",
        "add_prerequisite",
        "delete_resource",
        "unpublish_track",
    ],
)
def test_a_cached_track_reflects_every_kind_of_content_edit(anon, seeded, edit):
    """The body is cached until the catalogue changes; each way of changing it shows at once."""
    from tracker import versions
    from tracker.models import CareerTrack, Milestone, Resource

    url = "/api/v1/tracks/machine-learning-engineer/"
    before = anon.get(url)
    assert anon.get(url).json() == before.json()  # served from the cache
    track = CareerTrack.objects.get(slug="machine-learning-engineer")
    step = track.steps.select_related("milestone").order_by("order").last()
    milestone = step.milestone
    if edit == "rename_milestone":
        milestone.title = "Renamed by an editor"
        milestone.save()
    elif edit == "hide_milestone_in_admin_action":
        Milestone.objects.filter(pk=milestone.pk).update(is_active=False)
        versions.catalogue_changed()  # what the admin action does after its update()
    elif edit == "add_prerequisite":
        extra = Milestone.objects.exclude(pk=milestone.pk).exclude(prerequisites=milestone).order_by("slug").last()
        milestone.prerequisites.add(extra)
    elif edit == "delete_resource":
        Resource.objects.filter(milestone__steps__track=track).first().delete()
    elif edit == "unpublish_track":
        track.is_published = False
        track.save()
    after = anon.get(url)
    if edit == "unpublish_track":
        assert after.status_code == 404
        return
    assert after.json() != before.json()
    assert after["ETag"] != before["ETag"]
