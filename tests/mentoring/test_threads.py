"""Threads and reviews: both sides write, plain text only; each review request and answer is news once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given

from mentoring.models import COMMENT_MAX_LENGTH, Comment, Review, Verdict
from nudges.models import Delivery, Notification, ReminderPreferences
from tests.factories import LadderStepFactory, MilestoneFactory
from tests.hostile import BOUNDED, INJECTIONS, hostile_text


def comment_url(mentorship, plan, slug="sql"):
    return f"/mentorships/{mentorship.pk}/plans/{plan.pk}/milestones/{slug}/comments/"


def review_url(mentorship, plan, slug="sql"):
    return f"/mentorships/{mentorship.pk}/plans/{plan.pk}/milestones/{slug}/review/"


def verdict_url(mentorship, review):
    return f"/mentorships/{mentorship.pk}/reviews/{review.pk}/"


def news(user):
    return list(Notification.objects.filter(user=user, rule="mentor").values_list("title", flat=True))


def test_both_sides_write_in_a_milestones_thread_and_the_other_is_told_once(
    client, learner, mentor, mentorship, plan, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(comment_url(mentorship, plan), {"c-sql-body": "Nice start.\nAdd tests?"})
    assert response["Location"] == f"/mentorships/{mentorship.pk}/plans/{plan.pk}/#m-sql"
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(mentorship, plan), {"c-sql-body": "Will do."})
    assert [c.author for c in Comment.objects.order_by("pk")] == [mentor, learner]
    assert news(learner) == ["Mina Mentor commented on SQL"]
    assert news(mentor) == ["Olive Owner commented on SQL"]
    assert sorted(m.subject for m in mail.outbox) == ["Mina Mentor commented on SQL", "Olive Owner commented on SQL"]
    page = client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").content.decode()
    assert "Nice start.<br>Add tests?" in page
    assert "Will do." in page


def test_a_comment_is_kept_to_its_length_and_a_blank_one_is_refused_beside_the_field(client, mentor, mentorship, plan):
    client.force_login(mentor)
    response = client.post(comment_url(mentorship, plan), {"c-sql-body": "x" * (COMMENT_MAX_LENGTH + 1)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'id="id_c-sql-body_error"' in page
    assert client.post(comment_url(mentorship, plan), {"c-sql-body": "   \x00 "}).status_code == 400
    assert not Comment.objects.exists()


def test_a_comment_on_a_milestone_outside_the_shared_plan_is_not_found(client, mentor, mentorship, plan, other_plan):
    client.force_login(mentor)
    assert client.post(comment_url(mentorship, plan, "papers"), {"c-papers-body": "Hi"}).status_code == 404
    assert client.post(comment_url(mentorship, other_plan, "papers"), {"c-papers-body": "Hi"}).status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_comments_are_kept_as_plain_escaped_text(client, mentor, mentorship, plan, text):
    client.force_login(mentor)
    response = client.post(comment_url(mentorship, plan), {"c-sql-body": text})
    assert response.status_code in (302, 400)
    page = client.get(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    for comment in Comment.objects.all():
        assert "\x00" not in comment.body
        assert "\x1b" not in comment.body


@BOUNDED
@given(text=hostile_text)
def test_any_comment_is_a_201_or_a_400_never_a_500(mentor, mentorship, plan, text):
    from .test_access import api_as

    response = api_as(mentor).post(
        f"/api/v1/mentorships/{mentorship.pk}/comments/",
        {"plan": plan.pk, "milestone": "sql", "body": text},
        format="json",
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert response.json()["code"] == "invalid"


def test_a_review_request_then_approval_is_told_once_each_and_shows_reviewed_by(
    client, learner, mentor, mentorship, plan, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(mentorship, plan), {"r-sql-note": "Is the repo enough?"})
        client.post(review_url(mentorship, plan), {"r-sql-note": "Asking twice"})
    review = Review.objects.get()
    assert (review.request_note, review.verdict) == ("Is the repo enough?", "")
    assert news(mentor) == ["Olive Owner asks you to review SQL"]
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verdict_url(mentorship, review), {f"v-{review.pk}-verdict": "approved"})
        again = client.post(
            verdict_url(mentorship, review), {f"v-{review.pk}-verdict": "needs_more", f"v-{review.pk}-note": "x"}
        )
    assert response.status_code == 302
    assert again.status_code == 400
    review.refresh_from_db()
    assert review.verdict == Verdict.APPROVED
    assert news(learner) == ["Mina Mentor approved your evidence for SQL"]
    assert Delivery.objects.filter(rule="mentor", period=f"review-given:{review.pk}").count() == 2  # email, in-app
    client.force_login(learner)
    plan_page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "reviewed by Mina Mentor" in plan_page
    shared = client.get(f"/shared/{plan.share()}/").content.decode()
    assert "reviewed by Mina Mentor" in shared


def test_needs_more_asks_for_a_note_and_tells_the_learner_once(
    client, learner, mentor, mentorship, plan, milestone, django_capture_on_commit_callbacks
):
    review = Review.objects.create(mentorship=mentorship, enrollment=plan, milestone=milestone)
    client.force_login(mentor)
    refused = client.post(verdict_url(mentorship, review), {f"v-{review.pk}-verdict": "needs_more"})
    assert refused.status_code == 400
    assert "Say what more you would like to see." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            verdict_url(mentorship, review),
            {f"v-{review.pk}-verdict": "needs_more", f"v-{review.pk}-note": "Add a test suite."},
        )
    review.refresh_from_db()
    assert (review.verdict, review.note) == (Verdict.NEEDS_MORE, "Add a test suite.")
    assert news(learner) == ["Mina Mentor asks for more evidence for SQL"]
    assert "Add a test suite." in mail.outbox[-1].body
    client.force_login(learner)
    assert "reviewed by" not in client.get(f"/plans/{plan.pk}/").content.decode()


def test_only_the_learner_asks_and_only_the_mentor_answers(client, learner, mentor, mentorship, plan, milestone):
    client.force_login(mentor)
    assert client.post(review_url(mentorship, plan), {"r-sql-note": ""}).status_code == 404
    review = Review.objects.create(mentorship=mentorship, enrollment=plan, milestone=milestone)
    client.force_login(learner)
    assert client.post(verdict_url(mentorship, review), {f"v-{review.pk}-verdict": "approved"}).status_code == 404
    review.refresh_from_db()
    assert review.verdict == ""


def test_mentor_news_follows_the_persons_preferences(
    client, learner, mentor, mentorship, plan, django_capture_on_commit_callbacks
):
    ReminderPreferences.objects.update_or_create(user=learner, defaults={"mentor_updates_enabled": False})
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(mentorship, plan), {"c-sql-body": "Hello"})
    assert news(learner) == []
    assert not mail.outbox
    ReminderPreferences.objects.filter(user=learner).update(mentor_updates_enabled=True, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(mentorship, plan), {"c-sql-body": "Again"})
    assert news(learner) == ["Mina Mentor commented on SQL"]
    assert not mail.outbox


def test_sending_the_same_news_twice_sends_it_once(learner, mentor, mentorship, plan, milestone):
    from mentoring import notify
    from mentoring.tasks import send_news

    comment = Comment.objects.create(
        mentorship=mentorship, enrollment=plan, milestone=milestone, author=mentor, body="Hi"
    )
    ids = notify.tell(learner, notify.comment_made(comment))
    assert notify.tell(learner, notify.comment_made(comment)) == []  # claimed already
    assert send_news(ids) == 2
    assert send_news(ids) == 0
    assert len(mail.outbox) == 1
    assert len(news(learner)) == 1


def test_reviewed_by_costs_one_query_whatever_the_number_of_milestones(
    client, learner, mentor, mentorship, plan, milestone
):
    for n in range(6):
        extra = MilestoneFactory(slug=f"extra-{n}", title=f"Extra {n}")
        LadderStepFactory(track=plan.track, milestone=extra, order=10 + n)
        Review.objects.create(
            mentorship=mentorship, enrollment=plan, milestone=extra, verdict=Verdict.APPROVED, note="ok"
        )
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert page.count('data-testid="reviewed-by"') == 6
    assert sum("mentoring_review" in q["sql"] for q in queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        shared = client.get(f"/shared/{plan.share()}/").content.decode()
    assert shared.count("reviewed by Mina Mentor") == 6
    assert sum("mentoring_review" in q["sql"] for q in queries.captured_queries) == 1


def test_the_shared_plan_page_costs_the_same_queries_whatever_the_number_of_milestones(
    client, learner, mentor, mentorship, plan, milestone
):
    client.force_login(mentor)
    url = f"/mentorships/{mentorship.pk}/plans/{plan.pk}/"
    client.get(url)  # warm the per-track caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        extra = MilestoneFactory(slug=f"more-{n}", title=f"More {n}")
        LadderStepFactory(track=plan.track, milestone=extra, order=20 + n)
        Comment.objects.create(mentorship=mentorship, enrollment=plan, milestone=extra, author=mentor, body="Hm")
        Review.objects.create(mentorship=mentorship, enrollment=plan, milestone=extra)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('data-testid="comment"') == 5
    assert len(many.captured_queries) == len(few.captured_queries)
