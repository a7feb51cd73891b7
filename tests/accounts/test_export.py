import json

from accounts.export import export_user_data
from nudges.models import Device, Notification
from tests.factories import CareerTrackFactory, LadderStepFactory
from tracker.models import Enrollment, MilestoneProgress, Status


def test_the_export_holds_profile_plans_progress_history_and_messages_and_is_json(owner, other):
    track = CareerTrackFactory(slug="data-engineer")
    step = LadderStepFactory(track=track)
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    enrollment.share()
    MilestoneProgress.objects.set_status(owner, step.milestone, Status.DONE, track=track)
    Notification.objects.create(user=owner, rule="stalled", title="Keep going")
    Device.objects.create(user=owner, platform="ios", token="secret-push-token-abcdef")
    Enrollment.objects.enroll(other, track)

    data = json.loads(json.dumps(export_user_data(owner)))

    assert data["profile"]["email"] == "owner@example.com"
    assert [e["track"] for e in data["enrollments"]] == ["data-engineer"]
    assert data["enrollments"][0]["shared"] is True
    assert [(p["milestone"], p["status"], p["earned_in"]) for p in data["progress"]] == [
        (step.milestone.slug, "done", "data-engineer")
    ]
    assert [(h["from"], h["to"]) for h in data["history"]] == [("not_started", "done")]
    assert [n["title"] for n in data["notifications"]] == ["Keep going"]
    assert data["devices"] == [
        {
            "platform": "ios",
            "token_ending": "abcdef",
            "apns_environment": "",
            "app_version": "",
            "locale": "",
            "created_at": data["devices"][0]["created_at"],
        }
    ]
    text = json.dumps(data)
    assert "secret-push-token" not in text
    assert enrollment.share_token not in text
    assert "other@example.com" not in text


def test_the_export_holds_own_checklist_items_ticks_activity_and_rest_weeks_and_nobody_elses(owner, other):
    """A person's own checklist items (removed ones too), every tick, their activity days and rest weeks."""
    from tracker import checklists
    from tracker.models import ActivityDay, ChecklistItem, RestWeek

    track = CareerTrackFactory(slug="data-engineer", is_published=True)
    step = LadderStepFactory(track=track)
    Enrollment.objects.enroll(owner, track)
    Enrollment.objects.enroll(other, track)
    default = ChecklistItem.objects.create(milestone=step.milestone, slug="book", title="Book the exam")
    mine = checklists.add_item(owner, step.milestone, "Ask Sam for mock questions")
    gone = checklists.add_item(owner, step.milestone, "Buy the book")
    checklists.remove_item(owner, gone)
    checklists.add_item(other, step.milestone, "Other person's secret step")
    checklists.set_done(owner, default, True)
    RestWeek.objects.create(user=owner, monday="2026-11-16")

    data = json.loads(json.dumps(export_user_data(owner)))

    items = {item["title"]: item["removed_at"] is not None for item in data["checklist_items"]}
    assert items == {mine.title: False, gone.title: True}
    assert [(t["item"], t["own_item"], t["done"]) for t in data["checklist_ticks"]] == [("Book the exam", False, True)]
    assert sum(day["count"] for day in data["activity_days"]) == ActivityDay.objects.get(user=owner).count
    assert data["rest_weeks"] == ["2026-11-16"]
    assert "Other person's secret step" not in json.dumps(data)
