"""What a mentor sees: only the plans shared with them, read-only, and nothing at all once the mentorship ends."""

from __future__ import annotations

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from mentoring.models import Mentorship


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_the_mentor_sees_the_shared_plan_with_evidence_dates_and_checklist_but_never_the_notes(
    client, mentor, mentorship, plan
):
    client.force_login(mentor)
    page = client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").content.decode()
    assert "Olive Owner&#x27;s plan" in page or "Olive Owner's plan" in page
    assert "SQL" in page
    assert "Spark" in page
    assert "github.com/olive/sql-practice" in page or "olive/sql-practice" in page
    assert "In progress" in page
    assert "PRIVATE-NOTE" not in page
    assert "olive@example.com" not in page
    assert "owner@example.com" not in page
    # Read-only: none of the plan's own forms.
    assert "/status/" not in page
    assert "/details/" not in page


def test_the_mentor_sees_only_the_plans_shared_with_them(client, mentor, mentorship, plan, other_plan):
    client.force_login(mentor)
    assert client.get(f"/mentorships/{mentorship.pk}/plans/{other_plan.pk}/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/").status_code == 404  # the learner's own page stays theirs
    page = client.get("/mentees/").content.decode()
    assert "Data Engineer" in page
    assert "ML Researcher" not in page
    api = api_as(mentor)
    plans = api.get(f"/api/v1/mentorships/{mentorship.pk}/plans/").json()
    assert [p["id"] for p in plans] == [plan.pk]
    assert plans[0]["milestones"][0]["evidence_url"] == "https://github.com/olive/sql-practice"
    assert "notes" not in plans[0]["milestones"][0]
    assert api.get(f"/api/v1/mentorships/{mentorship.pk}/plans/{other_plan.pk}/").status_code == 404


def test_the_learner_changes_what_the_mentor_sees(client, learner, mentor, mentorship, plan, other_plan):
    client.force_login(learner)
    share = f"share-{mentorship.pk}"
    response = client.post(
        f"/mentors/{mentorship.pk}/sharing/", {f"{share}-share": "some", f"{share}-plans": [other_plan.pk]}
    )
    assert response.status_code == 302
    assert list(Mentorship.objects.get().visible_plans()) == [other_plan]
    client.force_login(mentor)
    assert client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/mentorships/{mentorship.pk}/plans/{other_plan.pk}/").status_code == 200
    # Through the API too, the learner only.
    assert (
        api_as(mentor).patch(f"/api/v1/mentorships/{mentorship.pk}/", {"share_all": True}, format="json").status_code
        == 409
    )
    answer = api_as(learner).patch(f"/api/v1/mentorships/{mentorship.pk}/", {"share_all": True}, format="json")
    assert answer.status_code == 200
    assert sorted(answer.json()["plans"]) == sorted([plan.pk, other_plan.pk])


def test_a_plan_the_learner_leaves_is_no_longer_shown(client, mentor, mentorship, plan):
    plan.change_status("archived")
    client.force_login(mentor)
    assert client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").status_code == 404


def test_ending_the_mentorship_cuts_the_mentors_access_at_once_on_the_web(client, learner, mentor, mentorship, plan):
    client.force_login(mentor)
    url = f"/mentorships/{mentorship.pk}/plans/{plan.pk}/"
    assert client.get(url).status_code == 200
    assert "Data Engineer" in client.get("/mentees/").content.decode()
    learner_client = type(client)()
    learner_client.force_login(learner)
    assert learner_client.post(f"/mentorships/{mentorship.pk}/end/").status_code == 302
    assert client.get(url).status_code == 404
    assert "Data Engineer" not in client.get("/mentees/").content.decode()
    assert (
        client.post(
            f"/mentorships/{mentorship.pk}/plans/{plan.pk}/milestones/sql/comments/", {"c-sql-body": "hi"}
        ).status_code
        == 404
    )
    assert 'data-testid="mentor"' not in learner_client.get("/mentors/").content.decode()


def test_ending_the_mentorship_cuts_the_mentors_access_at_once_in_the_api(mentor, mentorship, plan):
    api = api_as(mentor)
    assert api.get(f"/api/v1/mentorships/{mentorship.pk}/plans/{plan.pk}/").status_code == 200
    assert api.post(f"/api/v1/mentorships/{mentorship.pk}/end/").status_code == 204
    for path in ("plans/", f"plans/{plan.pk}/", "comments/", "reviews/", ""):
        response = api.get(f"/api/v1/mentorships/{mentorship.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert api.get("/api/v1/mentorships/").json()["results"] == []


def test_a_stranger_sees_nothing(client, other, mentorship, plan):
    client.force_login(other)
    assert client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/mentorships/{mentorship.pk}/end/").status_code == 404
    assert api_as(other).get(f"/api/v1/mentorships/{mentorship.pk}/plans/").status_code == 404
    assert Mentorship.objects.get().is_active


def test_the_mentees_page_shows_who_is_stalled_and_the_reviews_waiting(
    client, learner, mentor, mentorship, plan, milestone
):
    from datetime import timedelta

    from django.utils import timezone

    from mentoring.models import Review
    from tracker.models import Enrollment, ProgressEvent

    ProgressEvent.objects.filter(user=learner).update(created_at=timezone.now() - timedelta(days=10))
    Enrollment.objects.filter(pk=plan.pk).update(started_at=timezone.now() - timedelta(days=20))
    Review.objects.create(mentorship=mentorship, enrollment=plan, milestone=milestone)
    client.force_login(mentor)
    page = client.get("/mentees/").content.decode()
    assert 'data-testid="stalled"' in page
    assert "No progress for 10 days" in page
    assert "1 review waiting" in page
    ProgressEvent.objects.filter(user=learner).update(created_at=timezone.now())
    assert 'data-testid="stalled"' not in client.get("/mentees/").content.decode()
