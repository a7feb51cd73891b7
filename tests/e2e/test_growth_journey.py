"""Where you stand and the company check in a real browser: rate, see the trail move, check a company.

Drives headless Chromium against the live server; see conftest.py. The
forms are plain HTML: the journey runs with JavaScript off as well.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from growth.models import CompanyCheck, SkillRating
from tests.factories import UserFactory
from tracker.models import CareerTrack, Enrollment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def learner(live_server, owner):
    call_command("loaddata", "careerplan", verbosity=0)
    Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    return owner


def rate(page, levels: dict[str, int]) -> None:
    for skill, level in levels.items():
        page.get_by_role("group", name=skill).get_by_role("radio", name=f"{level} ", exact=False).check()
    page.get_by_role("button", name="Save my rating").click()


def me_on_the_map(page) -> tuple[float, float]:
    me = page.get_by_test_id("map-me")
    return float(me.get_attribute("data-se")), float(me.get_attribute("data-ml"))


@pytest.mark.parametrize("javascript", [True, False])
def test_a_person_rates_sees_the_trail_move_after_rating_again_and_checks_a_company(
    new_context, login_as, learner, javascript
):
    context = new_context(java_script_enabled=javascript)
    login_as(context, learner)
    page = context.new_page()
    page.goto("/skills/")
    expect(page.get_by_text("Rate your skills below to appear on the map.")).to_be_visible()

    # Submitted with one skill left out: the summary names it, the rest stays chosen.
    rate(page, {"Programming": 2, "Machine-learning algorithms": 2, "Data modelling and evaluation": 3})
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Software engineering: Choose a level from 1 to 5.")
    expect(page.get_by_role("group", name="Programming").get_by_role("radio", name="2 ", exact=False)).to_be_checked()
    assert not SkillRating.objects.exists()

    rate(page, {"Software engineering": 2, "Communication and technical writing": 3})
    expect(page.locator(".messages")).to_contain_text("Saved. Your new position is on the map.")
    first = me_on_the_map(page)
    assert first == (2.0, 2.5)
    expect(page.get_by_test_id("map-trail")).to_have_count(0)  # one rating: a point, not yet a trail
    expect(page.get_by_test_id("gap")).to_contain_text("Software engineering: 2.0 to go")

    # Rating again, higher: the diamond moves and the trail joins the two.
    rate(page, {"Programming": 4, "Software engineering": 4, "Machine-learning algorithms": 3})
    second = me_on_the_map(page)
    assert second == (4.0, 3.0)
    expect(page.get_by_test_id("map-trail").locator("circle")).to_have_count(1)
    assert page.get_by_test_id("map-trail").locator("polyline").get_attribute("points").count(",") == 2
    expect(page.get_by_test_id("rating-history").locator("tbody tr")).to_have_count(2)

    # The company check, beside the plans.
    page.goto("/companies/")
    page.get_by_role("textbox", name="Company").fill("Acme Analytics")
    page.get_by_role("group", name="Does it have the data").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="more than one ML use case").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the check").click()
    card = page.get_by_test_id("company-check")
    expect(card).to_contain_text("Acme Analytics")
    expect(card).to_contain_text("Think twice.")
    card.get_by_role("link", name="Edit").click()
    page.get_by_role("group", name="more than one ML use case").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="must-have").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("company-check")).to_contain_text("Promising.")
    assert CompanyCheck.objects.get(user=learner).verdict.outlook == "promising"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 360])
def test_the_growth_pages_pass_axe_and_fit_the_screen(new_context, login_as, learner, axe_violations, scheme, width):
    context = new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    login_as(context, learner)
    page = context.new_page()
    # The refused forms first, with their error summaries (no rating yet: nothing is chosen).
    page.goto("/skills/")
    page.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/companies/")
    page.get_by_role("button", name="Save the check").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert axe_violations(page) == []

    for levels in (2, 3):
        SkillRating.objects.record(
            learner,
            learner,
            dict.fromkeys(
                ("programming", "ml_algorithms", "data_modelling", "software_engineering", "communication"), levels
            ),
        )
    SkillRating.objects.record(
        learner,
        UserFactory(display_name="Mina Mentor"),
        dict.fromkeys(("programming", "ml_algorithms", "data_modelling", "software_engineering", "communication"), 4),
    )
    check = CompanyCheck.objects.create(user=learner, company="Acme", has_data="partly", has_data_note="Some logs")
    for path in ("/skills/", "/companies/", f"/companies/{check.pk}/", "/tracks/"):
        page.goto(path)
        if path in ("/skills/", "/tracks/"):
            page.get_by_text("The map as a table").click()  # its table is checked too
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
