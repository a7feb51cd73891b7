"""Starting a plan: the enrolment page a visitor comes back to, and "What do you already have?"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import QuizResult
from tracker.models import CareerTrack, Enrollment, EnrollmentStatus, MilestoneProgress, Status
from tracker.progress import track_progress


@pytest.fixture
def web(client, owner, seeded):
    client.force_login(owner)
    return client


def plan_of(owner, slug="data-engineer"):
    return Enrollment.objects.for_user(owner).current().get(track__slug=slug)


def ticks(plan, *slugs, earned_on=None):
    """The form data ticking each milestone ``slug`` of ``plan`` (with ``earned_on`` if given)."""
    data = {}
    for slug in slugs:
        milestone = plan.track.steps.get(milestone__slug=slug).milestone
        data[f"m{milestone.pk}-have"] = "on"
        if earned_on is not None:
            data[f"m{milestone.pk}-earned_on"] = earned_on.isoformat()
    return data


def status_of(owner, slug):
    row = MilestoneProgress.objects.filter(user=owner, milestone__slug=slug).first()
    return (row.status, row.earned_on) if row else (Status.NOT_STARTED, None)


def test_a_first_enrolment_opens_what_do_you_already_have(web, owner):
    response = web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    assert response["Location"] == f"/plans/{plan.pk}/already-have/"
    page = web.get(response["Location"]).content.decode()
    assert "What do you already have?" in page
    assert "Bachelor" in page
    assert 'type="date"' in page
    assert f'href="/plans/{plan.pk}/"' in page  # "Start from zero"


def test_following_a_track_again_goes_straight_to_the_plan(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan_of(owner).change_status(EnrollmentStatus.ARCHIVED)
    response = web.post("/tracks/data-engineer/enroll/")
    assert response["Location"] == f"/plans/{plan_of(owner).pk}/"


def test_enrolling_twice_goes_to_the_plan_the_second_time(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    assert web.post("/tracks/data-engineer/enroll/")["Location"] == f"/plans/{plan_of(owner).pk}/"
    assert Enrollment.objects.for_user(owner).count() == 1


def test_the_enrolment_page_asks_first_and_writes_nothing(web, owner):
    QuizResult.objects.create(
        user=owner,
        answers={"se_skill": 2, "ml_knowledge": 2, "communication": 3, "produces": "data_pipelines"},
        ranking=[
            {"track": "data-scientist", "name": "Data Scientist", "score": 70, "reasons": ["Close."]},
            {"track": "data-engineer", "name": "Data Engineer", "score": 65, "reasons": ["It delivers pipelines."]},
        ],
        taken_at=timezone.now(),
    )
    page = web.get("/tracks/data-engineer/enroll/").content.decode()
    assert "Start your Data Engineer plan" in page
    assert "number 2 of 2" in page
    assert "It delivers pipelines." in page
    assert 'method="post" action="/tracks/data-engineer/enroll/"' in page
    assert not Enrollment.objects.filter(user=owner).exists()


def test_the_enrolment_page_of_a_followed_track_goes_to_the_plan(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    assert web.get("/tracks/data-engineer/enroll/")["Location"] == f"/plans/{plan_of(owner).pk}/"


def test_ticked_milestones_are_done_on_their_dates_and_the_plan_starts_above_zero(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    degree_day = date(2019, 6, 30)
    data = {**ticks(plan, "bachelors-degree", earned_on=degree_day), **ticks(plan, "find-a-mentor")}
    response = web.post(f"/plans/{plan.pk}/already-have/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert status_of(owner, "bachelors-degree") == (Status.DONE, degree_day)
    assert status_of(owner, "find-a-mentor") == (Status.DONE, timezone.localdate())  # left as offered: today
    assert status_of(owner, "skill-programming")[0] == Status.NOT_STARTED
    percent = track_progress(plan).percent
    assert percent > 0
    assert (
        f"2 milestones marked done: your plan starts at {percent}%." in web.get(response["Location"]).content.decode()
    )


def test_a_prerequisite_ticked_in_the_same_submit_counts(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    # The project builds on pipelines and storage, which build on programming: all ticked at once.
    data = ticks(
        plan, "project-build-data-pipeline", "skill-hadoop-storage", "skill-airflow-pipelines", "skill-programming"
    )
    assert web.post(f"/plans/{plan.pk}/already-have/", data).status_code == 302
    assert status_of(owner, "project-build-data-pipeline")[0] == Status.DONE


def test_a_refused_row_says_why_beside_it_and_in_the_summary_and_the_others_are_kept(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    data = ticks(plan, "bachelors-degree", "skill-data-quality")  # data quality needs Airflow pipelines
    response = web.post(f"/plans/{plan.pk}/already-have/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert status_of(owner, "bachelors-degree")[0] == Status.DONE
    assert status_of(owner, "skill-data-quality")[0] == Status.NOT_STARTED
    assert 'data-testid="error-summary"' in body
    quality = plan.track.steps.get(milestone__slug="skill-data-quality").milestone
    assert f'href="#id_m{quality.pk}-have"' in body  # the summary links to the row's checkbox
    assert 'id="have-skill-data-quality-error"' in body
    assert "It builds on Data pipelines with Apache Airflow: tick that too if you have it" in body
    checkbox = re.search(rf'<input type="checkbox" name="m{quality.pk}-have"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in checkbox
    assert 'aria-describedby="have-skill-data-quality-error"' in checkbox
    assert "checked" in checkbox  # still ticked, to tick its prerequisite beside it
    assert "1 milestone marked done. The rest need a look." in body


def test_a_date_earned_in_the_future_is_refused_beside_its_row(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = web.post(f"/plans/{plan.pk}/already-have/", ticks(plan, "bachelors-degree", earned_on=tomorrow))
    assert response.status_code == 400
    assert "The date earned cannot be in the future." in response.content.decode()
    assert status_of(owner, "bachelors-degree")[0] == Status.NOT_STARTED


def test_nothing_ticked_starts_the_plan_from_zero(web, owner):
    web.post("/tracks/data-engineer/enroll/")
    plan = plan_of(owner)
    response = web.post(f"/plans/{plan.pk}/already-have/", {})
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert not MilestoneProgress.objects.filter(user=owner).exists()
    assert "Nothing ticked: your plan starts from zero." in web.get(response["Location"]).content.decode()


def test_a_milestone_done_elsewhere_shows_as_done_without_a_box(web, owner):
    degree = CareerTrack.objects.get(slug="data-engineer").steps.get(milestone__slug="bachelors-degree").milestone
    MilestoneProgress.objects.update_state(owner, degree, status=Status.DONE, earned_on=date(2018, 7, 1))
    web.post("/tracks/data-engineer/enroll/")
    body = web.get(f"/plans/{plan_of(owner).pk}/already-have/").content.decode()
    assert f'id="id_m{degree.pk}-have"' not in body
    assert "earned 1 Jul 2018" in body


def test_another_persons_plan_is_not_found(client, owner, other, seeded):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    client.force_login(other)
    assert client.get(f"/plans/{plan.pk}/already-have/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/already-have/", ticks(plan, "bachelors-degree")).status_code == 404
    assert not MilestoneProgress.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, owner, seeded):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    response = client.get(f"/plans/{plan.pk}/already-have/")
    assert response["Location"].startswith("/accounts/login/?next=")
