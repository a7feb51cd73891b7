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
        {"platform": "ios", "token_ending": "abcdef", "created_at": data["devices"][0]["created_at"]}
    ]
    text = json.dumps(data)
    assert "secret-push-token" not in text
    assert enrollment.share_token not in text
    assert "other@example.com" not in text
