"""A checklist in a real browser: one tick moves the plan, the dashboard and the streak, with no reload.

Drives headless Chromium against the live server; see conftest.py.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tracker.models import CareerTrack, ChecklistItem, Enrollment, Milestone, MilestoneProgress, Status

# The live server reads committed data, so these tests use real transactions;
# serialized rollback restores what migrations made (the admin groups) after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seeded_live(live_server):
    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


def test_a_tick_starts_the_milestone_in_place_and_the_dashboard_and_streak_show_it(
    new_context, login_as, seeded_live, owner
):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    # Not started and needing nothing first. Two items of the test's own, so the
    # journey does not hang on the seed's wording (whatever defaults it has count too).
    milestone = Milestone.objects.get(slug="skill-programming")
    tool = ChecklistItem.objects.create(
        milestone=milestone, slug="journey-tool", title="Write a small command-line tool", order=100
    )
    ChecklistItem.objects.create(milestone=milestone, slug="journey-guide", title="Read a style guide", order=101)
    total = ChecklistItem.objects.visible_to(owner).filter(milestone=milestone).count()

    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto("/dashboard/")
    expect(page.get_by_test_id("streak")).to_have_text("0")

    page.goto(f"/plans/{plan.pk}/")
    page.evaluate("window.__noReload = true")
    panel = page.locator("#m-skill-programming")
    panel.locator("> details > summary").click()  # the compact row opens its panel
    expect(panel.get_by_test_id("status")).to_have_text("Not started")
    expect(panel.get_by_test_id("checklist-count")).to_have_text(f"0 of {total} done")

    # The first tick starts the milestone: the whole panel comes back, status and all.
    panel.get_by_role("checkbox", name="Write a small command-line tool").click()
    expect(panel.get_by_test_id("checklist-count")).to_have_text(f"1 of {total} done")
    expect(panel.get_by_test_id("status")).to_have_text("In progress")
    expect(panel.get_by_role("button", name="In progress", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_role("checkbox", name="Write a small command-line tool")).to_have_attribute(
        "aria-checked", "true"
    )
    # The swap keeps keyboard focus on the item that was ticked.
    assert page.evaluate("document.activeElement.id") == f"m-skill-programming-item-{tool.pk}"

    # The next tick, from the keyboard, swaps the checklist alone.
    panel.get_by_role("checkbox", name="Read a style guide").focus()
    page.keyboard.press("Space")
    expect(panel.get_by_test_id("checklist-count")).to_have_text(f"2 of {total} done")
    assert page.evaluate("window.__noReload") is True  # swapped in place, never reloaded
    assert MilestoneProgress.objects.get(user=owner, milestone=milestone).status == Status.IN_PROGRESS

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    # In progress comes first in "Next up".
    expect(page.locator(".next-up li").first).to_contain_text(milestone.title)
    expect(page.get_by_test_id("streak")).to_have_text("1")
    expect(page.get_by_test_id("streak-status")).to_contain_text("This week counts")
    expect(page.get_by_test_id("active-days")).to_have_text("1")
