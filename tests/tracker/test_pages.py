"""The public pages a visitor sees first."""

import pytest

from tests.factories import CareerTrackFactory


def test_the_landing_page_lists_published_tracks_with_specialisations_under_their_parent(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("Data Scientist", "Machine Learning Engineer", "Data Engineer", "Research MLE", "Startup MLE"):
        assert name in body
    assert 'href="/tracks/research-mle/"' in body


def test_an_unpublished_track_is_not_listed_and_its_page_is_a_404(client, db):
    CareerTrackFactory(slug="secret-draft", name="Secret draft track", is_published=False)
    assert "Secret draft track" not in client.get("/").content.decode()
    assert client.get("/tracks/secret-draft/").status_code == 404


def test_the_ml_engineer_page_shows_its_ladder_with_salary_bands(client, seeded):
    response = client.get("/tracks/machine-learning-engineer/")
    assert response.status_code == 200
    body = response.content.decode()
    for title, low, high in [
        ("Junior ML Engineer", "84,563", "109,500"),
        ("Director of ML", "187,500", "237,500"),
    ]:
        assert title in body
        assert low in body
        assert high in body
    assert "Talent.com" in body
    assert "AWS Certified Machine Learning" in body


@pytest.mark.parametrize("slug", ["data-engineer", "mlops-engineer", "ml-researcher", "startup-mle"])
def test_every_track_page_renders_in_a_constant_number_of_queries(client, seeded, slug, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(f"/tracks/{slug}/").status_code == 200


def test_a_missing_track_is_a_404(client, db):
    assert client.get("/tracks/no-such-track/").status_code == 404


def test_the_track_page_lists_its_milestones_by_category_linking_to_each_step(client, seeded):
    import re

    from tracker.models import CareerTrack

    track = CareerTrack.objects.get(slug="machine-learning-engineer")
    steps = list(track.visible_steps())
    body = client.get(track.get_absolute_url()).content.decode()
    section = body[body.index('id="by-category"') :]
    for step in steps:
        assert f'href="#m-{step.milestone.slug}"' in section
        assert f'id="m-{step.milestone.slug}"' in body
    # Each milestone sits in its own category's card.
    cards = re.findall(r'badge-(\w+)">[^<]+</span></h3>(.*?)</ul>', section, re.S)
    placed = {slug: category for category, card in cards for slug in re.findall(r'href="#m-([\w-]+)"', card)}
    assert placed == {s.milestone.slug: s.milestone.category for s in steps}
