"""Plans of one's own and personal milestones in /api/v1/: start, rename, add, move, edit, remove, and who sees what.

The same small track as the plan-rule tests: Python, one cloud certification
of two (AWS, GCP), Kaggle Contributor then Expert, and a course.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tests.hostile import BOUNDED, hostile_text
from tests.tracker.cloud_ladder import cloud_ladder
from tracker.models import Enrollment, EnrollmentStatus, Milestone, PlanStep

pytestmark = pytest.mark.django_db

OWN = "/api/v1/enrollments/own/"
LADDER = ["python", "aws", "gcp", "contributor", "expert", "course"]


@pytest.fixture
def ladder(db):
    return cloud_ladder()


@pytest.fixture
def plan(ladder, owner):
    """The owner following the catalogue track."""
    return Enrollment.objects.enroll(owner, ladder["track"])[0]


@pytest.fixture
def own_plan(owner):
    """An empty plan of the owner's own."""
    return Enrollment.objects.start_own(owner, "My way in")


def steps_url(enrollment):
    return f"/api/v1/enrollments/{enrollment.pk}/steps/"


def step_url(enrollment, slug):
    return f"{steps_url(enrollment)}{slug}/"


def order(api, enrollment):
    response = api.get(steps_url(enrollment))
    assert response.status_code == 200, response.content
    return [step["milestone"] for step in response.json()["steps"]]


def add_personal(api, enrollment, title="Portfolio site", **body):
    body = {"title": title, "category": "project", **body}
    response = api.post(steps_url(enrollment), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def errors(response):
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()["field_codes"]


# --------------------------------------------------------------------------
# Starting, renaming, bringing back a plan of one's own
# --------------------------------------------------------------------------


def test_it_starts_an_empty_plan_of_ones_own_named_as_given(api, owner):
    response = api.post(OWN, {"title": "  My   way  in ", "target_date": "2027-06-30"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["is_own"], body["status"], body["target_date"]) == (
        "My way in",
        True,
        "active",
        "2027-06-30",
    )
    assert body["completed_at"] is None
    assert set(body) == {
        "id",
        "track",
        "title",
        "is_own",
        "status",
        "started_at",
        "target_date",
        "completed_at",
        "updated_at",
        "version",
    }
    enrollment = Enrollment.objects.get(pk=body["id"], user=owner)
    assert body["track"] == enrollment.track.slug
    assert api.get(steps_url(enrollment)).json() == {"enrollment": enrollment.pk, "steps": []}
    listed = api.get("/api/v1/enrollments/").json()["results"]
    assert [(e["id"], e["title"], e["is_own"]) for e in listed] == [(enrollment.pk, "My way in", True)]


def test_it_starts_a_plan_of_ones_own_from_a_track_with_its_milestones_in_order(api, ladder):
    body = api.post(OWN, {"title": "Cloud, my way", "from_track": "cloud-ml"}, format="json").json()
    steps = api.get(f"/api/v1/enrollments/{body['id']}/steps/").json()["steps"]
    assert [s["milestone"] for s in steps] == LADDER
    # Every step is the person's to move and remove; the track's choice group does not carry over.
    assert {(s["own_step"], s["personal"], s["group"]) for s in steps} == {(True, False, None)}
    assert next(s for s in steps if s["milestone"] == "course")["prerequisites"] == ["python"]


def test_a_catalogue_plan_says_its_track_name_and_that_it_is_not_ones_own(api, plan):
    body = api.get(f"/api/v1/enrollments/{plan.pk}/").json()
    assert (body["track"], body["title"], body["is_own"]) == ("cloud-ml", "Cloud ML", False)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"title": "   "}, "title", "required"),
        ({}, "title", "required"),
        ({"title": "x" * 121}, "title", "max_length"),
        ({"title": "Mine", "from_track": "draft"}, "from_track", "does_not_exist"),
        ({"title": "Mine", "from_track": "no such track"}, "from_track", "does_not_exist"),
        ({"title": "Mine", "target_date": "next spring"}, "target_date", "invalid"),
        ({"title": "Mine", "track": "cloud-ml"}, "track", "unknown_field"),
    ],
)
def test_a_bad_plan_of_ones_own_is_400_naming_the_field_and_starts_nothing(api, owner, ladder, body, field, code):
    CareerTrackFactory(slug="draft", is_published=False)
    assert errors(api.post(OWN, body, format="json")) == {field: [code]}
    assert not Enrollment.objects.filter(user=owner).exists()


def test_it_renames_a_plan_of_ones_own_and_refuses_to_rename_a_catalogue_plan(api, plan, own_plan):
    response = api.patch(f"/api/v1/enrollments/{own_plan.pk}/", {"title": " Second try "}, format="json")
    assert (response.status_code, response.json()["title"]) == (200, "Second try")
    assert api.get(f"/api/v1/enrollments/{own_plan.pk}/").json()["title"] == "Second try"

    refused = api.patch(
        f"/api/v1/enrollments/{plan.pk}/", {"title": "Mine", "target_date": "2030-01-01"}, format="json"
    )
    assert errors(refused) == {"title": ["not_own"]}
    plan.refresh_from_db()
    assert (plan.track.name, plan.target_date) == ("Cloud ML", None)  # nothing of the PATCH was kept
    assert errors(api.patch(f"/api/v1/enrollments/{own_plan.pk}/", {"title": " "}, format="json")) == {
        "title": ["required"]
    }


def test_an_archived_plan_of_ones_own_comes_back_but_an_archived_catalogue_plan_does_not(api, plan, own_plan):
    for enrollment in (plan, own_plan):
        assert api.delete(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 204
    back = api.patch(f"/api/v1/enrollments/{own_plan.pk}/", {"status": "active"}, format="json")
    assert (back.status_code, back.json()["status"]) == (200, "active")
    refused = api.patch(f"/api/v1/enrollments/{plan.pk}/", {"status": "active"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "archived")
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ARCHIVED


def test_a_retried_post_with_the_same_idempotency_key_starts_one_plan_and_adds_one_step(api, owner, ladder):
    first = api.post(OWN, {"title": "Mine"}, format="json", HTTP_IDEMPOTENCY_KEY="own-1")
    again = api.post(OWN, {"title": "Mine"}, format="json", HTTP_IDEMPOTENCY_KEY="own-1")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert Enrollment.objects.filter(user=owner).count() == 1

    url = f"/api/v1/enrollments/{first.json()['id']}/steps/"
    body = {"title": "Portfolio site", "category": "project"}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="step-1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="step-1")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert PlanStep.objects.filter(enrollment__user=owner).count() == 1
    assert Milestone.objects.filter(owner=owner).count() == 1


# --------------------------------------------------------------------------
# Adding steps where they belong
# --------------------------------------------------------------------------


def test_it_adds_catalogue_milestones_to_a_plan_of_ones_own_at_the_end_first_and_after_one(api, ladder, own_plan):
    def add(body):
        response = api.post(steps_url(own_plan), body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    added = add({"milestone": "python"})
    assert added == {
        "milestone": "python",
        "title": "Python",
        "category": "skill",
        "effort_weeks": 2,
        "description": "An achievement.",
        "personal": False,
        "own_step": True,
        "level": None,
        "group": None,
        "prerequisites": [],
        "version": None,
    }
    add({"milestone": "course"})  # left out: at the end
    add({"milestone": "contributor", "after": None})  # null: first
    add({"milestone": "aws", "after": "python"})
    assert order(api, own_plan) == ["contributor", "python", "aws", "course"]


def test_it_adds_a_personal_milestone_to_a_catalogue_plan_after_a_ladder_step_under_its_level(api, ladder, plan):
    level = CareerLevelFactory(track=ladder["track"], slug="junior")
    ladder["track"].steps.filter(milestone=ladder["contributor"]).update(level=level)
    added = add_personal(
        api,
        plan,
        title="  Blog about my Kaggle notebook ",
        category="project",
        effort_weeks=3,
        description="Write it up.",
        prerequisites=["contributor", "python"],
        after="contributor",
    )
    mine = Milestone.objects.get(slug=added["milestone"])
    assert added == {
        "milestone": mine.slug,
        "title": "Blog about my Kaggle notebook",
        "category": "project",
        "effort_weeks": 3,
        "description": "Write it up.",
        "personal": True,
        "own_step": True,
        "level": "junior",
        "group": None,
        "prerequisites": ["contributor", "python"],  # by title, as every prerequisite list is ordered
        "version": 1,
    }
    assert order(api, plan) == ["python", "aws", "gcp", "contributor", mine.slug, "expert", "course"]
    # The track's own steps are the editors': neither moved nor removed by the person.
    assert {s["milestone"]: s["own_step"] for s in api.get(steps_url(plan)).json()["steps"]}["python"] is False


def test_the_step_list_is_the_plan_order_with_own_steps_first_between_and_last(api, ladder, plan):
    first = add_personal(api, plan, "Study group", after=None)["milestone"]
    between = add_personal(api, plan, "Mock interview", after="gcp")["milestone"]
    last = add_personal(api, plan, "Talk at a meetup")["milestone"]
    assert order(api, plan) == [first, "python", "aws", "gcp", between, "contributor", "expert", "course", last]
    # The same order as the dashboard and every figure of the plan count.
    assert api.get(step_url(plan, between)).json()["milestone"] == between


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"milestone": "python"}, "milestone", "already_in_plan"),
        ({"milestone": "no-such-milestone"}, "milestone", "does_not_exist"),
        ({"milestone": "retired"}, "milestone", "does_not_exist"),
        ({"milestone": "not a slug"}, "milestone", "invalid"),
        ({"milestone": "elsewhere", "after": "not-in-plan"}, "after", "not_in_plan"),
        ({"milestone": "elsewhere", "title": "Both shapes"}, "title", "unknown_field"),
        ({"title": "Mine", "category": "project", "prerequisites": ["elsewhere"]}, "prerequisites", "not_in_plan"),
        ({"title": "Mine", "category": "project", "prerequisites": ["no-such"]}, "prerequisites", "does_not_exist"),
        ({"title": "Mine", "category": "project", "prerequisites": "python"}, "prerequisites", "not_a_list"),
        ({"title": "Mine", "category": "project", "after": "elsewhere"}, "after", "not_in_plan"),
        ({"title": "Mine", "category": "hobby"}, "category", "invalid_choice"),
        ({"title": "Mine", "category": "project", "effort_weeks": 521}, "effort_weeks", "max_value"),
        ({"title": "Mine", "category": "project", "effort_weeks": -1}, "effort_weeks", "min_value"),
        ({"title": "Mine", "category": "project", "effort_weeks": "lots"}, "effort_weeks", "invalid"),
        ({"title": "x" * 161, "category": "project"}, "title", "max_length"),
        ({"title": "   ", "category": "project"}, "title", "blank"),
        ({"title": ["Mine"], "category": "project"}, "title", "invalid"),
        ({"title": "Mine", "category": "project", "colour": "red"}, "colour", "unknown_field"),
        ({"category": "project"}, "title", "required"),
    ],
)
def test_a_bad_step_is_400_naming_the_field_and_its_code_and_adds_nothing(api, owner, ladder, plan, body, field, code):
    LadderStepFactory(milestone=MilestoneFactory(slug="elsewhere"))  # published, but not in this plan
    MilestoneFactory(slug="retired", is_active=False)
    before = order(api, plan)
    assert errors(api.post(steps_url(plan), body, format="json")) == {field: [code]}
    assert order(api, plan) == before
    assert not Milestone.objects.filter(owner=owner).exists()


def test_another_persons_milestone_cannot_be_added_to_a_plan_nor_named_as_a_prerequisite(api, other, ladder, plan):
    theirs = PlanStep.objects.add_personal(
        Enrollment.objects.enroll(other, ladder["track"])[0], title="Their secret", category="project"
    ).milestone
    assert errors(api.post(steps_url(plan), {"milestone": theirs.slug}, format="json")) == {
        "milestone": ["does_not_exist"]
    }
    body = {"title": "Mine", "category": "project", "prerequisites": [theirs.slug]}
    assert errors(api.post(steps_url(plan), body, format="json")) == {"prerequisites": ["does_not_exist"]}


# --------------------------------------------------------------------------
# Moving, editing, removing
# --------------------------------------------------------------------------


def test_it_moves_a_step_one_added_and_refuses_to_move_a_ladder_step(api, ladder, plan):
    mine = add_personal(api, plan)["milestone"]
    moved = api.patch(step_url(plan, mine), {"after": "python"}, format="json")
    assert (moved.status_code, moved.json()["milestone"]) == (200, mine)
    assert order(api, plan)[:2] == ["python", mine]
    assert api.patch(step_url(plan, mine), {"after": None}, format="json").status_code == 200
    assert order(api, plan)[0] == mine
    assert errors(api.patch(step_url(plan, mine), {"after": "elsewhere"}, format="json")) == {"after": ["not_in_plan"]}

    refused = api.patch(step_url(plan, "aws"), {"after": "course"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "ladder_step")
    assert order(api, plan)[1:] == LADDER


def test_it_edits_a_personal_milestone_and_its_prerequisites(api, ladder, plan):
    mine = add_personal(api, plan, prerequisites=["python"])["milestone"]
    response = api.patch(
        step_url(plan, mine),
        {"title": "Portfolio with three projects", "effort_weeks": 6, "description": "", "prerequisites": ["course"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["effort_weeks"], body["description"], body["prerequisites"]) == (
        "Portfolio with three projects",
        6,
        "",
        ["course"],
    )
    assert api.patch(step_url(plan, mine), {"prerequisites": []}, format="json").json()["prerequisites"] == []
    assert errors(api.patch(step_url(plan, mine), {"effort_weeks": 999}, format="json")) == {
        "effort_weeks": ["max_value"]
    }
    assert api.get(step_url(plan, mine)).json()["effort_weeks"] == 6


def test_prerequisites_outside_the_plan_or_in_a_loop_are_refused_and_change_nothing(api, ladder, plan):
    LadderStepFactory(milestone=MilestoneFactory(slug="elsewhere"))
    first = add_personal(api, plan, "First")["milestone"]
    second = add_personal(api, plan, "Second", prerequisites=[first])["milestone"]
    outside = api.patch(step_url(plan, first), {"prerequisites": ["elsewhere"], "title": "Renamed"}, format="json")
    assert errors(outside) == {"prerequisites": ["not_in_plan"]}
    loop = api.patch(step_url(plan, first), {"prerequisites": [second]}, format="json")
    assert errors(loop) == {"prerequisites": ["prerequisite_cycle"]}
    itself = api.patch(step_url(plan, first), {"prerequisites": [first]}, format="json")
    assert errors(itself) == {"prerequisites": ["not_in_plan"]}
    step = api.get(step_url(plan, first)).json()
    assert (step["title"], step["prerequisites"]) == ("First", [])


def test_only_a_personal_milestone_is_edited_others_are_403_not_personal(api, ladder, plan, own_plan):
    api.post(steps_url(own_plan), {"milestone": "python"}, format="json")
    for enrollment, slug in ((own_plan, "python"), (plan, "python")):
        refused = api.patch(step_url(enrollment, slug), {"title": "Mine now"}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (403, "not_personal")
    assert Milestone.objects.get(slug="python").title == "Python"
    # A catalogue milestone one added to one's plan still moves.
    api.post(steps_url(own_plan), {"milestone": "course"}, format="json")
    assert api.patch(step_url(own_plan, "course"), {"after": None}, format="json").status_code == 200
    assert order(api, own_plan) == ["course", "python"]


def test_it_removes_an_own_step_and_refuses_to_remove_a_ladder_step(api, ladder, plan, own_plan):
    mine = add_personal(api, plan)["milestone"]
    assert api.delete(step_url(plan, mine)).status_code == 204
    assert order(api, plan) == LADDER
    assert api.get(step_url(plan, mine)).status_code == 404
    assert api.delete(step_url(plan, mine)).status_code == 404

    refused = api.delete(step_url(plan, "expert"))
    assert (refused.status_code, refused.json()["code"]) == (409, "ladder_step")
    assert "skip it instead" in refused.json()["message"]
    assert "progress/expert/" in refused.json()["message"]

    api.post(steps_url(own_plan), {"milestone": "python"}, format="json")
    assert api.delete(step_url(own_plan, "python")).status_code == 204
    assert order(api, own_plan) == []
    assert Milestone.objects.get(slug="python").is_active  # only the step went, not the catalogue's milestone


def test_a_milestone_not_in_the_plan_is_404_on_every_method(api, ladder, plan):
    LadderStepFactory(milestone=MilestoneFactory(slug="elsewhere"))
    for method in ("get", "patch", "delete"):
        assert getattr(api, method)(step_url(plan, "elsewhere"), {}, format="json").status_code == 404


# --------------------------------------------------------------------------
# Privacy: another person's plan and personal milestones
# --------------------------------------------------------------------------


def test_another_persons_plan_and_steps_are_404(other_api, api, ladder, plan):
    mine = add_personal(api, plan)["milestone"]
    assert other_api.get(steps_url(plan)).status_code == 404
    assert other_api.post(steps_url(plan), {"milestone": "python"}, format="json").status_code == 404
    assert other_api.get(step_url(plan, mine)).status_code == 404
    assert other_api.patch(step_url(plan, mine), {"title": "Theirs"}, format="json").status_code == 404
    assert other_api.delete(step_url(plan, mine)).status_code == 404
    assert other_api.patch(f"/api/v1/enrollments/{plan.pk}/", {"title": "Theirs"}, format="json").status_code == 404
    assert Milestone.objects.get(slug=mine).title == "Portfolio site"


def test_a_personal_milestone_is_its_owners_on_progress_and_404_for_anyone_else(api, other_api, ladder, plan):
    mine = add_personal(api, plan)["milestone"]
    done = api.patch(f"/api/v1/progress/{mine}/", {"status": "done"}, format="json")
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["personal"]) == ("done", True)
    assert api.get("/api/v1/progress/python/").json()["personal"] is False

    assert other_api.get(f"/api/v1/progress/{mine}/").status_code == 404
    assert other_api.patch(f"/api/v1/progress/{mine}/", {"status": "done"}, format="json").status_code == 404
    assert other_api.get(f"/api/v1/progress/{mine}/checklist/").status_code == 404
    assert mine not in [row["milestone"] for row in other_api.get("/api/v1/progress/").json()["results"]]


def test_the_dashboard_marks_a_personal_milestone(api, ladder, plan):
    mine = add_personal(api, plan, after=None)["milestone"]
    (entry,) = api.get("/api/v1/dashboard/").json()["enrollments"]
    assert {m["milestone"]: m["personal"] for m in entry["next_up"]}[mine] is True
    assert {m["milestone"]: m["personal"] for m in entry["next_up"]}["python"] is False


def test_a_personal_milestone_syncs_with_updated_since_and_is_removed_after_removal(api, owner, ladder, plan):
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    mine = add_personal(api, plan)["milestone"]
    synced = api.get("/api/v1/progress/", {"updated_since": since}).json()
    assert {row["milestone"]: row["personal"] for row in synced["results"]}[mine] is True
    assert mine not in synced["removed"]

    assert api.delete(step_url(plan, mine)).status_code == 204
    synced = api.get("/api/v1/progress/", {"updated_since": since}).json()
    assert mine not in [row["milestone"] for row in synced["results"]]
    assert mine in synced["removed"]
    assert api.get(f"/api/v1/progress/{mine}/").status_code == 404


# --------------------------------------------------------------------------
# Query counts and hostile input
# --------------------------------------------------------------------------


def build(owner, size, tag):
    """A track of ``size`` milestones the owner follows, with ``size`` personal milestones with prerequisites in it."""
    track = CareerTrackFactory(slug=f"{tag}-track")
    level = CareerLevelFactory(track=track)
    previous = None
    for n in range(size):
        milestone = MilestoneFactory(slug=f"{tag}-m{n}")
        if previous is not None:
            milestone.prerequisites.add(previous)
        LadderStepFactory(track=track, milestone=milestone, level=level, order=n)
        previous = milestone
    enrollment = Enrollment.objects.enroll(owner, track)[0]
    for n in range(size):
        PlanStep.objects.add_personal(
            enrollment, title=f"Mine {n}", category="project", prerequisites=[previous], after=previous
        )
    return enrollment


def test_the_step_list_reads_in_the_same_number_of_queries_with_ten_times_the_steps(
    api, owner, django_assert_num_queries
):
    small, big = build(owner, 3, "small"), build(owner, 30, "big")
    api.get(steps_url(small))  # the first request of a test warms per-process caches (the user, the ladder)
    with CaptureQueriesContext(connection) as counted:
        assert api.get(steps_url(small)).status_code == 200
    small_queries = len(counted)  # now: the next request empties the query log
    api.get(steps_url(big))
    with django_assert_num_queries(small_queries):
        assert len(api.get(steps_url(big)).json()["steps"]) == 60


any_value = st.one_of(
    hostile_text,
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@BOUNDED
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "title": any_value,
            "category": st.one_of(st.just("project"), any_value),
            "effort_weeks": any_value,
            "description": any_value,
            "prerequisites": st.one_of(st.just(["python"]), any_value),
            "after": st.one_of(st.just("python"), any_value),
            "milestone": st.one_of(st.just("aws"), any_value),
        },
    )
)
def test_hostile_step_bodies_are_answered_201_or_400_never_500(api, owner, ladder, own_plan, body):
    """Any JSON value in any field: 201 with what was stored, or 400 naming only fields that were sent."""
    response = api.post(steps_url(own_plan), body, format="json")
    if response.status_code == 201:
        assert response.json()["milestone"] in order(api, own_plan)
        api.delete(step_url(own_plan, response.json()["milestone"]))
        return
    assert response.status_code == 400, (response.status_code, response.content[:500])
    fields = response.json()["fields"]
    assert set(fields) <= set(body) | {"title", "category", "non_field_errors"}, fields


@BOUNDED
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "title": any_value,
            "category": any_value,
            "effort_weeks": any_value,
            "description": any_value,
            "prerequisites": any_value,
            "after": any_value,
        },
    )
)
def test_hostile_edits_of_a_personal_milestone_are_answered_200_or_400_never_500(api, owner, ladder, plan, body):
    mine = PlanStep.objects.filter(enrollment=plan).first() or PlanStep.objects.add_personal(
        plan, title="Mine", category="project"
    )
    response = api.patch(step_url(plan, mine.milestone.slug), body, format="json")
    assert response.status_code in (200, 400), (response.status_code, response.content[:500])
    if response.status_code == 400:
        assert set(response.json()["fields"]) <= set(body), response.json()


@pytest.mark.parametrize(
    "body",
    [[], "title", 7, None, {"title": "x" * 100_000, "category": "project"}, {"title": "a\x00b", "category": "project"}],
)
def test_a_body_of_the_wrong_shape_is_400(api, ladder, own_plan, body):
    response = api.post(steps_url(own_plan), body, format="json")
    assert response.status_code == 400, response.content[:500]
    assert response.json()["code"] in ("invalid", "parse_error")
