"""The plan rules of issue 12 in /api/v1/: choice groups in tracks and plans, the date earned, the refusals.

The same small track as ``test_web_plan_groups``: Python, one cloud
certification of two (AWS 10 weeks, GCP 8), Kaggle Contributor then Expert,
and a course; five units, 50 weeks for someone starting out.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CareerTrackFactory, ChoiceGroupFactory, LadderStepFactory
from tests.tracker.cloud_ladder import cloud_ladder
from tracker.models import Enrollment, MilestoneProgress, ProgressEvent, Status


@pytest.fixture
def ladder(db):
    return cloud_ladder()


@pytest.fixture
def plan(ladder, owner):
    return Enrollment.objects.enroll(owner, ladder["track"])[0]


def today(user):
    return timezone.localdate(timezone.now(), user.tzinfo)


def my_plan(api):
    (entry,) = api.get("/api/v1/dashboard/").json()["enrollments"]
    return entry


# --------------------------------------------------------------------------
# Tracks
# --------------------------------------------------------------------------


def test_the_track_lists_its_choice_groups_and_each_step_names_its_group(anon, ladder):
    """`choice_groups` lists each group with its options in ladder order; each step names its group or null."""
    data = anon.get("/api/v1/tracks/cloud-ml/").json()
    assert data["choice_groups"] == [
        {
            "slug": "one-cloud",
            "title": "One cloud certification",
            "description": "Pick the cloud you work in.",
            "needs": 1,
            "milestones": ["aws", "gcp"],
        }
    ]
    assert {m["slug"]: m["choice_group"] for m in data["milestones"]} == {
        "python": None,
        "aws": "one-cloud",
        "gcp": "one-cloud",
        "contributor": None,
        "expert": None,
        "course": None,
    }
    # The honest total: the group once, by its quickest option (2 + 8 + 2 + 26 + 12).
    assert data["effort_weeks"] == 50


def test_a_hidden_option_leaves_its_group_and_a_group_without_visible_options_is_not_listed(anon, ladder):
    """A hidden milestone leaves its group; a group left with no visible option is not listed."""
    ladder["aws"].is_active = False
    ladder["aws"].save()
    assert anon.get("/api/v1/tracks/cloud-ml/").json()["choice_groups"][0]["milestones"] == ["gcp"]
    ladder["gcp"].is_active = False
    ladder["gcp"].save()
    assert anon.get("/api/v1/tracks/cloud-ml/").json()["choice_groups"] == []


def test_the_track_detail_query_count_does_not_grow_with_groups(anon, db):
    """Groups come with the steps' one query; ten groups of five options cost what one of two costs."""
    for slug, groups, options in (("small", 1, 2), ("large", 10, 5)):
        track = CareerTrackFactory(slug=slug)
        for _ in range(groups):
            group = ChoiceGroupFactory(track=track)
            for _ in range(options):
                LadderStepFactory(track=track, choice_group=group)
    counts = []
    for slug in ("small", "large"):
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(f"/api/v1/tracks/{slug}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --------------------------------------------------------------------------
# The dashboard's plans
# --------------------------------------------------------------------------


def test_an_open_group_counts_once_with_its_quickest_option(api, plan):
    """Nothing chosen: the group is one unit, its effort its quickest option's, nothing chosen."""
    entry = my_plan(api)
    assert (entry["total"], entry["counted"], entry["done"], entry["effort_weeks"]) == (5, 5, 0, 50)
    assert entry["groups"] == [
        {
            "slug": "one-cloud",
            "title": "One cloud certification",
            "needs": 1,
            "done": 0,
            "status": "not_started",
            "chosen": [],
        }
    ]


def test_a_chosen_option_is_the_group_s_and_the_others_are_never_next_up(api, plan, owner, ladder):
    """A started option is chosen: the group counts its effort, and the other options never come up next."""
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, ladder["aws"], Status.IN_PROGRESS)
    entry = my_plan(api)
    (group,) = entry["groups"]
    assert (group["status"], group["chosen"], group["done"]) == ("in_progress", ["aws"], 0)
    # The group now asks for AWS's 10 weeks, not GCP's 8.
    assert (entry["effort_weeks"], entry["effort_left_weeks"]) == (52, 50)
    roles = {item["milestone"]: item["role"] for item in entry["next_up"]}
    assert roles["aws"] == "candidate"
    assert "gcp" not in roles
    assert roles["course"] == "required"


def test_a_done_group_counts_as_one_done_unit(api, plan, owner, ladder):
    """One option done: the group is done, one unit of the percentage; the alternative is not next up."""
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, ladder["gcp"], Status.DONE)
    entry = my_plan(api)
    assert (entry["done"], entry["total"], entry["percent"]) == (2, 5, 40)
    assert entry["groups"][0] == {
        "slug": "one-cloud",
        "title": "One cloud certification",
        "needs": 1,
        "done": 1,
        "status": "done",
        "chosen": ["gcp"],
    }
    assert "aws" not in [item["milestone"] for item in entry["next_up"]]


def test_skipped_units_leave_counted_and_a_skipped_prerequisite_keeps_its_dependant_out_of_next_up(
    api, plan, owner, ladder
):
    """Skipped leaves `counted` (plan and category) and unlocks nothing: its dependant is not next up."""
    MilestoneProgress.objects.set_status(owner, ladder["contributor"], Status.SKIPPED)
    entry = my_plan(api)
    assert (entry["total"], entry["skipped"], entry["counted"], entry["percent"]) == (5, 1, 4, 0)
    kaggle = next(c for c in entry["by_category"] if c["category"] == "kaggle")
    assert (kaggle["total"], kaggle["skipped"], kaggle["counted"]) == (2, 1, 1)
    assert "expert" not in [item["milestone"] for item in entry["next_up"]]


def test_the_export_counts_each_plan_as_the_dashboard_does(api, plan, owner, ladder):
    """One definition of progress: the data export's figures are the dashboard's."""
    MilestoneProgress.objects.update_state(owner, ladder["python"], status=Status.DONE, earned_on=date(2024, 2, 1))
    MilestoneProgress.objects.set_status(owner, ladder["contributor"], Status.SKIPPED)
    entry = my_plan(api)
    export = api.get("/api/v1/me/export/").json()
    (exported,) = export["enrollments"]
    assert {k: exported[k] for k in ("percent", "done", "counted", "skipped")} == {
        k: entry[k] for k in ("percent", "done", "counted", "skipped")
    }
    python = next(p for p in export["progress"] if p["milestone"] == "python")
    assert (python["earned_on"], python["target_date_planned"]) == ("2024-02-01", False)


# --------------------------------------------------------------------------
# The date earned
# --------------------------------------------------------------------------


def test_done_with_a_past_date_earned_is_recorded_and_can_be_changed_later(api, owner, plan):
    """ "I already have this": done on a past date, moved later, each recorded in the history."""
    response = api.patch("/api/v1/progress/python/", {"status": "done", "earned_on": "2024-05-01"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["earned_on"]) == ("done", "2024-05-01")
    moved = api.patch("/api/v1/progress/python/", {"earned_on": "2023-11-30"}, format="json")
    assert moved.status_code == 200
    assert moved.json()["earned_on"] == "2023-11-30"
    assert api.get("/api/v1/progress/python/").json()["earned_on"] == "2023-11-30"
    # The history records the date earned, and the move.
    assert list(ProgressEvent.objects.filter(user=owner).values_list("earned_on", flat=True).order_by("id")) == [
        date(2024, 5, 1),
        date(2023, 11, 30),
    ]


def test_done_without_a_date_earned_is_earned_today(api, owner, plan):
    """Done alone is earned today, on the person's own calendar."""
    response = api.patch("/api/v1/progress/python/", {"status": "done"}, format="json")
    assert response.json()["earned_on"] == today(owner).isoformat()


def test_a_date_earned_in_the_future_is_a_400_on_the_field_and_saves_nothing(api, owner, plan):
    """The domain's `in_future` refusal arrives as a 400 naming `earned_on`; nothing is created."""
    tomorrow = (today(owner) + timedelta(days=1)).isoformat()
    response = api.patch("/api/v1/progress/python/", {"status": "done", "earned_on": tomorrow}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Check the highlighted fields.",
        "fields": {"earned_on": ["The date earned cannot be in the future."]},
        "field_codes": {"earned_on": ["in_future"]},
    }
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_a_date_earned_on_a_milestone_not_done_is_a_400_on_the_field(api, owner, plan, ladder):
    """The domain's `not_done` refusal arrives as a 400 naming `earned_on`; the row is unchanged."""
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.IN_PROGRESS)
    response = api.patch("/api/v1/progress/python/", {"earned_on": "2024-05-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"earned_on": ["Only a done milestone has a date earned."]}
    assert response.json()["field_codes"] == {"earned_on": ["not_done"]}
    row = MilestoneProgress.objects.get(user=owner, milestone=ladder["python"])
    assert (row.status, row.earned_on) == (Status.IN_PROGRESS, None)


def test_a_date_earned_that_is_no_date_is_a_400_on_the_field(api, plan):
    """Text that is no date is refused by the serializer, on the field."""
    response = api.patch("/api/v1/progress/python/", {"status": "done", "earned_on": "last spring"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"earned_on"}


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


def test_undoing_a_prerequisite_of_something_done_is_a_409_naming_it(api, owner, plan, ladder):
    """Leaving done while a dependant is done: 409 `dependants_done` listing them, and nothing changes."""
    MilestoneProgress.objects.set_status(owner, ladder["python"], Status.DONE)
    MilestoneProgress.objects.set_status(owner, ladder["course"], Status.DONE)
    response = api.patch("/api/v1/progress/python/", {"status": "skipped"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "dependants_done",
        "message": "Python is a prerequisite of what you have done: ML course. Undo those first.",
        "dependants": [{"slug": "course", "title": "ML course"}],
    }
    assert MilestoneProgress.objects.get(user=owner, milestone=ladder["python"]).status == Status.DONE


def test_a_skipped_prerequisite_does_not_unlock_its_dependant(api, owner, plan, ladder):
    """Skipped is not done: marking the dependant done is a 409 naming the skipped prerequisite."""
    MilestoneProgress.objects.set_status(owner, ladder["contributor"], Status.SKIPPED)
    response = api.patch("/api/v1/progress/expert/", {"status": "done"}, format="json")
    assert response.status_code == 409
    assert response.json()["missing"] == [{"slug": "contributor", "title": "Kaggle Contributor"}]


def test_a_plan_that_does_not_fit_is_a_409_with_the_figures_and_a_date_that_fits(api, owner, plan):
    """50 weeks of effort, 4 weeks to the target: 409 with both figures and the date that fits; nothing planned."""
    start = today(owner)
    plan.target_date = start + timedelta(weeks=4)
    plan.save()
    response = api.post(f"/api/v1/enrollments/{plan.pk}/plan/")
    assert response.status_code == 409
    body = response.json()
    fits = start + timedelta(weeks=50)
    assert {k: body[k] for k in ("code", "effort_weeks", "weeks_to_target", "date_that_fits")} == {
        "code": "plan_does_not_fit",
        "effort_weeks": 50,
        "weeks_to_target": 4,
        "date_that_fits": fits.isoformat(),
    }
    assert "50 weeks of effort" in body["message"]
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_a_plan_that_fits_plans_what_is_needed_and_keeps_the_dates_set_by_hand(api, owner, plan, ladder):
    """Planning dates the needed units (not the alternative), keeps the date set by hand and reports it."""
    own = today(owner) + timedelta(weeks=10)
    assert api.patch("/api/v1/progress/course/", {"target_date": own.isoformat()}, format="json").status_code == 200
    plan.target_date = today(owner) + timedelta(weeks=60)
    plan.save()
    response = api.post(f"/api/v1/enrollments/{plan.pk}/plan/")
    assert response.status_code == 200
    body = response.json()
    assert [p["milestone"] for p in body["planned"]] == ["python", "gcp", "contributor", "expert"]
    assert body["kept"] == [{"milestone": "course", "target_date": own.isoformat()}]
    assert body["effort_weeks"] == 50
    assert all(p["target_date"] <= plan.target_date.isoformat() for p in body["planned"])
    assert MilestoneProgress.objects.get(user=owner, milestone=ladder["course"]).target_date == own
