"""The shared plan in a real browser: its link preview, its image, "Copy link", no JavaScript, and axe.

What a mentor or a recruiter opens from a link the owner sent: the preview
tags a chat app reads, the image they point to (drawn by the app), a "Copy
link" button that copies and says so, and the same page without JavaScript.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker.models import Category, MilestoneProgress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shared_url(owner, live_server) -> str:
    """The owner's shared Data Engineer plan: Junior reached, a certification held, an evidence link."""
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer", is_published=True)
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior Data Engineer", order=1)
    senior = CareerLevelFactory(track=track, slug="senior", title="Senior Data Engineer", order=2)
    sql = MilestoneFactory(slug="sql", title="SQL")
    cert = MilestoneFactory(
        slug="gcp-de", title="Google Professional Data Engineer", category=Category.CERTIFICATION, valid_for_months=24
    )
    LadderStepFactory(track=track, milestone=sql, level=junior, order=1)
    LadderStepFactory(track=track, milestone=cert, level=senior, order=2)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="lead", title="Lead a team"), level=senior, order=3)
    enrollment = EnrollmentFactory(user=owner, track=track)
    for milestone in (sql, cert):
        MilestoneProgress.objects.set_status(owner, milestone, "done")
    MilestoneProgress.objects.filter(user=owner, milestone=sql).update(evidence_url="https://github.com/olive/sql")
    return f"{live_server.url}/shared/{enrollment.share()}/"


def meta(page, key: str) -> str:
    return page.locator(f'meta[property="{key}"], meta[name="{key}"]').get_attribute("content")


def test_the_link_preview_tags_name_the_plan_and_point_to_a_1200_by_630_png(new_context, shared_url, owner):
    page = new_context().new_page()
    response = page.goto(shared_url)
    assert response.status == 200
    assert meta(page, "og:title") == "Olive Owner's plan: Data Engineer"
    assert meta(page, "twitter:title") == "Olive Owner's plan: Data Engineer"
    description = "Reached Junior Data Engineer; 66% complete (2 of 3 done); 1 certification held."
    assert meta(page, "og:description") == description
    assert meta(page, "twitter:description") == description
    assert meta(page, "og:url") == shared_url
    assert meta(page, "twitter:card") == "summary_large_image"
    image_url = meta(page, "og:image")
    assert image_url == f"{shared_url}preview.png"
    assert meta(page, "twitter:image") == image_url

    # The image itself, fetched as a chat app's crawler would.
    image = page.request.get(image_url)
    assert image.status == 200
    assert image.headers["content-type"] == "image/png"
    png = Image.open(io.BytesIO(image.body()))
    assert (png.format, png.size) == ("PNG", (1200, 630))
    assert owner.email not in page.content()


def test_copy_link_copies_the_address_and_says_so(new_context, shared_url):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(shared_url)
    button = page.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#copy-status")).to_have_text("Link copied")
    expect(page.locator("#copy-status")).to_have_attribute("aria-live", "polite")
    assert page.evaluate("navigator.clipboard.readText()") == shared_url


def test_without_javascript_the_page_shows_everything_and_the_link_to_copy(new_context, shared_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(shared_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Olive Owner's plan: Data Engineer")
    expect(page.get_by_test_id("level-reached")).to_contain_text("Current level: Junior Data Engineer")
    expect(page.get_by_test_id("levels")).to_contain_text("Senior Data Engineer")
    expect(page.get_by_test_id("certifications")).to_contain_text("Google Professional Data Engineer")
    expect(page.get_by_test_id("certifications")).to_contain_text("Valid until")
    link = page.get_by_test_id("evidence").get_by_role("link", name="github.com/olive/sql")
    expect(link).to_have_attribute("rel", "nofollow noopener ugc")
    # No button that cannot work: the address is in a field to select and copy by hand.
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_label("Link to this page")).to_have_value(shared_url)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_shared_page_passes_axe_and_fits_the_screen(new_context, shared_url, axe_violations, scheme, width):
    page = new_context(color_scheme=scheme, viewport={"width": width, "height": 800}).new_page()
    page.goto(shared_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


def test_a_revoked_link_is_the_product_s_404_page_for_the_page_and_its_image(new_context, shared_url):
    from tracker.models import Enrollment

    Enrollment.objects.get(share_token=shared_url.rstrip("/").rsplit("/", 1)[1]).unshare()
    page = new_context().new_page()
    response = page.goto(shared_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert page.request.get(f"{shared_url}preview.png").status == 404
