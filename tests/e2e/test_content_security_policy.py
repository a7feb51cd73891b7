"""The main pages in real Chromium under the Content-Security-Policy: no violation, htmx still in place.

The policy is the one every environment sends (careerplan/settings.py), so
the live server here sends exactly what production sends. A violation is
caught twice: by a ``securitypolicyviolation`` listener installed before any
page script runs, and by Chromium's console message about it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tracker.models import CareerTrack, Enrollment
from tracker.progress import track_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Watched:
    """A page whose CSP violations are collected, per path visited."""

    def __init__(self, context: Any) -> None:
        context.add_init_script(LISTEN)
        self.page = context.new_page()
        self.found: dict[str, list[str]] = {}
        self._console: list[str] = []
        self.page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self._console.append(message.text)

    def visit(self, path: str) -> Any:
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def record(self, label: str) -> None:
        """File what this document's listener and the console saw under ``label``."""
        self.found[label] = self.page.evaluate("window.__cspViolations") + self._console
        self._console = []


@pytest.fixture
def seeded_live(live_server):
    from django.core.management import call_command

    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


def test_the_main_pages_break_no_content_security_policy_and_htmx_still_swaps_in_place(
    new_context, login_as, seeded_live, owner
):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)

    anonymous = Watched(new_context())
    for path in ("/", "/tracks/", "/tracks/machine-learning-engineer/", "/quiz/", "/accounts/login/"):
        anonymous.visit(path)
        anonymous.record(path)
    quiz = anonymous.visit("/quiz/?se_skill=4&ml_knowledge=3&communication=3&produces=prediction_systems")
    expect(quiz.locator(".fit-top")).to_be_visible()
    anonymous.record("/quiz/ results")
    admin_login = anonymous.visit("/admin/")
    expect(admin_login).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(admin_login.locator("#id_username")).to_be_visible()
    anonymous.record("/admin/login/")
    docs = anonymous.visit("/api/v1/docs/")
    # Swagger UI started (its script is a file now) and fetched the schema under the policy.
    expect(docs.locator(".swagger-ui .info .title")).to_contain_text("CareerPlan API")
    expect(docs.locator(".opblock").first).to_be_visible()
    anonymous.record("/api/v1/docs/")

    context = new_context()
    login_as(context, owner)
    signed_in = Watched(context)
    page = signed_in.visit(f"/plans/{plan.pk}/")
    page.evaluate("window.__noReload = true")
    programming = page.locator("#m-skill-programming")
    programming.locator("> details > summary").click()  # the compact row opens its panel
    programming.get_by_role("button", name="Done", exact=True).click()
    expect(programming.get_by_test_id("status")).to_have_text("Done")
    expect(page.get_by_test_id("percent").first).to_have_text(f"{track_progress(plan).percent}%")
    assert track_progress(plan).percent > 0
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not a reload
    signed_in.record("/plans/ with an htmx swap")

    page = signed_in.visit("/dashboard/")
    # The bars are sized by SVG attributes now that style="" is refused: this week's is the tallest.
    this_week = page.locator(".week-bar-fill").last.bounding_box()
    assert this_week is not None
    assert this_week["height"] > 50
    page.locator(".by-category summary").first.click()
    widths = [box["width"] for box in (bar.bounding_box() for bar in page.locator(".bar > svg").all()) if box]
    assert max(widths) > 0
    signed_in.record("/dashboard/")
    for path in ("/settings/", "/inbox/"):
        signed_in.visit(path)
        signed_in.record(path)

    context = new_context()
    login_as(context, staff)
    admin = Watched(context)
    for path in ("/admin/", "/admin/tracker/delivery/", "/admin/tracker/milestone/"):
        admin.visit(path)
        admin.record(path)

    every = {**anonymous.found, **signed_in.found, **admin.found}
    assert len(every) == 15
    assert every == {label: [] for label in every}
