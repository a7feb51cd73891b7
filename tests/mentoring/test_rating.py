"""The mentor's own rating of the learner's skills, recorded through ``growth`` (web and API)."""

from __future__ import annotations

from growth.models import RatedBy, Skill, SkillRating

from .test_access import api_as

SCORES = {"programming": 4, "ml_algorithms": 3, "data_modelling": 3, "software_engineering": 2, "communication": 4}


def test_the_mentor_rates_the_learner_on_the_web(client, learner, mentor, mentorship):
    client.force_login(mentor)
    page = client.get(f"/mentorships/{mentorship.pk}/rate/").content.decode()
    assert "Rate Olive Owner&#x27;s skills" in page or "Rate Olive Owner's skills" in page
    refused = client.post(f"/mentorships/{mentorship.pk}/rate/", {"programming": "4"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    assert not SkillRating.objects.exists()
    response = client.post(
        f"/mentorships/{mentorship.pk}/rate/", {**{k: str(v) for k, v in SCORES.items()}, "note": "Good"}
    )
    assert response["Location"] == f"/mentorships/{mentorship.pk}/"
    rating = SkillRating.objects.get()
    assert (rating.person, rating.rater, rating.rated_by, rating.note) == (learner, mentor, RatedBy.MENTOR, "Good")
    assert rating.programming == 4


def test_only_the_mentor_rates_and_a_former_mentor_cannot(client, learner, mentor, other, mentorship):
    client.force_login(learner)
    assert client.get(f"/mentorships/{mentorship.pk}/rate/").status_code == 404
    client.force_login(other)
    assert client.post(f"/mentorships/{mentorship.pk}/rate/", SCORES).status_code == 404
    mentorship.end(by=learner)
    client.force_login(mentor)
    assert client.post(f"/mentorships/{mentorship.pk}/rate/", SCORES).status_code == 404
    assert (
        api_as(mentor)
        .post(f"/api/v1/mentorships/{mentorship.pk}/ratings/", {"scores": SCORES}, format="json")
        .status_code
        == 404
    )
    assert not SkillRating.objects.exists()


def test_the_mentor_rates_through_the_api(learner, mentor, mentorship):
    url = f"/api/v1/mentorships/{mentorship.pk}/ratings/"
    made = api_as(mentor).post(url, {"scores": SCORES, "note": "From our sessions"}, format="json")
    assert made.status_code == 201
    assert made.json()["scores"] == SCORES
    missing = api_as(mentor).post(url, {"scores": {"programming": 4}}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == set(Skill.values) - {"programming"}
    assert api_as(learner).post(url, {"scores": SCORES}, format="json").json()["code"] == "not_mentor"
    assert SkillRating.objects.get().rated_by == RatedBy.MENTOR
