"""The batch of offline writes (sync/batch/): in order, each on its own, never applied twice."""

import pytest

from api.models import IdempotencyKey
from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker.models import ActivityDay, ChecklistItem, Enrollment, MilestoneProgress, PlanStep, ProgressEvent, Status

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/sync/batch/"


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(slug="t")
    for n, slug in enumerate(["python", "exam"]):
        LadderStepFactory(track=track, milestone=MilestoneFactory(slug=slug, title=slug.title()), order=n)
    ChecklistItemFactory(milestone=track.steps.get(milestone__slug="exam").milestone, title="Book it")
    return EnrollmentFactory(user=owner, track=track)


def op(key, name, target, data=None, base_version=None):
    body = {"idempotency_key": key, "op": name, "target": target, "data": data or {}}
    if base_version is not None:
        body["base_version"] = base_version
    return body


def send(api, *operations, **headers):
    response = api.post(BATCH, {"operations": list(operations)}, format="json", **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_queue_is_applied_in_order_and_each_change_is_answered_on_its_own(api, owner, plan):
    editors_item = ChecklistItem.objects.get(title="Book it")
    own = Enrollment.objects.start_own(owner, "Mine")
    step = PlanStep.objects.add_personal(own, title="Blog", category="project")
    results = send(
        api,
        op("k1", "progress.update", {"milestone": "python"}, {"status": "done"}, base_version=0),
        op("k2", "checklist_item.add", {"milestone": "exam"}, {"title": "Read the guide"}),
        op("k3", "checklist_item.update", {"item": editors_item.pk}, {"done": True}),
        op("k4", "plan.update", {"enrollment": plan.pk}, {"target_date": "2030-06-30"}),
        op("k5", "plan_step.update", {"enrollment": own.pk, "milestone": step.milestone.slug}, {"title": "Two"}),
    )

    assert [r["status"] for r in results] == ["applied"] * 5
    assert results[0]["data"]["status"] == "done"
    assert results[0]["version"] == results[0]["data"]["version"]
    added = ChecklistItem.objects.get(owner=owner)
    assert results[1]["data"]["id"] == added.pk
    assert results[2]["data"]["done"] is True
    assert results[3]["data"]["target_date"] == "2030-06-30"
    assert results[4]["data"]["title"] == "Two"
    # And the queue's later operations can name what its earlier ones made.
    removed = send(api, op("k6", "checklist_item.remove", {"item": added.pk}))
    assert removed[0]["status"] == "applied"
    added.refresh_from_db()
    assert added.removed_at is not None


def test_a_bad_or_stale_change_is_answered_alone_and_the_rest_still_apply(api, owner, plan):
    MilestoneProgress.objects.set_status(owner, plan.track.steps.get(milestone__slug="exam").milestone, "in_progress")
    results = send(
        api,
        op("a", "progress.update", {"milestone": "python"}, {"status": "in_progress"}),
        op("b", "progress.update", {"milestone": "exam"}, {"status": "done"}, base_version=0),  # stale
        op("c", "progress.update", {"milestone": "no-such"}, {"status": "done"}),
        op("d", "progress.update", {"milestone": "python"}, {"status": "not-a-status"}),
        op("e", "checklist_item.add", {"milestone": "python"}, {"title": ""}),
        {"op": "progress.update", "target": {}},  # no key, no milestone
        op("g", "progress.update", {"milestone": "python"}, {"notes": "still applied"}),
    )

    assert [r["status"] for r in results] == [
        "applied",
        "conflict",
        "refused",
        "refused",
        "refused",
        "refused",
        "applied",
    ]
    assert results[1]["current"]["status"] == "in_progress"
    assert results[1]["version"] >= 1
    assert (results[2]["http_status"], results[2]["error"]["code"]) == (404, "not_found")
    assert results[3]["error"]["field_codes"] == {"status": ["invalid_choice"]}
    assert results[4]["error"]["field_codes"] == {"title": ["blank"]}
    assert set(results[5]["error"]["fields"]) == {"idempotency_key"}
    python = MilestoneProgress.objects.get(user=owner, milestone__slug="python")
    assert (python.status, python.notes) == (Status.IN_PROGRESS, "still applied")
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="exam").status == Status.IN_PROGRESS
    # Nothing of the refused ones was kept, not even their keys.
    assert not IdempotencyKey.objects.filter(key__in=["sync-batch:b", "sync-batch:c", "sync-batch:e"]).exists()


def test_replaying_a_batch_applies_nothing_twice(api, owner, plan):
    queue = [
        op("x1", "progress.update", {"milestone": "python"}, {"status": "done"}),
        op("x2", "checklist_item.add", {"milestone": "exam"}, {"title": "Mine"}),
    ]
    first = send(api, *queue)
    events, items, days = ProgressEvent.objects.count(), ChecklistItem.objects.count(), list(ActivityDay.objects.all())

    again = send(api, *queue)

    assert [r["replayed"] for r in again] == [True, True]
    assert [{**r, "replayed": False} for r in again] == first
    assert (ProgressEvent.objects.count(), ChecklistItem.objects.count()) == (events, items)
    assert list(ActivityDay.objects.all()) == days


def test_a_key_used_for_another_change_is_refused(api, plan):
    send(api, op("same", "progress.update", {"milestone": "python"}, {"status": "done"}))
    result = send(api, op("same", "progress.update", {"milestone": "python"}, {"status": "skipped"}))[0]
    assert (result["status"], result["error"]["code"]) == ("refused", "idempotency_key_reused")


def test_a_queue_longer_than_the_cap_is_refused_whole_with_a_code(api, owner, plan):
    queue = [op(f"k{n}", "progress.update", {"milestone": "python"}, {"notes": str(n)}) for n in range(101)]
    response = api.post(BATCH, {"operations": queue}, format="json")
    assert response.status_code == 400
    assert response.json()["field_codes"] == {"operations": ["batch_too_large"]}
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_a_batch_is_scoped_to_its_sender(other_api, owner, plan):
    result = send(other_api, op("k", "plan.update", {"enrollment": plan.pk}, {"status": "paused"}))[0]
    assert (result["status"], result["http_status"]) == ("refused", 404)
    plan.refresh_from_db()
    assert plan.status == "active"


def test_the_history_of_a_batch_names_its_device(api, owner, plan):
    send(api, op("d1", "progress.update", {"milestone": "python"}, {"status": "done"}), HTTP_DEVICE_ID="phone-b")
    assert ProgressEvent.objects.get(user=owner).device == "phone-b"


def test_anonymous_callers_get_a_401(anon):
    assert anon.post(BATCH, {"operations": []}, format="json").status_code == 401


@pytest.mark.parametrize(
    "target",
    [{"milestone": 7}, {"milestone": ["python"]}, {}, {"item": 1}],
)
def test_a_target_of_the_wrong_shape_is_refused_on_target(api, owner, plan, target):
    result = send(api, op("t", "progress.update", target, {"status": "done"}))[0]
    assert (result["status"], result["http_status"]) == ("refused", 400)
    assert set(result["error"]["field_codes"]) == {"target"}
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_an_item_added_offline_is_ticked_in_the_same_queue_by_the_key_of_its_add(api, owner, plan):
    results = send(
        api,
        op("add-1", "checklist_item.add", {"milestone": "exam"}, {"title": "Read the guide"}),
        op("tick-1", "checklist_item.update", {"item": {"added_by": "add-1"}}, {"done": True}),
        op("add-2", "checklist_item.add", {"milestone": "exam"}, {"title": ""}),  # refused: blank
        op("tick-2", "checklist_item.update", {"item": {"added_by": "add-2"}}, {"done": True}),
        op("tick-3", "checklist_item.update", {"item": {"added_by": "never-sent"}}, {"done": True}),
    )

    assert [r["status"] for r in results] == ["applied", "applied", "refused", "refused", "refused"]
    added = ChecklistItem.objects.get(owner=owner)
    assert results[1]["data"]["id"] == added.pk
    assert results[1]["data"]["done"] is True
    assert results[3]["error"]["field_codes"] == {"target": ["unknown_reference"]}
    assert results[4]["error"]["field_codes"] == {"target": ["unknown_reference"]}
    # A later queue (the app was offline again) may still name it by its add, and a replay changes nothing.
    later = send(api, op("remove-1", "checklist_item.remove", {"item": {"added_by": "add-1"}}))
    assert later[0]["status"] == "applied"
    again = send(api, op("tick-1", "checklist_item.update", {"item": {"added_by": "add-1"}}, {"done": True}))
    assert again[0]["replayed"] is True


def test_a_reference_to_another_persons_add_names_nothing(api, other_api, owner, plan):
    send(other_api, op("theirs", "checklist_item.add", {"milestone": "exam"}, {"title": "Theirs"}))
    [result] = send(api, op("mine", "checklist_item.update", {"item": {"added_by": "theirs"}}, {"done": True}))
    assert (result["status"], result["error"]["field_codes"]) == ("refused", {"target": ["unknown_reference"]})
