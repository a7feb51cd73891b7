"""Comments and reviews are in the learner's data export and go with their account (or the mentor's)."""

from __future__ import annotations

from accounts.export import export_user_data
from mentoring.models import Comment, Invite, Mentorship, Review, Verdict


def _thread(mentorship, plan, milestone, learner, mentor):
    Comment.objects.create(
        mentorship=mentorship, enrollment=plan, milestone=milestone, author=mentor, body="Looks good"
    )
    Comment.objects.create(mentorship=mentorship, enrollment=plan, milestone=milestone, author=learner, body="Thanks")
    Review.objects.create(
        mentorship=mentorship,
        enrollment=plan,
        milestone=milestone,
        request_note="Enough?",
        verdict=Verdict.APPROVED,
        note="Yes",
    )


def test_the_learners_export_holds_the_comments_and_reviews(learner, mentor, mentorship, plan, milestone, invite):
    _thread(mentorship, plan, milestone, learner, mentor)
    data = export_user_data(learner)
    [kept] = data["mentorships"]
    assert (kept["role"], kept["mentor"], kept["plans"]) == ("learner", "Mina Mentor", [plan.pk])
    assert [(c["author"], c["body"], c["by_me"]) for c in kept["comments"]] == [
        ("Mina Mentor", "Looks good", False),
        ("Olive Owner", "Thanks", True),
    ]
    assert [(r["milestone"], r["request_note"], r["verdict"], r["note"]) for r in kept["reviews"]] == [
        ("sql", "Enough?", "approved", "Yes")
    ]
    assert data["mentor_invitations"][0]["email"] == "mentor@example.com"


def test_the_api_export_has_them_too(learner, mentor, mentorship, plan, milestone):
    from .test_access import api_as

    _thread(mentorship, plan, milestone, learner, mentor)
    assert len(api_as(learner).get("/api/v1/me/export/").json()["mentorships"][0]["comments"]) == 2


def test_a_stranger_s_export_holds_none_of_it(other, learner, mentor, mentorship, plan, milestone):
    _thread(mentorship, plan, milestone, learner, mentor)
    assert export_user_data(other)["mentorships"] == []


def test_deleting_the_learners_account_deletes_the_mentorship_comments_reviews_and_invitations(
    learner, mentor, mentorship, plan, milestone, invite
):
    _thread(mentorship, plan, milestone, learner, mentor)
    learner.delete()
    assert not Mentorship.objects.exists()
    assert not Comment.objects.exists()
    assert not Review.objects.exists()
    assert not Invite.objects.exists()
    mentor.refresh_from_db()  # the mentor's account stays


def test_deleting_the_mentors_account_ends_what_they_saw_with_it(learner, mentor, mentorship, plan, milestone):
    _thread(mentorship, plan, milestone, learner, mentor)
    mentor.delete()
    assert not Mentorship.objects.exists()
    assert not Comment.objects.exists()
    learner.refresh_from_db()
