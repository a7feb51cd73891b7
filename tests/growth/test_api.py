"""The growth API: skills, ratings with their map positions, where you stand, company checks; scoped to the caller."""

from growth.models import CompanyCheck, SkillRating
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Category

SCORES = {"programming": 3, "ml_algorithms": 2, "data_modelling": 2, "software_engineering": 4, "communication": 3}


def test_skills_lists_the_five_with_their_level_descriptions(api):
    response = api.get("/api/v1/skills/")
    assert response.status_code == 200
    body = response.json()
    assert [s["key"] for s in body] == [
        "programming",
        "ml_algorithms",
        "data_modelling",
        "software_engineering",
        "communication",
    ]
    assert all(len(s["levels"]) == 5 for s in body)
    assert response["ETag"]
    assert api.get("/api/v1/skills/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_rating_answers_201_with_where_it_places_you(api, owner):
    response = api.post("/api/v1/skills/ratings/", {**SCORES, "note": "after the course"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rated_by"] == "self"
    assert body["rater_name"] is None
    assert body["note"] == "after the course"
    assert (body["position"]["se"], body["position"]["ml"], body["position"]["communication"]) == (3.5, 2.0, 3.0)
    assert SkillRating.objects.get(person=owner).software_engineering == 4


def test_a_bad_rating_is_a_400_naming_each_field_and_saves_nothing(api):
    response = api.post("/api/v1/skills/ratings/", {**SCORES, "programming": 7, "communication": None}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"programming", "communication"}
    assert body["field_codes"]["programming"] == ["max_value"]
    assert body["field_codes"]["communication"] == ["null"]
    assert not SkillRating.objects.exists()


def test_the_list_holds_the_callers_ratings_only_mentors_named(api, owner, other):
    SkillRating.objects.record(owner, owner, SCORES)
    SkillRating.objects.record(owner, other, SCORES)
    SkillRating.objects.record(other, other, SCORES)
    body = api.get("/api/v1/skills/ratings/").json()
    assert body["count"] == 2
    assert {r["rated_by"] for r in body["results"]} == {"self", "mentor"}
    assert {r["rater_name"] for r in body["results"]} == {None, other.name}


def test_standing_gives_the_trail_the_target_the_gap_and_the_milestones_that_close_it(api, owner):
    track = CareerTrackFactory(slug="platform-ml", se_skill=5, ml_knowledge=2)
    milestone = MilestoneFactory(category=Category.EXPERIENCE, slug="team-year")
    LadderStepFactory(track=track, milestone=milestone)
    plan = EnrollmentFactory(user=owner, track=track)
    api.post("/api/v1/skills/ratings/", SCORES, format="json")
    api.post("/api/v1/skills/ratings/", {**SCORES, "software_engineering": 5}, format="json")
    body = api.get("/api/v1/skills/standing/").json()
    assert [p["se"] for p in body["trail"]] == [3.5, 4.0]
    assert body["position"]["se"] == 4.0
    assert body["target"]["slug"] == "platform-ml"
    assert body["plan"] == plan.pk
    assert body["gap"] == {"se": 1.0, "ml": 0.0, "communication": 0.0}
    assert [m["slug"] for m in body["closing"]["se"]] == ["team-year"]
    assert "ml" not in body["closing"]
    assert body["mentor"] is None


def test_standing_with_no_rating_has_no_position(api, owner):
    body = api.get("/api/v1/skills/standing/").json()
    assert body["position"] is None
    assert body["trail"] == []
    assert body["gap"] is None
    assert body["target"] is None


def test_company_checks_are_created_listed_changed_and_deleted(api, owner):
    created = api.post(
        "/api/v1/company-checks/", {"company": "Acme", "has_data": "yes", "use_cases": "partly"}, format="json"
    )
    assert created.status_code == 201, created.json()
    check = created.json()
    assert check["must_have"] == "unknown"
    assert check["verdict"]["outlook"] == "find_out"
    assert check["verdict"]["reasons"][0].startswith("Ask whether an ML feature has shipped")
    assert api.get("/api/v1/company-checks/").json()["count"] == 1
    changed = api.patch(f"/api/v1/company-checks/{check['id']}/", {"must_have": "no"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["verdict"]["outlook"] == "think_twice"
    assert api.delete(f"/api/v1/company-checks/{check['id']}/").status_code == 204
    assert not CompanyCheck.objects.exists()


def test_a_second_check_of_the_same_company_is_a_400_duplicate(api, owner):
    api.post("/api/v1/company-checks/", {"company": "Acme"}, format="json")
    response = api.post("/api/v1/company-checks/", {"company": "ACME "}, format="json")
    assert response.status_code == 400
    assert response.json()["field_codes"]["company"] == ["duplicate"]
    other = api.post("/api/v1/company-checks/", {"company": "Beta"}, format="json").json()
    renamed = api.patch(f"/api/v1/company-checks/{other['id']}/", {"company": "acme"}, format="json")
    assert renamed.status_code == 400


def test_bad_answers_and_a_blank_name_are_400s(api):
    response = api.post("/api/v1/company-checks/", {"company": " ", "has_data": "maybe"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"company", "has_data"}


def test_another_persons_check_is_a_404(api, other):
    check = CompanyCheck.objects.create(user=other, company="Theirs")
    assert api.get(f"/api/v1/company-checks/{check.pk}/").status_code == 404
    assert api.patch(f"/api/v1/company-checks/{check.pk}/", {"company": "Mine"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/company-checks/{check.pk}/").status_code == 404
    assert CompanyCheck.objects.get(pk=check.pk).company == "Theirs"


def test_signed_out_callers_get_a_401(anon, db):
    for path in ("/api/v1/skills/ratings/", "/api/v1/skills/standing/", "/api/v1/company-checks/"):
        assert anon.get(path).status_code == 401
