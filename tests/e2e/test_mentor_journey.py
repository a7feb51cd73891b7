"""Two people in two browsers: the learner invites a mentor, who signs in, accepts, comments and approves evidence.

The learner then sees "reviewed by" on their plan and on the shared page,
rates their skills twice and sees their trail on the map move, beside the
mentor's own rating of them.
Every mentoring page passes axe-core at 360 and 1280 px, light and dark.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from growth.models import SkillRating
from mentoring.models import Comment, Mentorship, Review
from tests.e2e.test_growth_journey import me_on_the_map, rate
from tests.factories import PASSWORD, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import Enrollment, MilestoneProgress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _eager() -> Any:
    """The mentor news is sent inline by the live server's thread: nothing may reach a broker."""
    from careerplan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def mentor(db: Any) -> Any:
    return UserFactory(email="mentor@example.com", display_name="Mina Mentor")


@pytest.fixture
def plan(owner: Any) -> Enrollment:
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    sql = MilestoneFactory(slug="sql", title="SQL")
    LadderStepFactory(track=track, milestone=sql, order=1)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="spark", title="Spark"), order=2)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    progress = MilestoneProgress.objects.set_status(owner, sql, "done", track=track)
    progress.evidence_url = "https://github.com/olive/sql-practice"
    progress.save()
    return enrollment


def test_the_learner_invites_the_mentor_comments_and_approves_and_the_plan_says_reviewed_by(
    new_context, login_as, owner, mentor, plan, axe_violations
):
    learner_context = new_context()
    login_as(learner_context, owner)
    learner = learner_context.new_page()
    learner.goto("/settings/")
    learner.get_by_test_id("mentors-link").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Mentors")
    learner.get_by_label("Your mentor's email address").fill("mentor@example.com")
    learner.get_by_label("A few words to them (optional)").fill("Would you look at my SQL?")
    learner.get_by_role("button", name="Send the invitation").click()
    expect(learner.get_by_test_id("invite")).to_contain_text("mentor@example.com")

    (invitation,) = mail.outbox
    link = re.search(r"https?://\S+/mentor-invites/\S+/", invitation.body).group(0)
    path = link[link.index("/mentor-invites/") :]

    # The mentor, in a browser of their own, signs in on the way and accepts.
    mentor_page = new_context().new_page()
    mentor_page.goto(path)
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Olive Owner asks you to be their mentor")
    mentor_page.get_by_role("main").get_by_role("link", name="sign in").click()
    mentor_page.locator("#id_login").fill("mentor@example.com")
    mentor_page.locator("#id_password").fill(PASSWORD)
    mentor_page.get_by_role("button", name="Sign in").click()
    mentor_page.get_by_test_id("accept").click()
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Olive Owner's plans")
    mentorship = Mentorship.objects.get()
    mentor_page.get_by_role("link", name="Data Engineer").click()
    step = mentor_page.locator("#m-sql")
    expect(step.get_by_test_id("evidence")).to_contain_text("olive/sql-practice")
    step.locator("summary", has_text="Comment").click()  # folded away until wanted
    step.get_by_label("Add to the thread").fill("Good queries. Ask me for a review when ready.")
    step.get_by_role("button", name="Post on SQL").click()
    expect(mentor_page.locator("#m-sql [data-testid=comment]")).to_contain_text("Good queries.")

    # The learner sees the comment on "What Mina Mentor sees", replies and asks for a review.
    learner.goto(f"/mentorships/{mentorship.pk}/plans/{plan.pk}/")
    mine = learner.locator("#m-sql")
    expect(mine.get_by_test_id("comment")).to_contain_text("Good queries.")
    mine.get_by_text("Ask Mina Mentor to review the evidence").click()
    mine.get_by_label("What should your mentor look at? (optional)").fill("The repo, please.")
    mine.get_by_role("button", name="Ask for a review").click()
    expect(learner.locator("#m-sql [data-testid=review]")).to_contain_text("Review asked for")

    mentor_page.reload()
    review = mentor_page.locator("#m-sql [data-testid=review]")
    review.get_by_label("Approved").check()
    review.get_by_label("Note to the learner").fill("Solid work.")
    review.get_by_role("button", name="Send the review").click()
    expect(mentor_page.locator("#m-sql [data-testid=review]")).to_contain_text("Approved by Mina Mentor")
    assert Review.objects.get().verdict == "approved"
    assert Comment.objects.count() == 1

    learner.goto(f"/plans/{plan.pk}/")
    expect(learner.get_by_test_id("reviewed-by")).to_have_text("reviewed by Mina Mentor")
    learner.get_by_role("button", name="Share a read-only link").click()
    shared_url = learner.get_by_test_id("share-url").input_value()
    visitor = new_context().new_page()
    visitor.goto(shared_url)
    expect(visitor.get_by_test_id("reviewed-by")).to_have_text("reviewed by Mina Mentor")
    titles = set(owner.notifications.values_list("title", flat=True))
    assert {"Mina Mentor is now your mentor", "Mina Mentor commented on SQL"} <= titles
    assert "Mina Mentor approved your evidence for SQL" in titles

    # Where the learner stands: a first rating, then a higher one; the trail joins the two.
    learner.goto("/skills/")
    every_skill = (
        "Programming",
        "Machine-learning algorithms",
        "Data modelling and evaluation",
        "Software engineering",
        "Communication and technical writing",
    )
    rate(
        learner, {**dict.fromkeys(every_skill, 2), "Software engineering": 2, "Communication and technical writing": 3}
    )
    first = me_on_the_map(learner)
    expect(learner.get_by_test_id("map-trail")).to_have_count(0)
    rate(learner, {"Programming": 4, "Software engineering": 4})
    second = me_on_the_map(learner)
    assert second[0] > first[0]
    assert learner.get_by_test_id("map-trail").locator("polyline").get_attribute("points").count(",") == 2

    # The mentor adds their own rating; it shows on the learner's map apart from the trail.
    mentor_page.goto(f"/mentorships/{mentorship.pk}/rate/")
    rate(
        mentor_page,
        {**dict.fromkeys(every_skill, 3), "Software engineering": 3, "Communication and technical writing": 4},
    )
    assert SkillRating.objects.filter(person=owner, rater=mentor).count() == 1
    learner.reload()
    mentor_mark = learner.locator(".map-mentor")
    expect(mentor_mark).to_have_count(1)
    # 3 in each skill, plus what the SQL milestone done adds (growth.standing).
    mentors_view = (float(mentor_mark.get_attribute("data-se")), float(mentor_mark.get_attribute("data-ml")))
    assert all(3.0 <= value < 4.0 for value in mentors_view)
    assert me_on_the_map(learner) == second


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_every_mentoring_page_passes_axe(new_context, login_as, owner, mentor, plan, axe_violations, scheme, width):
    from mentoring.models import Invite

    mentorship = Mentorship.objects.create(learner=owner, mentor=mentor, share_all=True)
    sql = plan.track.steps.get(order=1).milestone
    Comment.objects.create(mentorship=mentorship, enrollment=plan, milestone=sql, author=mentor, body="Nice.")
    Review.objects.create(mentorship=mentorship, enrollment=plan, milestone=sql, request_note="Enough?")
    invite = Invite.objects.create(learner=owner, email="second@example.com")
    viewport = {"width": width, "height": 900}
    learner = new_context(color_scheme=scheme, viewport=viewport)
    login_as(learner, owner)
    mentor_context = new_context(color_scheme=scheme, viewport=viewport)
    login_as(mentor_context, mentor)
    pages = [
        (learner, "/mentors/"),
        (learner, f"/mentorships/{mentorship.pk}/plans/{plan.pk}/"),
        (mentor_context, f"/mentor-invites/{invite.token()}/"),
        (new_context(color_scheme=scheme, viewport=viewport), f"/mentor-invites/{invite.token()}/"),
        (mentor_context, "/mentees/"),
        (mentor_context, f"/mentorships/{mentorship.pk}/"),
        (mentor_context, f"/mentorships/{mentorship.pk}/rate/"),
        (mentor_context, f"/mentorships/{mentorship.pk}/plans/{plan.pk}/"),
    ]
    for context, path in pages:
        page = context.new_page()
        page.goto(path)
        assert axe_violations(page) == [], path
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.close()
