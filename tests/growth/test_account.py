"""Skill ratings and company checks are in the person's data export and go with their account."""

from accounts.export import export_user_data
from growth.models import CompanyCheck, SkillRating

SCORES = {"programming": 3, "ml_algorithms": 2, "data_modelling": 2, "software_engineering": 4, "communication": 3}


def test_the_export_holds_ratings_with_their_positions_and_checks_with_their_verdicts(owner, other):
    SkillRating.objects.record(owner, owner, SCORES, note="mine")
    SkillRating.objects.record(owner, other, SCORES)
    CompanyCheck.objects.create(user=owner, company="Acme", has_data="no", has_data_note="They buy reports")
    data = export_user_data(owner)
    mine, mentors = data["skill_ratings"]
    assert mine["rated_by"] == "self"
    assert mine["mentor"] is None
    assert mine["note"] == "mine"
    assert mine["scores"] == SCORES
    assert mine["position"] == {"se": 3.5, "ml": 2.0, "communication": 3.0}
    assert mentors["rated_by"] == "mentor"
    assert mentors["mentor"] == other.name
    [check] = data["company_checks"]
    assert check["company"] == "Acme"
    assert check["answers"]["has_data"] == "no"
    assert check["notes"]["has_data"] == "They buy reports"
    assert check["verdict"]["outlook"] == "think_twice"


def test_the_api_export_has_them_too(api, owner):
    CompanyCheck.objects.create(user=owner, company="Acme")
    assert api.get("/api/v1/me/export/").json()["company_checks"][0]["company"] == "Acme"


def test_another_persons_ratings_and_checks_are_not_in_the_export(owner, other):
    SkillRating.objects.record(other, other, SCORES)
    CompanyCheck.objects.create(user=other, company="Acme")
    data = export_user_data(owner)
    assert data["skill_ratings"] == []
    assert data["company_checks"] == []


def test_deleting_the_account_deletes_its_checks(owner):
    CompanyCheck.objects.create(user=owner, company="Acme")
    owner.delete()
    assert not CompanyCheck.objects.exists()
