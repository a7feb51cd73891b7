"""Plans of one's own and personal milestones on the web: plain forms that answer and refuse beside a field."""

import re

import pytest
from django.test import Client

from accounts.export import export_user_data
from tracker.models import AT_END, Enrollment, EnrollmentStatus, Milestone, MilestoneProgress, PlanStep, Status
from tracker.progress import track_progress

from .cloud_ladder import cloud_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder():
    data = cloud_ladder()
    data["track"].is_published = True
    data["track"].save()
    return data


@pytest.fixture
def web(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def followed(owner, ladder):
    enrollment, _ = Enrollment.objects.enroll(owner, ladder["track"])
    return enrollment


def personal(**overrides):
    data = {
        "new-title": "Portfolio site",
        "new-category": "project",
        "new-effort_weeks": "3",
        "new-description": "Three projects, written up.",
        "new-after": "contributor",
    }
    data.update(overrides)
    return data


def test_a_milestone_of_ones_own_is_added_where_it_was_put_and_counted(web, owner, followed):
    before = track_progress(followed).total
    response = web.post(f"/plans/{followed.pk}/milestones/", personal(**{"new-prerequisites": ["python"]}))
    step = PlanStep.objects.get(enrollment=followed)
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{followed.pk}/#m-{step.milestone.slug}"
    progress = track_progress(followed)
    assert progress.total == before + 1
    order = [i.milestone.slug for i in progress.items]
    assert order[order.index("contributor") + 1] == step.milestone.slug
    assert [p.slug for p in step.milestone.prerequisites.all()] == ["python"]

    page = web.get(f"/plans/{followed.pk}/").content.decode()
    assert "Added “Portfolio site” to your plan." in page
    assert 'data-testid="own-milestone"' in page
    assert "Edit, move or remove" in page


def test_a_refused_milestone_is_shown_beside_its_fields_and_at_the_top_and_nothing_is_saved(web, followed):
    response = web.post(
        f"/plans/{followed.pk}/milestones/",
        personal(**{"new-title": "", "new-effort_weeks": "9999", "new-prerequisites": ["not-in-this-plan"]}),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in body
    assert 'href="#id_new-title"' in body
    assert "Add a milestone of your own, title: This field is required." in body
    assert "Add a milestone of your own, effort (weeks): Ensure this value is less than or equal to 520." in body
    assert "not-in-this-plan is not one of the available choices" in body
    assert 'id="id_new-title_error"' in body
    # The details holding the form are open, with what was typed kept.
    assert re.search(r'<details class="add-form" open>\s*<summary>A milestone of your own', body)
    assert 'value="Three projects, written up."' in body or "Three projects, written up." in body
    assert not PlanStep.objects.exists()
    assert not Milestone.objects.filter(owner__isnull=False).exists()


def test_a_personal_milestone_is_edited_moved_and_removed_from_the_plan(web, owner, followed):
    step = PlanStep.objects.add_personal(followed, title="Talk", category="networking", after=AT_END)
    slug = step.milestone.slug
    response = web.post(
        f"/plans/{followed.pk}/milestones/{slug}/edit/",
        {
            f"e{step.milestone_id}-title": "Talk at a meetup",
            f"e{step.milestone_id}-category": "networking",
            f"e{step.milestone_id}-effort_weeks": "2",
            f"e{step.milestone_id}-description": "",
            f"e{step.milestone_id}-prerequisites": ["course"],
        },
    )
    assert response.status_code == 302
    step.milestone.refresh_from_db()
    assert step.milestone.title == "Talk at a meetup"
    assert [p.slug for p in step.milestone.prerequisites.all()] == ["course"]

    web.post(f"/plans/{followed.pk}/milestones/{slug}/move/", {"direction": "up"})
    order = [i.milestone.slug for i in track_progress(followed).items]
    assert order[-2:] == [slug, "course"]

    MilestoneProgress.objects.set_status(owner, step.milestone, Status.IN_PROGRESS)
    response = web.post(f"/plans/{followed.pk}/milestones/{slug}/remove/", follow=True)
    assert "Removed “Talk at a meetup” from this plan." in response.content.decode()
    assert slug not in [i.milestone.slug for i in track_progress(followed).items]
    assert MilestoneProgress.objects.filter(user=owner, milestone=step.milestone).exists()
    # Gone from the plan: its panel's forms answer "not found" now.
    assert web.post(f"/plans/{followed.pk}/milestones/{slug}/status/", {"status": "done"}).status_code == 404


def test_an_edit_that_breaks_a_rule_shows_on_the_milestone_and_saves_nothing(web, followed):
    step = PlanStep.objects.add_personal(followed, title="Talk", category="networking", after=AT_END)
    response = web.post(
        f"/plans/{followed.pk}/milestones/{step.milestone.slug}/edit/",
        {f"e{step.milestone_id}-title": "", f"e{step.milestone_id}-category": "networking"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Talk, title: This field is required." in body
    assert f'href="#id_e{step.milestone_id}-title"' in body
    step.milestone.refresh_from_db()
    assert step.milestone.title == "Talk"


def test_the_tracks_own_milestones_cannot_be_edited_moved_or_removed(web, followed):
    for action in ("edit", "move", "remove"):
        assert web.post(f"/plans/{followed.pk}/milestones/python/{action}/", {"direction": "up"}).status_code == 404
    assert track_progress(followed).total == 5


def test_someone_elses_plan_and_milestones_are_not_found(web, other, ladder):
    theirs, _ = Enrollment.objects.enroll(other, ladder["track"])
    step = PlanStep.objects.add_personal(theirs, title="Secret", category="project")
    assert web.get(f"/plans/{theirs.pk}/").status_code == 404
    assert web.post(f"/plans/{theirs.pk}/milestones/", personal()).status_code == 404
    for action in ("edit", "move", "remove", "status"):
        assert web.post(f"/plans/{theirs.pk}/milestones/{step.milestone.slug}/{action}/").status_code == 404


def test_a_personal_milestone_of_another_plan_is_not_found_in_this_one(web, owner, followed, ladder):
    other_plan = Enrollment.objects.start_own(owner, "Mine")
    step = PlanStep.objects.add_personal(other_plan, title="Only there", category="project")
    url = f"/plans/{followed.pk}/milestones/{step.milestone.slug}/status/"
    assert web.post(url, {"status": "done"}).status_code == 404
    assert "Only there" not in web.get(f"/plans/{followed.pk}/").content.decode()


def test_a_plan_of_ones_own_is_started_built_from_the_catalogue_and_renamed(web, owner, ladder):
    response = web.post("/plans/new/", {"title": "My way", "from_track": ""})
    plan = Enrollment.objects.get(user=owner)
    assert response["Location"] == f"/plans/{plan.pk}/"
    page = web.get(response["Location"]).content.decode()
    assert "A plan of your own" in page
    assert 'data-testid="empty-plan"' in page
    assert "About this track" not in page
    assert "Reach the end of this plan by" in page

    response = web.post(f"/plans/{plan.pk}/milestones/from-catalogue/", {"add-milestone": "course", "add-after": "end"})
    assert response.status_code == 302
    web.post(f"/plans/{plan.pk}/milestones/from-catalogue/", {"add-milestone": "python", "add-after": "start"})
    assert [i.milestone.slug for i in track_progress(plan).items] == ["python", "course"]

    # A milestone already in the plan is no longer offered, so naming it is refused beside the field.
    response = web.post(f"/plans/{plan.pk}/milestones/from-catalogue/", {"add-milestone": "python", "add-after": "end"})
    assert response.status_code == 400
    assert "Add from the catalogue, milestone: Select a valid choice." in response.content.decode()

    web.post(f"/plans/{plan.pk}/rename/", {"rename-title": "My way, renamed"})
    plan.refresh_from_db()
    assert plan.track.name == "My way, renamed"
    refused = web.post(f"/plans/{plan.pk}/rename/", {"rename-title": "   "})
    assert refused.status_code == 400
    assert "Rename the plan, name of the plan: This field is required." in refused.content.decode()


def test_a_plan_of_ones_own_can_start_from_a_track_and_keeps_its_order(web, owner, ladder):
    web.post("/plans/new/", {"title": "Cloud, my way", "from_track": "cloud-ml"})
    plan = Enrollment.objects.get(user=owner)
    assert [i.milestone.slug for i in track_progress(plan).items] == [
        "python",
        "aws",
        "gcp",
        "contributor",
        "expert",
        "course",
    ]
    web.post(f"/plans/{plan.pk}/milestones/gcp/remove/")
    web.post(f"/plans/{plan.pk}/milestones/course/move/", {"direction": "up"})
    assert [i.milestone.slug for i in track_progress(plan).items] == [
        "python",
        "aws",
        "contributor",
        "course",
        "expert",
    ]


def test_starting_a_plan_without_a_name_is_refused_with_a_summary(web, owner):
    response = web.post("/plans/new/", {"title": "", "from_track": "no-such-track"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Name of the plan: This field is required." in body
    assert "Start with the milestones of: Select a valid choice." in body
    assert not Enrollment.objects.filter(user=owner).exists()


def test_the_catalogue_cannot_be_added_to_a_tracks_plan(web, followed):
    response = web.post(f"/plans/{followed.pk}/milestones/from-catalogue/", {"add-milestone": "python"})
    assert response.status_code == 404


def test_a_left_plan_of_ones_own_is_taken_up_again(web, owner):
    plan = Enrollment.objects.start_own(owner, "Mine")
    web.post(f"/plans/{plan.pk}/following/", {"status": "archived"})
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ARCHIVED
    web.post(f"/plans/{plan.pk}/following/", {"status": "active"})
    plan.refresh_from_db()
    assert plan.status == EnrollmentStatus.ACTIVE


def test_a_left_tracks_plan_still_comes_back_only_by_following_the_track(web, followed):
    web.post(f"/plans/{followed.pk}/following/", {"status": "archived"})
    assert web.post(f"/plans/{followed.pk}/following/", {"status": "active"}).status_code == 404


def test_the_shared_page_shows_personal_milestones_and_no_track_link_for_an_own_plan(web, owner, ladder):
    plan = Enrollment.objects.start_own(owner, "Mine", from_track=ladder["track"])
    PlanStep.objects.add_personal(plan, title="Portfolio site", category="project")
    token = plan.share()
    body = Client().get(f"/shared/{token}/").content.decode()
    assert "Portfolio site" in body
    assert "a milestone of their own" in body
    assert "About the" not in body


def test_the_export_holds_personal_milestones_and_the_steps_added(owner, followed):
    step = PlanStep.objects.add_personal(followed, title="Portfolio site", category="project", after=AT_END)
    step.set_prerequisites([Milestone.objects.get(slug="course")])
    own = Enrollment.objects.start_own(owner, "Mine")
    data = export_user_data(owner)
    assert [m["title"] for m in data["personal_milestones"]] == ["Portfolio site"]
    assert data["personal_milestones"][0]["prerequisites"] == ["course"]
    by_title = {e["title"]: e for e in data["enrollments"]}
    assert by_title["Mine"]["own_plan"] is True
    assert by_title["Cloud ML"]["added_steps"][0]["milestone"] == step.milestone.slug
    assert by_title["Cloud ML"]["added_steps"][0]["after"] == "course"
    assert by_title["Cloud ML"]["milestones_in_order"][-1] == step.milestone.slug
    assert own.track.slug == by_title["Mine"]["track"]


def test_personal_milestones_and_own_plans_stay_out_of_the_admin(client, staff, owner, followed):
    step = PlanStep.objects.add_personal(followed, title="Private thing", category="project")
    own = Enrollment.objects.start_own(owner, "Private plan")
    client.force_login(staff)
    assert "Private thing" not in client.get("/admin/tracker/milestone/").content.decode()
    assert "Private plan" not in client.get("/admin/tracker/careertrack/").content.decode()
    assert client.get(f"/admin/tracker/milestone/{step.milestone_id}/change/").status_code == 302
    assert client.get(f"/admin/tracker/careertrack/{own.track_id}/change/").status_code == 302
    found = client.get(
        "/admin/autocomplete/?app_label=tracker&model_name=milestone&field_name=prerequisites&term=Private"
    )
    assert found.json()["results"] == []


def test_the_dashboard_offers_a_plan_of_ones_own_and_takes_a_left_one_back(web, owner):
    assert 'href="/plans/new/"' in web.get("/dashboard/").content.decode()
    plan = Enrollment.objects.start_own(owner, "Mine")
    plan.change_status(EnrollmentStatus.ARCHIVED)
    body = web.get("/dashboard/").content.decode()
    assert "Take up Mine again" in body
    assert f'action="/plans/{plan.pk}/following/"' in body
    web.post(f"/plans/{plan.pk}/following/", {"status": "active"})
    assert "Take up Mine again" not in web.get("/dashboard/").content.decode()
