"""The mentoring API: invitations, mentorships, shared plans, comments and reviews, scoped to the caller."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from mentoring.models import Invite, InviteState, Mentorship, Review
from nudges.models import Notification

from .test_access import api_as


def test_a_learner_invites_lists_and_withdraws(learner, plan, other_plan):
    api = api_as(learner)
    made = api.post(
        "/api/v1/mentor-invites/",
        {"email": "mentor@example.com", "share_all": False, "plans": [plan.pk]},
        format="json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["email"], body["share_all"], body["plans"], body["state"]) == (
        "mentor@example.com",
        False,
        [plan.pk],
        "pending",
    )
    assert len(mail.outbox) == 1
    assert [i["id"] for i in api.get("/api/v1/mentor-invites/").json()["results"]] == [body["id"]]
    withdrawn = api.post(f"/api/v1/mentor-invites/{body['id']}/withdraw/")
    assert withdrawn.json()["state"] == "withdrawn"
    assert api.post(f"/api/v1/mentor-invites/{body['id']}/withdraw/").json()["state"] == "withdrawn"


def test_invitation_errors_name_the_field_and_the_code(learner, plan):
    api = api_as(learner)
    own = api.post("/api/v1/mentor-invites/", {"email": learner.email}, format="json")
    assert own.status_code == 400
    assert own.json()["field_codes"] == {"email": ["self"]}
    some = api.post("/api/v1/mentor-invites/", {"email": "m@example.com", "share_all": False}, format="json")
    assert some.status_code == 400
    assert "plans" in some.json()["fields"]
    api.post("/api/v1/mentor-invites/", {"email": "m@example.com"}, format="json")
    twice = api.post("/api/v1/mentor-invites/", {"email": "M@example.com"}, format="json")
    assert twice.status_code == 400
    assert twice.json()["field_codes"] == {"email": ["duplicate"]}


def test_a_plan_id_no_database_could_hold_is_a_400_not_a_500(learner, plan):
    """Found by schemathesis: an integer past 64 bits reached the query and overflowed SQLite's INTEGER."""
    api = api_as(learner)
    for plans in ([2**80], [0], [-1]):
        body = {"email": "m@example.com", "share_all": False, "plans": plans}
        refused = api.post("/api/v1/mentor-invites/", body, format="json")
        assert refused.status_code == 400, plans
        assert set(refused.json()["field_codes"]) == {"plans"}
    assert not Invite.objects.exists()


def test_accepting_by_token_and_every_refusal_has_its_code(learner, mentor, other, invite, plan):
    token = invite.token()
    assert (
        api_as(learner).post("/api/v1/mentor-invites/accept/", {"token": token}, format="json").json()["code"]
        == "own_invite"
    )
    accepted = api_as(mentor).post("/api/v1/mentor-invites/accept/", {"token": token}, format="json")
    assert accepted.status_code == 201
    assert (accepted.json()["role"], accepted.json()["learner"], accepted.json()["plans"]) == (
        "mentor",
        "Olive Owner",
        [plan.pk],
    )
    replay = api_as(other).post("/api/v1/mentor-invites/accept/", {"token": token}, format="json")
    assert (replay.status_code, replay.json()["code"]) == (409, "invite_accepted")
    withdrawn = Invite.objects.create(learner=learner, email="x@example.com", state=InviteState.WITHDRAWN)
    refused = api_as(other).post("/api/v1/mentor-invites/accept/", {"token": withdrawn.token()}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "invite_withdrawn")
    old = Invite.objects.create(learner=learner, email="y@example.com")
    Invite.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = api_as(other).post("/api/v1/mentor-invites/accept/", {"token": old.token()}, format="json")
    assert (expired.status_code, expired.json()["code"]) == (409, "invite_expired")
    forged = api_as(other).post("/api/v1/mentor-invites/accept/", {"token": token[:-2] + "xx"}, format="json")
    assert forged.status_code == 404
    assert Mentorship.objects.count() == 1


def test_mentorships_are_listed_for_both_sides_with_their_role(learner, mentor, other, mentorship):
    assert [m["role"] for m in api_as(learner).get("/api/v1/mentorships/").json()["results"]] == ["learner"]
    assert [m["role"] for m in api_as(mentor).get("/api/v1/mentorships/").json()["results"]] == ["mentor"]
    assert api_as(other).get("/api/v1/mentorships/").json()["results"] == []
    listed = api_as(mentor).get("/api/v1/mentorships/")
    assert api_as(mentor).get("/api/v1/mentorships/", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304


def test_comments_and_reviews_through_the_api(learner, mentor, mentorship, plan, django_capture_on_commit_callbacks):
    as_mentor, as_learner = api_as(mentor), api_as(learner)
    url = f"/api/v1/mentorships/{mentorship.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        made = as_mentor.post(
            f"{url}/comments/", {"plan": plan.pk, "milestone": "sql", "body": "Hi <b>"}, format="json"
        )
    assert made.status_code == 201
    assert made.json()["body"] == "Hi <b>"
    assert made.json()["by_me"]
    assert [c["by_me"] for c in as_learner.get(f"{url}/comments/").json()["results"]] == [False]
    assert (
        as_mentor.post(
            f"{url}/comments/", {"plan": plan.pk, "milestone": "papers", "body": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        as_mentor.post(f"{url}/reviews/", {"plan": plan.pk, "milestone": "sql"}, format="json").json()["code"]
        == "not_learner"
    )
    with django_capture_on_commit_callbacks(execute=True):
        asked = as_learner.post(
            f"{url}/reviews/", {"plan": plan.pk, "milestone": "sql", "note": "Enough?"}, format="json"
        )
        again = as_learner.post(f"{url}/reviews/", {"plan": plan.pk, "milestone": "sql"}, format="json")
    assert (asked.status_code, again.status_code, again.json()["id"]) == (201, 200, asked.json()["id"])
    verdict = f"{url}/reviews/{asked.json()['id']}/verdict/"
    assert as_learner.post(verdict, {"verdict": "approved"}, format="json").json()["code"] == "not_mentor"
    bad = as_mentor.post(verdict, {"verdict": "maybe"}, format="json")
    assert bad.status_code == 400
    assert "verdict" in bad.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        given = as_mentor.post(verdict, {"verdict": "approved", "note": "Solid"}, format="json")
    assert given.json()["verdict"] == "approved"
    twice = as_mentor.post(verdict, {"verdict": "needs_more", "note": "More"}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_reviewed")
    assert Review.objects.get().verdict == "approved"
    titles = sorted(Notification.objects.filter(rule="mentor").values_list("title", flat=True))
    assert titles == [
        "Mina Mentor approved your evidence for SQL",
        "Mina Mentor commented on SQL",
        "Olive Owner asks you to review SQL",
    ]


def test_a_mentors_token_reaches_only_what_was_shared(mentor, mentorship, plan, other_plan, learner, other):
    from tests.mentoring.conftest import make_mentorship

    elsewhere = make_mentorship(other, learner)  # the learner mentors someone else: not the mentor's business
    api = api_as(mentor)
    assert api.get(f"/api/v1/mentorships/{elsewhere.pk}/").status_code == 404
    assert api.get(f"/api/v1/mentorships/{elsewhere.pk}/plans/").status_code == 404
    assert api.get(f"/api/v1/enrollments/{plan.pk}/").status_code == 404
    assert api.get(f"/api/v1/mentorships/{mentorship.pk}/plans/{other_plan.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/mentorships/{mentorship.pk}/comments/",
            {"plan": other_plan.pk, "milestone": "papers", "body": "x"},
            format="json",
        ).status_code
        == 404
    )
