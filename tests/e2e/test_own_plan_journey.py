"""A plan of one's own in a real browser: started, built from the catalogue and a milestone of one's own, used.

Drives headless Chromium against the live server; see conftest.py.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tracker.models import Enrollment, Milestone, MilestoneProgress, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def seeded_live(live_server):
    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_plan_of_ones_own_is_built_and_used_in_the_browser(
    new_context, login_as, seeded_live, owner, axe_violations, scheme
):
    context = new_context(color_scheme=scheme)
    login_as(context, owner)
    page = context.new_page()

    page.goto("/plans/new/")
    page.locator("#id_title").fill("My way into ML")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: My way into ML")
    expect(page.get_by_test_id("empty-plan")).to_be_visible()

    # From the catalogue (its form is open on an empty plan).
    page.locator("#id_add-milestone").select_option(label="Programming proficiency")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#m-skill-programming")).to_be_visible()

    # One of my own, needing the catalogue one first.
    page.get_by_text("A milestone of your own").click()
    page.locator("#id_new-title").fill("Portfolio site")
    page.locator("#id_new-effort_weeks").fill("3")
    page.get_by_role("checkbox", name="Programming proficiency").check()
    page.get_by_role("button", name="Add my milestone").click()
    mine = Milestone.objects.get(owner=owner)
    panel = page.locator(f"#m-{mine.slug}")
    expect(panel.get_by_test_id("own-milestone")).to_have_text("Your own")
    expect(page.get_by_test_id("counts")).to_have_text("· 0 of 2 done")

    # Done before its prerequisite is refused in place, naming it.
    panel.get_by_role("button", name="Done", exact=True).click()
    expect(panel.get_by_test_id("status-error")).to_contain_text("Programming proficiency")
    programming_row = page.locator("#m-skill-programming > details")
    if programming_row.get_attribute("open") is None:  # its compact row opens the panel
        programming_row.locator("> summary").click()
    page.locator("#m-skill-programming").get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#m-skill-programming").get_by_test_id("status")).to_have_text("Done")
    panel.get_by_role("button", name="Done", exact=True).click()
    expect(panel.get_by_test_id("status")).to_have_text("Done")
    assert MilestoneProgress.objects.get(user=owner, milestone=mine).status == Status.DONE

    page.reload()
    expect(page.get_by_test_id("percent")).to_have_text("100%")
    page.get_by_text("A milestone of your own").click()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    plan = Enrollment.objects.get(user=owner)
    assert plan.is_own
