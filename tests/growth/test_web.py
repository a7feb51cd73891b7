"""The "Where you stand" page and the company check pages, without JavaScript."""

import re

from growth.models import CompanyCheck, SkillRating
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Category

RATING = {
    "programming": "3",
    "ml_algorithms": "2",
    "data_modelling": "2",
    "software_engineering": "4",
    "communication": "3",
    "note": "First go",
}


def test_it_asks_signed_out_visitors_to_sign_in(client, db):
    for url in ("/skills/", "/companies/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_rating_form_offers_each_skill_as_a_radio_group_with_the_levels_described(client, owner):
    client.force_login(owner)
    body = client.get("/skills/").content.decode()
    assert body.count('<fieldset class="card') == 5
    assert "<legend>Communication and technical writing</legend>" in body
    assert "I ship features end to end: tests, packaging, CI and a deployment." in body
    assert len(re.findall(r'type="radio" name="software_engineering"', body)) == 5


def test_rating_saves_and_redirects_to_the_map_and_the_form_starts_from_the_last_rating(client, owner):
    client.force_login(owner)
    response = client.post("/skills/", RATING)
    assert response.status_code == 302
    assert response["Location"] == "/skills/#map-heading"
    rating = SkillRating.objects.get(person=owner)
    assert rating.rater == owner
    assert rating.software_engineering == 4
    assert rating.note == "First go"
    body = client.get("/skills/").content.decode()
    assert 'id="id_software_engineering_3" value="4" checked' in body
    assert 'data-testid="map-me" data-se="3.5" data-ml="2.0"' in body


def test_a_missing_skill_is_named_in_the_summary_and_beside_its_group_and_nothing_is_saved(client, owner):
    client.force_login(owner)
    response = client.post("/skills/", {**RATING, "communication": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_communication_0">Communication and technical writing: Choose a level from 1 to 5.' in body
    assert 'id="id_communication_error"' in body
    # What was chosen stays chosen.
    assert 'id="id_programming_2" value="3" checked' in body
    assert not SkillRating.objects.exists()


def test_an_out_of_range_level_is_refused(client, owner):
    client.force_login(owner)
    response = client.post("/skills/", {**RATING, "programming": "9"})
    assert response.status_code == 400
    assert not SkillRating.objects.exists()


def test_the_page_shows_the_gap_to_the_target_and_the_plans_milestones_that_close_it(client, owner):
    track = CareerTrackFactory(name="Platform ML", se_skill=5, ml_knowledge=2)
    milestone = MilestoneFactory(category=Category.PROJECT, title="Ship a model behind an API")
    LadderStepFactory(track=track, milestone=milestone)
    plan = EnrollmentFactory(user=owner, track=track)
    client.force_login(owner)
    client.post("/skills/", RATING)
    body = client.get("/skills/").content.decode()
    assert "Platform ML</a> asks for 5 in software engineering" in body
    assert "Software engineering: <strong>1.5</strong> to go" in body
    assert "Machine learning: reached" in body
    assert f'href="/plans/{plan.pk}/#m-{milestone.slug}">Ship a model behind an API</a>' in body
    assert "map-bubble-target" in body


def test_history_shows_a_mentors_rating_apart_from_ones_own(client, owner, other):
    SkillRating.objects.record(owner, other, {k: int(v) for k, v in RATING.items() if k != "note"})
    client.force_login(owner)
    body = client.get("/skills/").content.decode()
    assert f"Mentor: {other.name}" in body
    assert "map-mentor" in body


def test_a_company_check_is_added_listed_with_its_verdict_and_edited(client, owner):
    client.force_login(owner)
    response = client.post(
        "/companies/",
        {
            "new-company": "Acme Analytics",
            "new-has_data": "yes",
            "new-has_data_note": "Ten years of sales data",
            "new-use_cases": "no",
            "new-must_have": "unknown",
        },
    )
    check = CompanyCheck.objects.get(user=owner)
    assert response["Location"] == f"/companies/#company-{check.pk}"
    body = client.get("/companies/").content.decode()
    assert "Acme Analytics" in body
    assert "Think twice." in body
    assert "Ten years of sales data" in body
    response = client.post(
        f"/companies/{check.pk}/",
        {"company": "Acme Analytics", "has_data": "yes", "use_cases": "yes", "must_have": "yes"},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.verdict.outlook == "promising"


def test_a_refused_company_check_shows_its_errors_and_keeps_what_was_typed(client, owner):
    CompanyCheck.objects.create(user=owner, company="Acme")
    client.force_login(owner)
    response = client.post("/companies/", {"new-company": "acme", "new-has_data": "maybe", "new-has_data_note": "kept"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_new-company">Company: You already have a check for this company.' in body
    assert 'href="#id_new-has_data_0">' in body
    assert "kept</textarea>" in body
    assert CompanyCheck.objects.count() == 1


def test_another_persons_company_check_is_not_found(client, owner, other):
    check = CompanyCheck.objects.create(user=other, company="Theirs")
    client.force_login(owner)
    assert client.get(f"/companies/{check.pk}/").status_code == 404
    assert client.post(f"/companies/{check.pk}/delete/").status_code == 404
    assert CompanyCheck.objects.filter(pk=check.pk).exists()


def test_removing_a_company_check(client, owner):
    check = CompanyCheck.objects.create(user=owner, company="Acme")
    client.force_login(owner)
    response = client.post(f"/companies/{check.pk}/delete/")
    assert response.status_code == 302
    assert not CompanyCheck.objects.exists()


def test_the_catalogue_map_marks_a_signed_in_persons_position_and_target(client, seeded, owner):
    from tracker.models import CareerTrack

    EnrollmentFactory(user=owner, track=CareerTrack.objects.get(slug="data-engineer"))
    SkillRating.objects.record(
        owner,
        owner,
        {"programming": 2, "ml_algorithms": 2, "data_modelling": 2, "software_engineering": 2, "communication": 2},
    )
    client.force_login(owner)
    body = client.get("/tracks/").content.decode()
    assert 'data-testid="map-me" data-se="2.0" data-ml="2.0"' in body
    assert re.search(r'class="map-bubble map-bubble-target" data-track="data-engineer"', body)
    assert "The ringed bubble is your target: Data Engineer." in body
    client.logout()
    body = client.get("/tracks/").content.decode()
    assert "map-me" not in body
    assert "map-bubble-target" not in body


def test_an_empty_post_is_refused_not_ignored(client, owner):
    client.force_login(owner)
    assert client.post("/skills/", {}).status_code == 400
    assert client.post("/companies/", {}).status_code == 400
    assert not SkillRating.objects.exists()
    assert not CompanyCheck.objects.exists()


def test_the_dashboard_links_to_where_you_stand_and_lists_the_company_checks(client, owner):
    CompanyCheck.objects.create(user=owner, company="Acme", has_data="no")
    client.force_login(owner)
    body = client.get("/dashboard/").content.decode()
    card = body[body.index('data-testid="growth-card"') :]
    assert 'href="/skills/">Rate your skills</a>' in card
    assert f'href="/companies/{CompanyCheck.objects.get().pk}/">Acme</a>: Think twice' in card
    client.post("/skills/", RATING)
    card = client.get("/dashboard/").content.decode()
    assert "puts you at 3.5 in software engineering and 2.0 in machine learning" in card
