"""The catalogue with the map of roles, the track page's Enroll button and the role-fit quiz."""

import re

from tracker.models import CareerTrack, Enrollment


def test_the_catalogue_groups_specialisations_under_ml_engineer(client, seeded):
    body = client.get("/tracks/").content.decode()
    group = body[body.index("Specialisations of Machine Learning Engineer") :]
    group = group[: group.index("</ul>")]
    for name in ("Research MLE", "Product MLE", "Systems MLE", "Data-Centric MLE", "Startup MLE"):
        assert name in group


def test_the_role_map_has_a_linked_bubble_per_published_track_sized_by_communication(client, seeded):
    body = client.get("/tracks/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert "Software-engineering skill" in svg
    assert "Machine-learning knowledge" in svg
    links = re.findall(r'<a href="(/tracks/[a-z-]+/)" class="map-bubble', svg)
    assert sorted(links) == sorted(t.get_absolute_url() for t in CareerTrack.objects.published())
    radii = {
        slug: float(r)
        for slug, r in re.findall(
            r'<a href="/tracks/([a-z-]+)/"[^>]*>\s*<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"', svg
        )
    }
    # Data Scientist weighs communication 5, Data Engineer 2.
    assert radii["data-scientist"] > radii["data-engineer"]


def test_tracks_on_the_same_point_of_the_map_do_not_hide_each_other(client, seeded):
    svg = client.get("/tracks/").content.decode()
    centres = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(centres) == CareerTrack.objects.published().count()
    assert len(set(centres)) == len(centres)


def test_the_track_page_offers_enroll_and_anonymous_visitors_are_sent_to_sign_up(client, seeded):
    body = client.get("/tracks/data-engineer/").content.decode()
    assert 'action="/tracks/data-engineer/enroll/"' in body
    response = client.post("/tracks/data-engineer/enroll/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/?next=%2Ftracks%2Fdata-engineer%2Fenroll%2F"


def test_enrolling_twice_keeps_one_plan_and_the_track_page_links_to_it(client, seeded, owner):
    client.force_login(owner)
    first = client.post("/tracks/data-engineer/enroll/")
    second = client.post("/tracks/data-engineer/enroll/")
    plan = Enrollment.objects.get(user=owner)
    # The first time opens "What do you already have?" (tests/tracker/test_onboarding.py).
    assert first["Location"] == f"/plans/{plan.pk}/already-have/"
    assert second["Location"] == f"/plans/{plan.pk}/"
    assert f'href="/plans/{plan.pk}/"' in client.get("/tracks/data-engineer/").content.decode()


def test_an_unpublished_track_cannot_be_enrolled_in(client, owner, db):
    from tests.factories import CareerTrackFactory

    CareerTrackFactory(slug="draft", is_published=False)
    client.force_login(owner)
    assert client.post("/tracks/draft/enroll/").status_code == 404


def test_the_quiz_ranks_tracks_with_reasons_and_places_the_person_on_the_map(client, seeded):
    response = client.get(
        "/quiz/", {"se_skill": 5, "ml_knowledge": 1, "communication": 2, "produces": "deployed_systems"}
    )
    body = response.content.decode()
    results = body[body.index("Your best fits") :]
    first = re.search(r'class="fit-title">.*?<a href="/tracks/([a-z-]+)/">', results).group(1)
    assert first == "mlops-engineer"
    assert "It delivers what you enjoy producing" in results
    assert 'action="/tracks/mlops-engineer/enroll/"' in results
    assert 'class="map-you"' in body


def test_the_quiz_with_bad_answers_says_so_next_to_each_question_and_keeps_the_rest(client, seeded):
    body = client.get("/quiz/", {"se_skill": 9, "ml_knowledge": 3, "communication": 2}).content.decode()
    assert 'id="id_se_skill-error"' in body
    assert 'id="id_produces-error"' in body
    assert "Your best fits" not in body
    assert re.search(r'value="3"[^>]*id="id_ml_knowledge_2"[^>]*checked|id="id_ml_knowledge_2"[^>]*checked', body)


def test_the_landing_page_invites_visitors_to_sign_up(client, seeded):
    body = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in body
    assert 'href="/quiz/"' in body
