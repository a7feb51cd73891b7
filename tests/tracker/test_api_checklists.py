"""Checklists in the API: list, add, tick, rename, remove, and incremental sync with ``removed``."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    ChecklistTickFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker import checklists
from tracker.models import ActivityDay, ChecklistItem, ChecklistTick, Enrollment, Milestone, MilestoneProgress

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/checklist-items/"


def checklist_url(slug):
    return f"/api/v1/progress/{slug}/checklist/"


def item_url(item):
    return f"/api/v1/checklist-items/{item.pk}/"


@pytest.fixture
def exam(owner):
    """A certification in the owner's plan with two editors' items."""
    track = CareerTrackFactory(slug="t")
    milestone = MilestoneFactory(slug="exam", title="The exam")
    LadderStepFactory(track=track, milestone=milestone)
    EnrollmentFactory(user=owner, track=track)
    ChecklistItemFactory(milestone=milestone, slug="guide", title="Read the exam guide", order=0)
    ChecklistItemFactory(milestone=milestone, slug="book", title="Book the exam", order=1)
    return milestone


def guide(milestone):
    return ChecklistItem.objects.get(milestone=milestone, slug="guide")


def test_it_lists_a_milestones_checklist_with_my_ticks_and_counts(api, owner, exam):
    ChecklistTickFactory(user=owner, item=guide(exam))
    body = api.get(checklist_url("exam")).json()
    assert (body["milestone"], body["done"], body["total"]) == ("exam", 1, 2)
    assert [(i["title"], i["done"], i["own"], i["order"]) for i in body["items"]] == [
        ("Read the exam guide", True, False, 0),
        ("Book the exam", False, False, 1),
    ]
    assert body["items"][0]["done_at"] is not None
    assert body["items"][1]["done_at"] is None


def test_post_adds_an_own_item_at_the_end_with_201_and_only_i_see_it(api, other_api, owner, other, exam):
    response = api.post(checklist_url("exam"), {"title": "  Take a practice exam "}, format="json")
    assert response.status_code == 201
    assert (response.data["title"], response.data["own"], response.data["order"], response.data["done"]) == (
        "Take a practice exam",
        True,
        2,
        False,
    )
    assert api.get(checklist_url("exam")).json()["total"] == 3
    assert other_api.get(checklist_url("exam")).json()["total"] == 2


def test_a_retried_post_with_the_same_idempotency_key_adds_one_item(api, owner, exam):
    first = api.post(checklist_url("exam"), {"title": "Practice"}, format="json", HTTP_IDEMPOTENCY_KEY="add-1")
    again = api.post(checklist_url("exam"), {"title": "Practice"}, format="json", HTTP_IDEMPOTENCY_KEY="add-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert ChecklistItem.objects.filter(owner=owner).count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the item a title."),
        ({"title": "x" * 201}, "title", "Keep the title to 200 characters (it has 201)."),
        ({}, "title", "This field is required."),
        ({"title": None}, "title", "This field may not be null."),
        ({"title": "ok", "order": -1}, "order", "Give a whole number from 0 to 2147483647."),
        ({"title": "ok", "order": "first"}, "order", "A valid integer is required."),
    ],
)
def test_a_bad_item_is_400_naming_the_field_and_adds_nothing(api, owner, exam, body, field, message):
    response = api.post(checklist_url("exam"), body, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["fields"] == {field: [message]}
    assert not ChecklistItem.objects.filter(owner=owner).exists()


def test_the_31st_own_item_is_409_checklist_full(api, owner, exam):
    for n in range(checklists.MAX_OWN_ITEMS):
        checklists.add_item(owner, exam, f"Step {n}")
    response = api.post(checklist_url("exam"), {"title": "One more"}, format="json")
    assert response.status_code == 409
    assert (response.data["code"], response.data["limit"]) == ("checklist_full", 30)


def test_an_item_for_a_milestone_in_none_of_my_plans_is_409_and_a_hidden_one_404(api, owner, exam):
    LadderStepFactory(milestone=MilestoneFactory(slug="elsewhere"))
    response = api.post(checklist_url("elsewhere"), {"title": "Not mine"}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "not_in_plan")
    exam.is_active = False
    exam.save()
    assert api.get(checklist_url("exam")).status_code == 404
    assert api.post(checklist_url("exam"), {"title": "Hidden"}, format="json").status_code == 404


def test_patch_done_ticks_an_editors_item_and_starts_the_milestone_once(api, owner, exam):
    response = api.patch(item_url(guide(exam)), {"done": True}, format="json")
    assert response.status_code == 200
    assert (response.data["done"], response.data["own"]) == (True, False)
    assert api.get("/api/v1/progress/exam/").data["status"] == "in_progress"
    again = api.patch(item_url(guide(exam)), {"done": True}, format="json")
    assert again.data["done_at"] == response.data["done_at"]
    assert sum(ActivityDay.objects.filter(user=owner).values_list("count", flat=True)) == 1
    undone = api.patch(item_url(guide(exam)), {"done": False}, format="json")
    assert (undone.data["done"], undone.data["done_at"]) == (False, None)
    assert MilestoneProgress.objects.get(user=owner, milestone=exam).status == "in_progress"


def test_patch_renames_and_moves_an_own_item(api, owner, exam):
    mine = checklists.add_item(owner, exam, "Practice")
    response = api.patch(item_url(mine), {"title": "Practice exam", "order": 0, "done": True}, format="json")
    assert response.status_code == 200
    assert (response.data["title"], response.data["order"], response.data["done"]) == ("Practice exam", 0, True)


def test_changing_or_removing_an_editors_item_is_403_and_changes_nothing(api, owner, exam):
    item = guide(exam)
    refused = api.patch(item_url(item), {"title": "Mine now", "done": True}, format="json")
    assert (refused.status_code, refused.data["code"]) == (403, "not_own_item")
    assert api.delete(item_url(item)).status_code == 403
    item.refresh_from_db()
    assert (item.title, item.removed_at) == ("Read the exam guide", None)
    assert not ChecklistTick.objects.exists()


def test_bad_patch_values_are_400_per_field(api, owner, exam):
    mine = checklists.add_item(owner, exam, "Practice")
    response = api.patch(item_url(mine), {"done": "maybe", "order": "first", "title": 5 * [1]}, format="json")
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"done", "order", "title"}
    blank = api.patch(item_url(mine), {"title": " "}, format="json")
    assert (blank.status_code, blank.data["fields"]) == (400, {"title": ["Give the item a title."]})


def test_another_persons_item_is_404_whatever_the_method(other_api, owner, exam):
    mine = checklists.add_item(owner, exam, "Private step")
    for method in ("get", "patch", "delete"):
        response = getattr(other_api, method)(item_url(mine), {"done": True}, format="json")
        assert response.status_code == 404, method
        assert response.data == {"code": "not_found", "message": "Not found."}
    assert not ChecklistTick.objects.exists()
    assert ChecklistItem.objects.get(pk=mine.pk).removed_at is None


def test_delete_removes_an_own_item_softly_then_it_is_gone(api, owner, exam):
    mine = checklists.add_item(owner, exam, "Practice")
    assert api.delete(item_url(mine)).status_code == 204
    mine.refresh_from_db()
    assert mine.removed_at is not None
    assert api.get(item_url(mine)).status_code == 404
    assert api.delete(item_url(mine)).status_code == 404
    assert api.get(checklist_url("exam")).json()["total"] == 2


def test_the_sync_lists_the_items_of_my_plans_and_nothing_removed(api, owner, exam):
    elsewhere = MilestoneFactory(slug="elsewhere")
    LadderStepFactory(milestone=elsewhere)
    ChecklistItemFactory(milestone=elsewhere)
    ChecklistItemFactory(milestone=exam, owner=owner, removed_at=timezone.now())
    body = api.get(SYNC).json()
    assert sorted(i["title"] for i in body["results"]) == ["Book the exam", "Read the exam guide"]
    assert "removed" not in body


def test_incremental_sync_returns_changes_since_and_names_what_to_drop(api, owner, exam):
    """Ticks, new and renamed items are listed; removed own items and items of a left plan are named."""
    second = CareerTrackFactory(slug="second")
    other_milestone = MilestoneFactory(slug="other-milestone")
    LadderStepFactory(track=second, milestone=other_milestone)
    left = EnrollmentFactory(user=owner, track=second)
    left_item = ChecklistItemFactory(milestone=other_milestone)
    keep = checklists.add_item(owner, exam, "Stays")
    gone = checklists.add_item(owner, exam, "Goes")
    old_removed = checklists.add_item(owner, exam, "Went long ago")
    checklists.remove_item(owner, old_removed)
    past = timezone.now() - dt.timedelta(minutes=1)
    ChecklistItem.objects.update(updated_at=past)
    ChecklistItem.objects.filter(pk=old_removed.pk).update(removed_at=past - dt.timedelta(days=1))
    Milestone.objects.update(updated_at=past)
    Enrollment.objects.update(updated_at=past)
    since = (past + dt.timedelta(seconds=1)).isoformat()

    assert api.get(SYNC, {"updated_since": since}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
        "removed": [],
    }
    checklists.set_done(owner, guide(exam), True)
    checklists.update_item(owner, keep, title="Stays, renamed")
    checklists.remove_item(owner, gone)
    left.change_status("archived")
    body = api.get(SYNC, {"updated_since": since}).json()
    assert sorted(i["title"] for i in body["results"]) == ["Read the exam guide", "Stays, renamed"]
    assert body["removed"] == sorted([gone.pk, left_item.pk])


def test_an_unparseable_updated_since_is_400_naming_the_field(api, owner, exam):
    response = api.get(SYNC, {"updated_since": "yesterday"})
    assert response.status_code == 400
    assert "updated_since" in response.data["fields"]


def build(owner, size, tag):
    """``size`` milestones in a new plan of the owner's, each with ``size`` editors' items and own items, ticked."""
    track = CareerTrackFactory(slug=f"{tag}-track")
    EnrollmentFactory(user=owner, track=track)
    for m in range(size):
        milestone = MilestoneFactory(slug=f"{tag}-m{m}")
        LadderStepFactory(track=track, milestone=milestone)
        for _ in range(size):
            ChecklistTickFactory(user=owner, item=ChecklistItemFactory(milestone=milestone))
            ChecklistItemFactory(milestone=milestone, owner=owner)


def count(api, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [checklist_url("{tag}-m0"), SYNC, SYNC + "?updated_since=2000-01-01T00:00:00Z", "/api/v1/dashboard/"],
)
def test_queries_do_not_grow_with_ten_times_the_items(api, owner, url):
    # The user behind the token is cached from the first request on (api.authentication): both counts without it.
    api.get("/api/v1/ping/")
    build(owner, 2, "small")
    small = count(api, url.format(tag="small"))
    build(owner, 20, "big")
    big = count(api, url.format(tag="big"))
    assert small == big, (small, big)
