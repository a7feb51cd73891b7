"""Versions and preconditions: a stale write from an offline phone is refused with the current state, not applied."""

import pytest

from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker import checklists
from tracker.models import Enrollment, MilestoneProgress, PlanStep, ProgressEvent, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(owner):
    """A milestone in the owner's plan, with an editors' checklist item."""
    track = CareerTrackFactory(slug="t")
    milestone = MilestoneFactory(slug="exam", title="The exam")
    LadderStepFactory(track=track, milestone=milestone)
    EnrollmentFactory(user=owner, track=track)
    ChecklistItemFactory(milestone=milestone, title="Book it")
    return milestone


PROGRESS = "/api/v1/progress/exam/"


def test_progress_carries_a_version_that_moves_with_each_change_and_is_its_etag(api, exam):
    before = api.get(PROGRESS)
    assert before.json()["version"] == 0
    assert before["ETag"] == '"0"'

    started = api.patch(PROGRESS, {"status": "in_progress"}, format="json")
    noted = api.patch(PROGRESS, {"notes": "Chapter 3"}, format="json")

    assert started.json()["version"] < noted.json()["version"]
    assert noted["ETag"] == f'"{noted.json()["version"]}"'
    assert api.get(PROGRESS)["ETag"] == noted["ETag"]


def test_a_stale_write_gets_412_with_the_current_state_and_changes_nothing(api, owner, exam):
    """The issue's phones: A marks done; B, offline with an older copy, sends in_progress with notes."""
    base = api.get(PROGRESS).json()["version"]
    assert api.patch(PROGRESS, {"status": "done"}, format="json", HTTP_IF_MATCH=f'"{base}"').status_code == 200

    stale = api.patch(PROGRESS, {"status": "in_progress", "notes": "B's"}, format="json", HTTP_IF_MATCH=f'"{base}"')

    assert stale.status_code == 412
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["current"]["status"] == "done"
    assert body["current"]["completed_at"] is not None
    assert stale["ETag"] == f'"{body["current"]["version"]}"'
    row = MilestoneProgress.objects.get(user=owner, milestone=exam)
    assert (row.status, row.notes) == (Status.DONE, "")
    # Merged onto the current version, the same change goes through.
    merged = api.patch(PROGRESS, {"notes": "B's", "base_version": body["current"]["version"]}, format="json")
    assert merged.status_code == 200
    assert merged.json()["status"] == "done"


def test_a_write_without_a_precondition_keeps_last_write_wins(api, exam):
    api.patch(PROGRESS, {"status": "done"}, format="json")
    assert api.patch(PROGRESS, {"status": "in_progress"}, format="json").json()["status"] == "in_progress"


def test_a_first_write_may_say_it_started_from_no_row_at_all(api, exam):
    assert api.patch(PROGRESS, {"notes": "x", "base_version": 0}, format="json").status_code == 200
    assert api.patch(PROGRESS, {"notes": "y", "base_version": 0}, format="json").status_code == 412


@pytest.mark.parametrize(
    ("headers", "body", "field"),
    [
        ({"HTTP_IF_MATCH": "7"}, {}, "If-Match"),
        ({"HTTP_IF_MATCH": '"seven"'}, {}, "If-Match"),
        ({}, {"base_version": -1}, "base_version"),
        ({}, {"base_version": "x"}, "base_version"),
        ({}, {"base_version": True}, "base_version"),
        ({"HTTP_IF_MATCH": '"1"'}, {"base_version": 2}, "base_version"),
    ],
)
def test_a_malformed_precondition_is_a_400_never_ignored(api, owner, exam, headers, body, field):
    response = api.patch(PROGRESS, {"notes": "x", **body}, format="json", **headers)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not MilestoneProgress.objects.filter(user=owner, notes="x").exists()


def test_if_match_star_asks_for_no_particular_version(api, exam):
    assert api.patch(PROGRESS, {"notes": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 200


def test_a_checklist_item_version_covers_the_item_and_my_tick(api, owner, exam):
    item = exam.checklist.get()
    url = f"/api/v1/checklist-items/{item.pk}/"
    base = api.get(url).json()["version"]

    ticked = api.patch(url, {"done": True}, format="json", HTTP_IF_MATCH=f'"{base}"')
    assert ticked.status_code == 200
    assert ticked.json()["version"] > base

    stale = api.patch(url, {"done": False}, format="json", HTTP_IF_MATCH=f'"{base}"')
    assert stale.status_code == 412
    assert stale.json()["current"]["done"] is True


def test_an_own_item_cannot_be_renamed_or_removed_from_a_stale_version(api, owner, exam):
    mine = checklists.add_item(owner, exam, "Mine")
    url = f"/api/v1/checklist-items/{mine.pk}/"
    base = api.get(url).json()["version"]
    assert api.patch(url, {"title": "Renamed"}, format="json").status_code == 200

    assert api.patch(url, {"title": "Stale"}, format="json", HTTP_IF_MATCH=f'"{base}"').status_code == 412
    assert api.delete(url, HTTP_IF_MATCH=f'"{base}"').status_code == 412
    mine.refresh_from_db()
    assert (mine.title, mine.removed_at) == ("Renamed", None)


def test_a_plan_refuses_a_stale_edit_and_archive(api, owner, exam):
    plan = Enrollment.objects.get(user=owner)
    url = f"/api/v1/enrollments/{plan.pk}/"
    first = api.get(url)
    base = first.json()["version"]
    assert first["ETag"] == f'"{base}"'
    assert api.patch(url, {"status": "paused"}, format="json", HTTP_IF_MATCH=f'"{base}"').status_code == 200

    stale = api.patch(url, {"target_date": "2030-01-01"}, format="json", HTTP_IF_MATCH=f'"{base}"')
    assert stale.status_code == 412
    assert stale.json()["current"]["status"] == "paused"
    assert api.delete(url, HTTP_IF_MATCH=f'"{base}"').status_code == 412
    plan.refresh_from_db()
    assert (plan.status, plan.target_date) == ("paused", None)


def test_a_personal_milestone_refuses_a_stale_edit(api, owner):
    plan = Enrollment.objects.start_own(owner, "Mine")
    step = PlanStep.objects.add_personal(plan, title="Blog post", category="project")
    url = f"/api/v1/enrollments/{plan.pk}/steps/{step.milestone.slug}/"
    base = api.get(url).json()["version"]
    assert api.patch(url, {"title": "Two posts"}, format="json", HTTP_IF_MATCH=f'"{base}"').status_code == 200

    stale = api.patch(url, {"title": "Three posts"}, format="json", HTTP_IF_MATCH=f'"{base}"')

    assert stale.status_code == 412
    assert stale.json()["current"]["title"] == "Two posts"
    assert api.delete(url, HTTP_IF_MATCH=f'"{base}"').status_code == 412


def test_every_update_through_a_queryset_moves_the_version_on(owner, exam):
    MilestoneProgress.objects.set_status(owner, exam, Status.IN_PROGRESS)
    row = MilestoneProgress.objects.get(user=owner, milestone=exam)
    MilestoneProgress.objects.filter(pk=row.pk).update(notes="bulk")
    assert MilestoneProgress.objects.get(pk=row.pk).version == row.version + 1
    MilestoneProgress.objects.set_target_dates(owner, {exam.pk: row.created_at.date()})
    assert MilestoneProgress.objects.get(pk=row.pk).version == row.version + 2


def test_the_history_records_the_device_that_made_each_change(api, owner, exam):
    api.patch(PROGRESS, {"status": "in_progress"}, format="json", HTTP_DEVICE_ID="phone-a-1234")
    api.patch(PROGRESS, {"status": "done"}, format="json")
    assert list(ProgressEvent.objects.order_by("id").values_list("to_status", "device")) == [
        ("in_progress", "phone-a-1234"),
        ("done", ""),
    ]


def test_a_tick_that_starts_its_milestone_records_the_device_too(api, owner, exam):
    item = exam.checklist.get()
    api.patch(f"/api/v1/checklist-items/{item.pk}/", {"done": True}, format="json", HTTP_DEVICE_ID="tablet-9")
    assert ProgressEvent.objects.get(user=owner).device == "tablet-9"


@pytest.mark.parametrize("device", ["x" * 65, "has space", "semi;colon"])
def test_a_bad_device_id_is_a_400_and_nothing_is_written(api, owner, exam, device):
    response = api.patch(PROGRESS, {"status": "in_progress"}, format="json", HTTP_DEVICE_ID=device)
    assert response.status_code == 400
    assert response.json()["field_codes"] == {"Device-Id": ["invalid_device_id"]}
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_an_empty_write_from_a_version_that_never_was_is_a_conflict_too(api, exam):
    response = api.patch(PROGRESS, {}, format="json", HTTP_IF_MATCH='"4"')
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 0
