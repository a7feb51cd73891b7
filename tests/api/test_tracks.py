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
    data = anon.get("/api/v1/tracks/t/").data
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

    CareerLevel.objects.filter(track__slug="machine-learning-engineer").update(salary_max=999999)
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
