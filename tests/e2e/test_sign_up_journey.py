"""Getting in without losing anything, in real Chromium: quiz → sign-up → confirm → enrolled, starting where you are.

See conftest.py for the browser and the live server.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import QuizResult, User
from tracker.models import Enrollment
from tracker.progress import track_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seeded_live(live_server):
    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


def test_the_quiz_and_the_chosen_track_survive_sign_up_and_the_plan_starts_where_you_are(new_context, seeded_live):
    mail.outbox.clear()
    # Chromium reports India's zone under its old name; the account gets the current one.
    page = new_context(timezone_id="Asia/Calcutta").new_page()
    page.goto("/quiz/")
    page.get_by_role("group", name=re.compile("software engineering")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("machine learning do you know")).get_by_label("1").check()
    page.get_by_role("group", name=re.compile("writing and presenting")).get_by_label("2").check()
    page.get_by_label("Deployed, monitored production systems").check()
    page.get_by_role("button", name="Rank the tracks for me").click()
    page.locator(".fit-top").get_by_role("button", name=re.compile("^Enroll in")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_have_attribute(
        "href", "/accounts/login/?next=%2Ftracks%2Fmlops-engineer%2Fenroll%2F"
    )
    expect(page.get_by_text("Your quiz result (best fit: ML DevOps / MLOps Engineer)")).to_be_visible()
    page.get_by_label("Email address").fill("newcomer@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long passphrase 42")
    page.get_by_label("Password again").fill("a long passphrase 42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    (message,) = mail.outbox
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start your ML DevOps / MLOps Engineer plan")
    expect(page.get_by_text("Your role-fit quiz ranked it your best fit")).to_be_visible()
    assert not Enrollment.objects.exists()  # nothing is written until the person says so
    page.get_by_role("button", name="Enroll in ML DevOps / MLOps Engineer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What do you already have?")
    page.get_by_label(re.compile("^Bachelor")).check()
    earned = page.locator(".have-row", has=page.get_by_label(re.compile("^Bachelor"))).get_by_label("Earned on")
    expect(earned).to_be_visible()  # the date shows once the box is ticked
    earned.fill("2019-06-30")
    page.get_by_label(re.compile("^Programming proficiency")).check()
    page.get_by_label(re.compile("^Software engineering practice")).check()  # builds on programming, ticked together
    page.get_by_role("button", name="Start my plan from here").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: ML DevOps / MLOps Engineer")
    plan = Enrollment.objects.get(user__email="newcomer@example.com")
    percent = track_progress(plan).percent
    assert percent > 0
    expect(page.get_by_text(f"3 milestones marked done: your plan starts at {percent}%.")).to_be_visible()
    expect(page.get_by_test_id("percent").first).to_have_text(f"{percent}%")

    user = User.objects.get(email="newcomer@example.com")
    assert user.timezone == "Asia/Kolkata"
    assert QuizResult.objects.get(user=user).ranking[0]["track"] == "mlops-engineer"


def test_without_javascript_a_refused_milestone_is_summarised_at_the_top_and_the_rest_is_kept(
    new_context, login_as, seeded_live, owner
):
    context = new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    login_as(context, owner)
    page = context.new_page()
    page.goto("/tracks/data-engineer/")
    page.get_by_role("button", name="Enroll in Data Engineer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What do you already have?")
    page.get_by_label(re.compile("^Bachelor")).check()
    page.get_by_label(re.compile("^Data quality monitoring")).check()  # builds on Airflow, not ticked
    page.get_by_role("button", name="Start my plan from here").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Data quality monitoring: It builds on Data pipelines with Apache Airflow")
    expect(page.get_by_text("1 milestone marked done. The rest need a look.")).to_be_visible()
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#id_m\d+-have$"))
    expect(page.get_by_label(re.compile("^Data quality monitoring"))).to_be_checked()
    expect(page.locator(".have-row", has_text="Bachelor")).to_contain_text("done, earned")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
