"""The plan page and the dashboard answer every change in place, in real Chromium: "Saved", an Undo, focus
kept; without JavaScript the same forms work, with an error summary and a redirect after each success;
the quiz says what is missing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tracker.models import CareerTrack, Enrollment, MilestoneProgress, ProgressEvent, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def plan(live_server, owner):
    call_command("loaddata", "careerplan", verbosity=0)
    return Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))[0]


def status_of(owner, slug):
    row = MilestoneProgress.objects.filter(user=owner, milestone__slug=slug).first()
    return (row.status, row.earned_on) if row else (Status.NOT_STARTED, None)


def test_a_status_change_says_saved_and_is_undone_in_place_with_focus_kept(new_context, login_as, plan, owner):
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    page.evaluate("window.__noReload = true")
    panel = page.locator("#m-skill-programming")
    panel.locator(".panel-row").click()  # the compact row opens its panel
    panel.get_by_role("button", name="Done", exact=True).click()

    expect(panel.get_by_test_id("status")).to_have_text("Done")
    expect(panel.get_by_test_id("saved")).to_contain_text("is done (earned")
    expect(page.locator("#live-status")).to_contain_text("Saved.")
    assert page.evaluate("document.activeElement.id") == "m-skill-programming-done"
    assert status_of(owner, "skill-programming")[0] == Status.DONE

    panel.get_by_role("button", name=re.compile("^Undo")).click()
    expect(panel.get_by_test_id("status")).to_have_text("Not started")
    expect(panel.get_by_test_id("saved")).to_contain_text("is back to not started")
    expect(page.locator("#live-status")).to_contain_text("Undone.")
    # The Undo is gone: focus moves to the status it restored, not to the top of the page.
    expect(page.locator("#m-skill-programming-not_started")).to_be_focused()
    assert status_of(owner, "skill-programming") == (Status.NOT_STARTED, None)
    assert ProgressEvent.objects.filter(user=owner, milestone__slug="skill-programming").count() == 2
    assert page.evaluate("window.__noReload") is True


def test_mark_done_on_the_dashboard_asks_for_the_date_earned_and_can_be_undone(new_context, login_as, plan, owner):
    earned = timezone.localdate() - timedelta(days=12)
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto("/dashboard/")
    item = page.locator(".next-up li").filter(has_text="Programming proficiency")
    item.locator("summary", has_text="Mark done").click()
    date_field = item.get_by_label("Date earned")
    assert date_field.input_value() == timezone.localdate().isoformat()  # today unless changed
    assert date_field.get_attribute("max") == timezone.localdate().isoformat()  # never in the future
    date_field.fill(earned.isoformat())
    item.get_by_role("button", name=re.compile("^Mark done")).click()

    saved = page.get_by_test_id("saved")
    expect(saved).to_contain_text(f"earned {earned.day} {earned:%b %Y}")
    assert status_of(owner, "skill-programming") == (Status.DONE, earned)
    expect(saved.get_by_role("button", name=re.compile("^Undo"))).to_be_focused()

    saved.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.get_by_test_id("saved")).to_contain_text("is back to not started")
    assert status_of(owner, "skill-programming") == (Status.NOT_STARTED, None)


def test_without_javascript_errors_come_back_in_a_summary_and_a_success_redirects_with_its_undo(
    new_context, login_as, plan, owner
):
    context = new_context(java_script_enabled=False)
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")

    # A date earned in the future: refused beside the field and in the summary at the top, nothing saved.
    panel = page.locator("#m-skill-programming")
    panel.locator(".panel-row").click()  # <details> opens without JavaScript
    panel.locator("summary", has_text="I already have this").click()
    field = panel.get_by_label("Date earned")
    field.fill((timezone.localdate() + timedelta(days=5)).isoformat())
    panel.get_by_role("button", name="Mark done on this date").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("The date earned cannot be in the future.")
    href = summary.get_by_role("link").first.get_attribute("href")
    expect(page.locator(href)).to_be_visible()  # the summary links to the field, shown open beside its error
    expect(page.locator("#m-skill-programming").locator(".error").first).to_contain_text("cannot be in the future")
    assert status_of(owner, "skill-programming") == (Status.NOT_STARTED, None)

    # A success redirects (a refresh never posts again) to the page with "Saved" and an Undo.
    page.goto(f"/plans/{plan.pk}/")
    page.locator("#m-skill-programming .panel-row").click()
    page.locator("#m-skill-programming").get_by_role("button", name="Done", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#m-skill-programming$"))
    expect(page.locator("#m-skill-programming").get_by_test_id("saved")).to_be_visible()
    page.locator("#m-skill-programming").get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.locator("#m-skill-programming").get_by_test_id("saved")).to_contain_text("is back to not started")
    assert status_of(owner, "skill-programming") == (Status.NOT_STARTED, None)
    page.reload()  # a GET: nothing is posted again, and the note was said once
    expect(page.locator("#m-skill-programming").get_by_test_id("status")).to_have_text("Not started")
    expect(page.get_by_test_id("saved")).to_have_count(0)
    assert ProgressEvent.objects.filter(user=owner, milestone__slug="skill-programming").count() == 2


def test_the_quiz_submitted_empty_says_what_is_missing_then_answers_on_its_own_view(new_context, plan):
    page = new_context().new_page()
    page.goto("/quiz/")
    page.get_by_role("button", name="Rank the tracks for me").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.get_by_test_id("question-error")).to_have_count(4)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_se_skill_0")).to_be_focused()

    page.get_by_role("group", name=re.compile("software engineering")).get_by_label("4").check()
    page.get_by_role("group", name=re.compile("machine learning do you know")).get_by_label("3").check()
    page.get_by_role("group", name=re.compile("writing and presenting")).get_by_label("3").check()
    page.get_by_role("group", name=re.compile("like to produce")).get_by_role("radio").first.check()
    page.get_by_role("button", name="Rank the tracks for me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your best fits")
    expect(page.get_by_test_id("fit-band").first).to_be_visible()
    assert not re.search(r"\d+(\.\d+)?% fit", page.locator("main").inner_text())
