"""The track editor in a real browser: a ladder step dragged under another level's heading moves there.

django-admin-sortable2's drag and drop and the level headings
(static/js/admin-ladder.js) run under the site's Content-Security-Policy,
served by the app; saving keeps the new order and level.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import LadderStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def editor(db):
    import importlib

    migration = importlib.import_module("tracker.migrations.0002_content_editor_groups")
    group, _ = Group.objects.get_or_create(name="Content editors")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in migration.GROUPS["Content editors"]
    )
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(group)
    return editor


@pytest.fixture
def track(db):
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior", order=1)
    senior = CareerLevelFactory(track=track, slug="senior", title="Senior", order=2)
    for order, (slug, level) in enumerate([("sql", junior), ("python", junior), ("spark", senior), ("lead", senior)]):
        LadderStepFactory(
            track=track, milestone=MilestoneFactory(slug=slug, title=slug.upper()), level=level, order=order
        )
    return track


def drag(page, source, target) -> None:
    """Drag ``source`` (a row's handle) onto the top edge of ``target`` with real mouse moves, as SortableJS needs."""
    box, to = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2 - 10, steps=5)
    page.mouse.move(to["x"] + 60, to["y"] + 10, steps=20)
    page.mouse.up()


def test_a_step_dragged_under_another_level_moves_there_and_saving_keeps_it(new_context, login_as, editor, track):
    context = new_context(viewport={"width": 1280, "height": 1600})
    login_as(context, editor)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"/admin/tracker/careertrack/{track.pk}/change/")
    ladder = page.locator("#steps-group")
    expect(ladder.locator("tr.level-heading")).to_have_text(["Junior", "Senior"])
    rows = ladder.locator("tr.has_original")
    ladder.scroll_into_view_if_needed()

    # SPARK (the first Senior step) dropped on top of PYTHON: it is now a Junior step, second in the ladder.
    drag(page, rows.nth(2).locator("td.original p"), rows.nth(1))
    moved = rows.nth(1)
    expect(moved.locator("td.field-level select")).to_have_value(str(track.levels.get(slug="junior").pk))
    expect(ladder.locator("tr.level-heading")).to_have_text(["Junior", "Senior"])

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps = LadderStep.objects.filter(track=track).order_by("order")
    assert [(s.milestone.slug, s.level.slug) for s in steps] == [
        ("sql", "junior"),
        ("spark", "junior"),
        ("python", "junior"),
        ("lead", "senior"),
    ]
    # The Content-Security-Policy refused nothing: every script is the app's own file.
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]


def test_a_step_moves_with_the_keyboard_too(new_context, login_as, editor, track):
    """Move up and Move down buttons do what a drop does, for people who do not drag; focus stays on the button."""
    context = new_context()
    login_as(context, editor)
    page = context.new_page()
    page.goto(f"/admin/tracker/careertrack/{track.pk}/change/")
    down = page.get_by_role("button", name="Move down: PYTHON")
    down.focus()
    page.keyboard.press("Enter")  # PYTHON goes over the Senior heading: the first Senior step, not past SPARK
    expect(down).to_be_focused()
    page.keyboard.press("Enter")  # and then below SPARK
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps = LadderStep.objects.filter(track=track).order_by("order")
    assert [(s.milestone.slug, s.level.slug) for s in steps] == [
        ("sql", "junior"),
        ("spark", "senior"),
        ("python", "senior"),
        ("lead", "senior"),
    ]
