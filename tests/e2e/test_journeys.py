"""The product in a real browser: sign-up to a shared plan, content edits, accessibility.

Each test drives headless Chromium against the live server; see conftest.py.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import UserFactory
from tracker.models import CareerTrack, Enrollment, Milestone
from tracker.progress import track_progress

# The live server reads committed data, so these tests use real transactions;
# serialized rollback restores what migrations made (the admin groups) after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def content_editors_group() -> Group:
    """The "Content editors" group exactly as the migration defines it.

    Made again when missing: another suite's transactional test may have
    flushed the database (groups included) before this one ran.
    """
    migration = importlib.import_module("tracker.migrations.0002_content_editor_groups")
    group, _ = Group.objects.get_or_create(name="Content editors")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in migration.GROUPS["Content editors"]
    )
    return group


def open_panel(page, slug):
    """Open a milestone's compact row on the plan page (a <details>), unless it is open already."""
    details = page.locator(f"#m-{slug} > details")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


@pytest.fixture
def seeded_live(live_server):
    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


def test_1_sign_up_confirm_the_email_from_the_outbox_and_log_in(page, seeded_live):
    mail.outbox.clear()
    page.goto("/")
    page.get_by_role("link", name="Sign up free").click()
    page.locator("#id_email").fill("newcomer@example.com")
    page.locator("#id_password1").fill("a long passphrase 42")
    page.locator("#id_password2").fill("a long passphrase 42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", name=re.compile("Hello, newcomer"))).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.locator("#id_login").fill("newcomer@example.com")
    page.locator("#id_password").fill("a long passphrase 42")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name=re.compile("Hello, newcomer"))).to_be_visible()


def test_2_take_the_role_fit_quiz_and_enrol_in_the_top_track(new_context, login_as, seeded_live, owner):
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto("/quiz/")
    page.get_by_role("group", name=re.compile("software engineering")).get_by_label("5").check()
    page.get_by_role("group", name=re.compile("machine learning do you know")).get_by_label("1").check()
    page.get_by_role("group", name=re.compile("writing and presenting")).get_by_label("2").check()
    page.get_by_label("Deployed, monitored production systems").check()
    page.get_by_role("button", name="Rank the tracks for me").click()

    top = page.locator(".fit-top")
    expect(top.get_by_role("heading")).to_contain_text("MLOps Engineer")
    expect(top).to_contain_text("It delivers what you enjoy producing")
    top.get_by_role("button", name=re.compile("^Enroll in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What do you already have?")
    page.get_by_role("link", name="Start from zero").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan: ML DevOps / MLOps Engineer")
    assert Enrollment.objects.get(user=owner).track.slug == "mlops-engineer"


def test_3_prerequisites_are_named_then_progress_updates_in_place(new_context, login_as, seeded_live, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="mlops-engineer"))
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    page.evaluate("window.__noReload = true")
    percent = page.get_by_test_id("percent").first
    expect(percent).to_have_text("0%")

    practice = page.locator("#m-skill-software-engineering")
    open_panel(page, "skill-software-engineering")
    practice.get_by_role("button", name="Done", exact=True).click()
    expect(practice.get_by_test_id("status-error")).to_have_text(
        "Finish the prerequisites first: Programming proficiency."
    )

    programming = page.locator("#m-skill-programming")
    open_panel(page, "skill-programming")
    programming.get_by_role("button", name="Done", exact=True).click()
    expect(programming.get_by_test_id("status")).to_have_text("Done")
    # The swap keeps keyboard focus on the button that was pressed.
    assert page.evaluate("document.activeElement.id") == "m-skill-programming-done"
    after_one = track_progress(plan).percent
    expect(percent).to_have_text(f"{after_one}%")

    page.locator("#m-skill-software-engineering").get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#m-skill-software-engineering").get_by_test_id("status")).to_have_text("Done")
    after_two = track_progress(plan).percent
    assert 0 < after_one < after_two
    expect(percent).to_have_text(f"{after_two}%")
    assert page.evaluate("window.__noReload") is True  # swapped in place, never reloaded

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("percent")).to_have_text(f"{after_two}%")

    # And on the dashboard itself: "Mark done" on a next-up milestone, in place.
    page.evaluate("window.__noReload = true")
    first = page.locator(".next-up li").first
    first.locator("summary", has_text="Mark done").click()  # it asks for the date earned: today unless changed
    first.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(page.get_by_test_id("percent")).not_to_have_text(f"{after_two}%")
    after_three = track_progress(plan).percent
    expect(page.get_by_test_id("percent")).to_have_text(f"{after_three}%")
    assert after_three > after_two
    assert page.evaluate("window.__noReload") is True


def test_4_a_shared_link_shows_progress_to_a_logged_out_visitor_but_not_the_email(
    new_context, login_as, seeded_live, owner
):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-scientist"))
    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    open_panel(page, "skill-programming")
    page.locator("#m-skill-programming").get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#m-skill-programming").get_by_test_id("status")).to_have_text("Done")
    page.get_by_role("button", name="Share a read-only link").click()
    url = page.get_by_test_id("share-url").input_value()
    assert "/shared/" in url

    visitor = new_context().new_page()
    visitor.goto(url)
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Data Scientist")
    expect(visitor.get_by_test_id("percent")).to_have_text(f"{track_progress(plan).percent}%")
    assert owner.email not in visitor.content()
    expect(visitor.get_by_role("link", name="Sign in")).to_be_visible()


def test_5_a_content_editor_renames_a_milestone_in_the_admin_and_the_track_page_shows_it(
    new_context, login_as, seeded_live
):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(content_editors_group())
    milestone = Milestone.objects.get(slug="skill-programming")

    context = new_context()
    login_as(context, editor)
    page = context.new_page()
    page.goto(f"/admin/tracker/milestone/{milestone.pk}/change/")
    page.get_by_label("Title").fill("Fluent Python programming")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/tracks/data-engineer/")
    expect(page.locator("#m-skill-programming h3")).to_have_text("Fluent Python programming")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_6_axe_finds_no_serious_or_critical_violation_on_the_main_pages(
    new_context, login_as, seeded_live, owner, axe_violations, scheme
):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    anonymous = new_context(color_scheme=scheme).new_page()
    signed_in_context = new_context(color_scheme=scheme)
    login_as(signed_in_context, owner)
    signed_in = signed_in_context.new_page()
    found = {}
    for page, path in [
        (anonymous, "/"),
        (anonymous, "/tracks/"),
        (anonymous, "/tracks/machine-learning-engineer/"),
        (signed_in, "/dashboard/"),
        # Beyond the four the issue names: the plan, the quiz's results and the sign-up form.
        (signed_in, f"/plans/{plan.pk}/"),
        (anonymous, "/quiz/?se_skill=4&ml_knowledge=3&communication=3&produces=prediction_systems"),
        (anonymous, "/accounts/signup/"),
    ]:
        page.goto(path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}


def test_with_javascript_off_status_changes_still_work_through_plain_forms(new_context, login_as, seeded_live, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    context = new_context(java_script_enabled=False)
    login_as(context, owner)
    page = context.new_page()
    page.goto(f"/plans/{plan.pk}/")
    open_panel(page, "skill-software-engineering")  # a <details>: it opens without JavaScript
    page.locator("#m-skill-software-engineering").get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#m-skill-software-engineering").get_by_test_id("status-error")).to_contain_text(
        "Programming proficiency"
    )
    open_panel(page, "skill-programming")
    page.locator("#m-skill-programming").get_by_role("button", name="Done", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/#m-skill-programming$"))
    expect(page.locator("#m-skill-programming").get_by_test_id("status")).to_have_text("Done")
    expect(page.get_by_test_id("percent")).to_have_text(f"{track_progress(plan).percent}%")


def test_the_theme_toggle_is_remembered_across_pages(new_context, seeded_live):
    page = new_context(color_scheme="light").new_page()
    page.goto("/")
    # Its name says the theme in use and what pressing it does.
    toggle = page.get_by_role("button", name="Light theme on: switch to dark theme")
    expect(toggle).to_contain_text("Light")
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    expect(page.locator("#theme-toggle")).to_have_accessible_name("Dark theme on: switch to light theme")
    page.goto("/tracks/")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    expect(page.get_by_role("button", name="Dark theme on: switch to light theme")).to_contain_text("Dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(18, 21, 26)"


def test_the_main_pages_fit_a_360_pixel_screen(new_context, login_as, seeded_live, owner):
    plan, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))
    context = new_context(viewport={"width": 360, "height": 780})
    login_as(context, owner)
    page = context.new_page()
    for path in ("/", "/tracks/", "/tracks/machine-learning-engineer/", "/dashboard/", f"/plans/{plan.pk}/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path
