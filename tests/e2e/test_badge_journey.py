"""A verified badge in a real browser: paste its URL on the milestone, see "Verified" there and on the shared page.

Drives headless Chromium against the live server, which checks the badge
with the local issuer server (tests/credentials/issuer.py); see conftest.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from credentials.models import Badge, BadgeState
from tests.credentials.issuer import issuer_fixture, issuer_server  # noqa: F401 - fixtures
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment

# The live server reads committed data, so these tests use real transactions;
# serialized rollback restores what migrations made (the admin groups) after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(slug="ml-engineer", name="ML Engineer")
    milestone = MilestoneFactory(slug="aws-mla", title="AWS ML Engineer Associate", category="certification")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="python", title="Python"), order=2)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    return enrollment


def test_a_pasted_badge_url_shows_verified_on_the_milestone_and_the_shared_page(
    new_context, login_as, live_server, owner, plan, issuer, axe_violations
):
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    page.evaluate("window.__noReload = true")
    page.locator("#m-aws-mla > details > summary").click()  # the compact row opens its panel
    proof = page.locator("#m-aws-mla-proof")
    expect(proof.get_by_role("heading", name="Proof")).to_be_visible()

    proof.get_by_text("Attach a badge").click()  # folded away until wanted
    proof.get_by_label("Badge URL").fill(issuer.url("/assertions/valid"))
    proof.get_by_role("button", name="Check and attach").click()

    badge = page.locator("#m-aws-mla-proof [data-testid=badge]")
    expect(badge.get_by_test_id("badge-state")).to_have_text("Verified")
    expect(badge).to_contain_text("Machine Learning Engineer - Associate")
    expect(badge).to_contain_text("issued by Example ML Academy on")
    expect(badge).to_contain_text("checked")
    assert page.evaluate("window.__noReload") is True  # swapped in place by htmx
    assert page.evaluate("document.activeElement.dataset.testid") == "badge"  # focus on the result
    assert Badge.objects.get().state == BadgeState.VERIFIED
    assert axe_violations(page) == []

    # Shared read-only: the milestone says "Verified", and nothing of the owner's address.
    page.get_by_role("button", name="Share a read-only link").click()
    shared_url = page.get_by_test_id("share-url").input_value()
    visitor = new_context().new_page()
    visitor.goto(shared_url)
    step = visitor.locator("li", has_text="AWS ML Engineer Associate")
    expect(step.get_by_test_id("shared-badge")).to_have_text("Verified")
    expect(step).to_contain_text("issued by Example ML Academy")
    assert owner.email not in visitor.content()


def test_without_javascript_the_form_posts_and_comes_back_to_the_milestone(
    new_context, login_as, live_server, owner, plan, issuer
):
    context = new_context(java_script_enabled=False)
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    page.locator("#m-aws-mla > details > summary").click()  # a <details>: it opens without JavaScript
    proof = page.locator("#m-aws-mla-proof")

    proof.get_by_text("Attach a badge").click()
    proof.get_by_label("Badge URL").fill("ftp://files.example.com/badge.json")
    proof.get_by_role("button", name="Check and attach").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Only http and https addresses can be checked.")
    expect(page.locator("#m-aws-mla-proof .error")).to_contain_text("Only http and https")

    page.locator("#m-aws-mla-proof").get_by_label("Badge URL").fill(issuer.url("/assertions/someone-else"))
    page.locator("#m-aws-mla-proof").get_by_role("button", name="Check and attach").click()
    assert page.url.endswith(f"/plans/{plan.pk}/#m-aws-mla-proof")
    badge = page.locator("#m-aws-mla-proof [data-testid=badge]")
    expect(badge.get_by_test_id("badge-state")).to_have_text("Not issued to you")
    expect(badge.get_by_test_id("badge-problem")).to_contain_text("not one of your confirmed addresses")
