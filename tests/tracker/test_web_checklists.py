"""Checklists on the plan page: plain forms that redirect back, and htmx swaps of the checklist in place."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    ChecklistTickFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
)
from tracker import checklists
from tracker.models import ChecklistItem, ChecklistTick, MilestoneProgress, Status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(owner):
    """The owner's plan: an exam with two editors' items, and a project with none."""
    track = CareerTrackFactory(slug="t", name="Test track")
    exam = MilestoneFactory(slug="exam", title="The exam", category="certification")
    LadderStepFactory(track=track, milestone=exam, order=0)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="project", title="A project"), order=1)
    ChecklistItemFactory(milestone=exam, slug="guide", title="Read the exam guide", order=0)
    ChecklistItemFactory(milestone=exam, slug="book", title="Book the exam", order=1)
    return EnrollmentFactory(user=owner, track=track)


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def item(slug):
    return ChecklistItem.objects.get(slug=slug)


def tick_url(plan, item, milestone="exam"):
    return f"/plans/{plan.pk}/milestones/{milestone}/checklist/{item.pk}/tick/"


def add_url(plan, milestone="exam"):
    return f"/plans/{plan.pk}/milestones/{milestone}/checklist/"


def remove_url(plan, item, milestone="exam"):
    return f"/plans/{plan.pk}/milestones/{milestone}/checklist/{item.pk}/remove/"


def count_text(body, slug="exam"):
    found = re.search(rf'id="m-{slug}-checklist-count"[^>]*>([^<]+)<', body)
    return found.group(1) if found else None


def test_the_plan_page_shows_each_milestones_checklist_as_checkboxes(signed_in, plan):
    """A count, the items as checkbox buttons (not pressed), and a form to add one's own."""
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    assert count_text(body) == "0 of 2 done"
    assert body.count('role="checkbox" aria-checked="false"') == 2
    assert "Read the exam guide" in body
    assert count_text(body, "project") == "no steps yet"
    assert 'id="m-project-new-item"' in body


def test_without_javascript_a_tick_redirects_back_to_the_panel_showing_1_of_2(signed_in, plan, owner):
    response = signed_in.post(tick_url(plan, item("guide")), {"done": "true"})
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/#m-exam"
    body = signed_in.get(response["Location"]).content.decode()
    assert count_text(body) == "1 of 2 done"
    assert 'aria-checked="true" id="m-exam-item-' in body
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="exam").status == Status.IN_PROGRESS


def test_an_untick_posts_done_false_and_leaves_the_milestone_started(signed_in, plan, owner):
    signed_in.post(tick_url(plan, item("guide")), {"done": "true"})
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    assert 'name="done" value="false"' in body  # the ticked item's form unticks it
    signed_in.post(tick_url(plan, item("guide")), {"done": "false"})
    assert not ChecklistTick.objects.get(user=owner).done
    assert MilestoneProgress.objects.get(user=owner).status == Status.IN_PROGRESS


def test_with_htmx_a_tick_answers_the_checklist_and_the_summary_out_of_band(signed_in, plan, owner):
    """On a started milestone only the checklist changes: it is swapped with the plan's summary beside it."""
    MilestoneProgressFactory(user=owner, milestone=item("guide").milestone, status=Status.IN_PROGRESS)
    response = signed_in.post(tick_url(plan, item("guide")), {"done": "true"}, **HTMX)
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="checklist" id="m-exam-checklist"')
    assert count_text(body) == "1 of 2 done"
    assert f'id="summary-{plan.pk}" hx-swap-oob="true"' in body


def test_with_htmx_a_tick_that_starts_the_milestone_swaps_the_whole_panel(signed_in, plan):
    """The status badge and buttons change too, so the panel is retargeted, with the summary out of band."""
    response = signed_in.post(tick_url(plan, item("guide")), {"done": "true"}, **HTMX)
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#m-exam", "outerHTML")
    body = response.content.decode()
    assert body.lstrip().startswith('<li class="panel status-in_progress" id="m-exam"')
    assert 'data-testid="status">In progress<' in body
    assert count_text(body) == "1 of 2 done"
    assert f'id="summary-{plan.pk}" hx-swap-oob="true"' in body


def test_an_own_item_is_added_and_removed(signed_in, plan, owner):
    response = signed_in.post(add_url(plan, "project"), {"title": "  Write the README  "})
    assert response["Location"] == f"/plans/{plan.pk}/#m-project"
    mine = ChecklistItem.objects.get(owner=owner)
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    assert count_text(body, "project") == "0 of 1 done"
    assert 'Remove<span class="visually-hidden">: Write the README</span>' in body
    assert signed_in.post(remove_url(plan, mine, "project"))["Location"] == f"/plans/{plan.pk}/#m-project"
    mine.refresh_from_db()
    assert mine.removed_at is not None
    assert count_text(signed_in.get(f"/plans/{plan.pk}/").content.decode(), "project") == "no steps yet"


def test_without_javascript_a_blank_title_shows_the_error_beside_the_field_and_at_the_top(signed_in, plan, owner):
    response = signed_in.post(add_url(plan), {"title": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="m-exam-new-item-error" data-testid="checklist-error">Give the item a title.<' in body
    summary = body[body.index('data-testid="error-summary"') :]
    assert '<a href="#m-exam-new-item">The exam: Give the item a title.</a>' in summary
    assert 'aria-invalid="true" aria-describedby="m-exam-new-item-error"' in body
    assert body.count('data-testid="checklist-error"') == 1  # beside this milestone's field only
    assert not ChecklistItem.objects.filter(owner=owner).exists()


def test_with_htmx_a_too_long_title_is_swapped_in_with_what_was_typed(signed_in, plan):
    typed = "x" * 201
    response = signed_in.post(add_url(plan), {"title": typed}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Keep the title to 200 characters (it has 201)." in body
    assert f'value="{typed}"' in body
    assert 'id="error-summary" class="error-summary"' in body  # the page's summary, out of band


def test_removing_an_editors_item_is_refused_with_a_message(signed_in, plan):
    response = signed_in.post(remove_url(plan, item("guide")))
    assert response.status_code == 400
    assert "only your own items can change" in response.content.decode()
    assert item("guide").removed_at is None


def test_another_persons_item_or_plan_is_a_404(signed_in, plan, owner, other):
    others_plan = EnrollmentFactory(user=other, track=plan.track)
    theirs = checklists.add_item(other, item("guide").milestone, "Their own step")
    assert signed_in.post(tick_url(plan, theirs), {"done": "true"}).status_code == 404
    assert signed_in.post(remove_url(plan, theirs)).status_code == 404
    assert signed_in.post(tick_url(others_plan, item("guide")), {"done": "true"}).status_code == 404
    assert signed_in.post(add_url(others_plan), {"title": "Mine"}).status_code == 404
    assert not ChecklistTick.objects.exists()
    assert "Their own step" not in signed_in.get(f"/plans/{plan.pk}/").content.decode()


def test_a_get_is_refused_and_a_post_without_the_csrf_token_is_403(plan, owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.get(tick_url(plan, item("guide"))).status_code == 405
    assert strict.post(tick_url(plan, item("guide")), {"done": "true"}).status_code == 403
    assert strict.post(add_url(plan), {"title": "Sneaky"}).status_code == 403
    assert not ChecklistTick.objects.exists()
    assert not ChecklistItem.objects.filter(owner=owner).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, plan):
    response = client.post(tick_url(plan, item("guide")), {"done": "true"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def build(owner, plan, size, tag):
    """``size`` more milestones in the plan, each with ``size`` ticked editors' items and ``size`` own items."""
    for m in range(size):
        milestone = MilestoneFactory(slug=f"{tag}-m{m}")
        LadderStepFactory(track=plan.track, milestone=milestone)
        for _ in range(size):
            ChecklistTickFactory(user=owner, item=ChecklistItemFactory(milestone=milestone))
            ChecklistItemFactory(milestone=milestone, owner=owner)


def test_the_plan_page_reads_checklists_in_a_fixed_number_of_queries(signed_in, plan, owner):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(f"/plans/{plan.pk}/").status_code == 200
        return len(ctx.captured_queries)

    build(owner, plan, 2, "small")
    small = count()
    build(owner, plan, 20, "big")
    assert count() == small
