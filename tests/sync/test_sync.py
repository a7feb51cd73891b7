"""The sync endpoint: everything of a person's that changed after a cursor, in a stable order, with tombstones."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nudges.models import Notification
from sync import feed
from sync.models import Change, Stream
from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker import checklists
from tracker.models import Enrollment, MilestoneProgress, PlanStep, Status

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/sync/"


def plan_for(user, size=3, tag="m"):
    """A published track of ``size`` milestones that ``user`` follows; its milestones."""
    track = CareerTrackFactory(slug=f"{tag}-track")
    milestones = [MilestoneFactory(slug=f"{tag}-{n}") for n in range(size)]
    for n, milestone in enumerate(milestones):
        LadderStepFactory(track=track, milestone=milestone, order=n)
    EnrollmentFactory(user=user, track=track)
    return milestones


def sync_all(api, cursor=None, limit=100):
    """Every page from ``cursor`` until has_more is false: (changes in order, the last next_cursor, pages)."""
    changes, pages = [], 0
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(SYNC, query)
        assert response.status_code == 200, response.content
        body = response.json()
        changes += body["changes"]
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            return changes, cursor, pages


def keys(changes):
    return [(c["kind"], c["id"]) for c in changes]


def test_a_full_sync_hands_out_every_kind_of_thing_once_and_nothing_of_anyone_else(api, owner, other):
    milestones = plan_for(owner)
    plan_for(other, tag="theirs")
    MilestoneProgress.objects.set_status(owner, milestones[0], Status.DONE)
    mine = checklists.add_item(owner, milestones[1], "Book the exam")
    own_plan = Enrollment.objects.start_own(owner, "My way")
    step = PlanStep.objects.add_personal(own_plan, title="Write a blog post", category="project")
    Notification.objects.create(user=owner, rule="digest", title="Your week")
    Notification.objects.create(user=other, rule="digest", title="Not yours")

    changes, _, _ = sync_all(api)

    kinds = sorted({c["kind"] for c in changes})
    assert kinds == ["checklist_item", "milestone", "notification", "plan", "plan_step", "progress"]
    assert len(keys(changes)) == len(set(keys(changes)))
    assert not any(c["deleted"] for c in changes)
    by_kind = {(c["kind"], c["id"]): c["data"] for c in changes}
    assert by_kind[("checklist_item", mine.pk)]["title"] == "Book the exam"
    assert by_kind[("milestone", step.milestone.pk)]["title"] == "Write a blog post"
    assert by_kind[("plan", own_plan.pk)]["title"] == "My way"
    progress = [c["data"] for c in changes if c["kind"] == "progress"]
    assert [(p["milestone"], p["status"]) for p in progress] == [(milestones[0].slug, "done")]
    notes = [c["data"]["title"] for c in changes if c["kind"] == "notification"]
    assert notes == ["Your week"]
    plans = {c["data"]["title"] for c in changes if c["kind"] == "plan"}
    assert plans == {"My way", Enrollment.objects.get(user=owner, track__owner=None).track.name}


def test_after_a_cursor_only_what_changed_comes_and_deletions_come_as_tombstones(api, owner):
    milestones = plan_for(owner)
    mine = checklists.add_item(owner, milestones[1], "Book the exam")
    own_plan = Enrollment.objects.start_own(owner, "My way")
    step = PlanStep.objects.add_personal(own_plan, title="Write a blog post", category="project")
    _, cursor, _ = sync_all(api)

    MilestoneProgress.objects.set_status(owner, milestones[2], Status.IN_PROGRESS)
    checklists.remove_item(owner, mine)
    step.remove()  # a personal milestone goes: kept, deactivated

    changes, cursor, _ = sync_all(api, cursor)

    assert {(c["kind"], c["id"], c["deleted"]) for c in changes} == {
        ("progress", MilestoneProgress.objects.get(milestone=milestones[2]).pk, False),
        ("checklist_item", mine.pk, True),
        ("milestone", step.milestone.pk, True),
        ("plan_step", step.pk, True),  # its milestone is gone, so the step is too
    }
    assert all(c["data"] is None for c in changes if c["deleted"])
    # Caught up: the same cursor again gives nothing, and keeps its place.
    again, same, _ = sync_all(api, cursor)
    assert again == []
    assert same == cursor


def test_a_tombstone_deleted_before_a_first_sync_is_never_sent(api, owner):
    milestones = plan_for(owner)
    mine = checklists.add_item(owner, milestones[0], "Gone before the app came")
    checklists.remove_item(owner, mine)

    changes, _, _ = sync_all(api)

    assert ("checklist_item", mine.pk) not in keys(changes)


def test_writes_between_pages_are_never_skipped_and_nothing_unchanged_comes_twice(api, owner):
    """The issue's trap: a write between two pages. Each changed object comes again with its new state."""
    milestones = plan_for(owner, size=12)
    for milestone in milestones:
        MilestoneProgress.objects.set_status(owner, milestone, Status.IN_PROGRESS)
    first = api.get(SYNC, {"limit": 5}).json()
    seen = keys(first["changes"])
    assert first["has_more"]

    # Between pages: one object already sent changes, one not yet sent changes, one is new.
    sent = MilestoneProgress.objects.filter(pk__in=[i for k, i in seen if k == "progress"]).first()
    unsent = MilestoneProgress.objects.exclude(pk__in=[i for k, i in seen if k == "progress"]).first()
    MilestoneProgress.objects.update_state(owner, sent.milestone, notes="changed after it was sent")
    MilestoneProgress.objects.update_state(owner, unsent.milestone, notes="changed before it was sent")
    new = checklists.add_item(owner, milestones[0], "Added between pages")

    rest, _, _ = sync_all(api, first["next_cursor"], limit=5)
    everything = first["changes"] + rest

    expected = {("plan", e.pk) for e in owner.enrollments.all()}
    expected |= {("progress", p.pk) for p in MilestoneProgress.objects.filter(user=owner)}
    expected |= {("checklist_item", new.pk)}
    assert set(keys(everything)) == expected  # nothing skipped
    repeated = [key for key in keys(everything) if keys(everything).count(key) > 1]
    assert set(repeated) == {("progress", sent.pk)}  # only what changed after it was sent comes again
    assert keys(rest).count(("progress", unsent.pk)) == 1
    latest = {(c["kind"], c["id"]): c["data"] for c in everything}
    assert latest[("progress", sent.pk)]["notes"] == "changed after it was sent"
    assert latest[("progress", unsent.pk)]["notes"] == "changed before it was sent"


def test_a_cursor_is_the_owners_own_and_a_made_up_one_is_refused(api, other_api, owner):
    plan_for(owner)
    cursor = api.get(SYNC).json()["next_cursor"]

    for client, bad in ((other_api, cursor), (api, "not-a-cursor"), (api, cursor + "x")):
        response = client.get(SYNC, {"cursor": bad})
        assert response.status_code == 400, response.content
        assert response.json()["field_codes"] == {"cursor": ["invalid_cursor"]}


@pytest.mark.parametrize("limit", ["0", "-1", "x"])
def test_a_bad_limit_is_a_400_naming_it(api, limit):
    response = api.get(SYNC, {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["fields"]


def test_tombstones_are_kept_for_the_retention_and_an_older_cursor_must_start_again(api, owner):
    milestones = plan_for(owner)
    mine = checklists.add_item(owner, milestones[0], "Soon gone")
    _, cursor, _ = sync_all(api)
    checklists.remove_item(owner, mine)

    # Within the retention nothing is forgotten.
    assert feed.prune_tombstones() == 0
    assert feed.prune_tombstones(timezone.now() + timedelta(days=feed.TOMBSTONE_DAYS - 1)) == 0
    # Past it, the tombstone goes, and the cursor that needed it is refused.
    assert feed.prune_tombstones(timezone.now() + timedelta(days=feed.TOMBSTONE_DAYS + 1)) == 1
    response = api.get(SYNC, {"cursor": cursor})
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"
    # A full sync starts afresh, and its cursor works.
    changes, fresh, _ = sync_all(api)
    assert ("checklist_item", mine.pk) not in keys(changes)
    assert api.get(SYNC, {"cursor": fresh}).status_code == 200


def test_the_change_log_of_a_deleted_account_goes_with_it(owner, other):
    plan_for(owner)
    plan_for(other, tag="o")
    owner_id = owner.pk
    owner.delete()
    assert not Change.objects.filter(user_id=owner_id).exists()
    assert not Stream.objects.filter(user_id=owner_id).exists()
    assert Change.objects.filter(user_id=other.pk).exists()


def test_anonymous_callers_get_a_401(anon):
    assert anon.get(SYNC).status_code == 401


def count(api, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def build(owner, size, tag):
    """Of every kind, ``size`` objects."""
    milestones = plan_for(owner, size=size, tag=tag)
    own_plan = Enrollment.objects.start_own(owner, f"Mine {tag}")
    for n, milestone in enumerate(milestones):
        MilestoneProgress.objects.set_status(owner, milestone, Status.IN_PROGRESS)
        item = checklists.add_item(owner, milestone, f"Step {n}")
        checklists.set_done(owner, ChecklistItemFactory(milestone=milestone), True)
        checklists.update_item(owner, item, title=f"Step {n}!")
        PlanStep.objects.add_personal(own_plan, title=f"Mine {n}", category="project")
        Notification.objects.create(user=owner, rule="digest", title=f"{tag}{n}")


def test_a_page_reads_in_a_fixed_number_of_queries_whatever_it_holds(api, owner):
    api.get("/api/v1/ping/")  # the user behind the token is cached from the first request on
    build(owner, 2, "small")
    small = count(api, SYNC, {"limit": 500})
    _, cursor, _ = sync_all(api)
    build(owner, 20, "big")  # ten times as many of every kind
    big = count(api, SYNC, {"limit": 500})
    since_cursor = count(api, SYNC, {"cursor": cursor, "limit": 500})
    assert small == big == since_cursor, (small, big, since_cursor)
    assert big <= 10
