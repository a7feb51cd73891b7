"""Every main page, in real Chromium: no horizontal scroll at 360 px, and no serious or critical axe-core
violation at 1280 and 360 px, light and dark.

One test per (width, theme) visits every page with two contexts (signed out, signed in) of the session's
one browser, so the whole check stays a few browser contexts long.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from nudges.models import Notification, Rule
from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}


@pytest.fixture
def world(live_server: Any, owner: Any) -> dict[str, str]:
    """The seeded catalogue, a plan with some progress, shared, and a nudge in the inbox: every page has content."""
    call_command("loaddata", "careerplan", verbosity=0)
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    MilestoneProgress.objects.set_status(owner, Milestone.objects.get(slug="skill-programming"), Status.DONE)
    plan.share()
    Notification.objects.create(
        user=owner, rule=Rule.DEADLINE, title="Programming is due soon", body="Due in 3 days.", url=f"/plans/{plan.pk}/"
    )
    return {"plan": f"/plans/{plan.pk}/", "shared": f"/shared/{plan.share_token}/"}


def signed_out_pages(world: dict[str, str]) -> list[str]:
    return [
        "/",
        "/quiz/",
        "/quiz/?answered=1&se_skill=4&ml_knowledge=3&communication=3&produces=prediction_systems",
        "/tracks/",
        "/tracks/machine-learning-engineer/",
        "/accounts/login/",
        "/accounts/signup/",
        world["shared"],
        "/no-such-page/",
    ]


def signed_in_pages(world: dict[str, str]) -> list[str]:
    return ["/dashboard/", world["plan"], "/settings/", "/inbox/"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_main_page_fits_and_passes_axe(
    new_context: Any, login_as: Any, world: dict[str, str], owner: Any, axe_violations: Any, width: str, theme: str
) -> None:
    anonymous = new_context(viewport=WIDTHS[width], color_scheme=theme).new_page()
    signed_in_context = new_context(viewport=WIDTHS[width], color_scheme=theme)
    login_as(signed_in_context, owner)
    signed_in = signed_in_context.new_page()
    overflow, violations = {}, {}
    for page, paths in ((anonymous, signed_out_pages(world)), (signed_in, signed_in_pages(world))):
        for path in paths:
            page.goto(path)
            if path == world["plan"]:
                page.locator(".panel-row").first.click()  # an open panel is checked too
            overflow[path] = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            violations[path] = axe_violations(page)
    if width == "phone":
        assert {path: px for path, px in overflow.items() if px > 0} == {}
    assert {path: found for path, found in violations.items() if found} == {}
