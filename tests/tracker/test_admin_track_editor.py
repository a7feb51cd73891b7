"""The track editor and the admin's index for editors: a ladder ordered by drag and drop, and only their sections."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import LadderStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    return editor


@pytest.fixture
def track():
    """A ladder whose Senior step was added first: the editor lists steps level by level."""
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior", order=1)
    senior = CareerLevelFactory(track=track, slug="senior", title="Senior", order=2)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="lead", title="Lead a team"), level=senior, order=1)
    long_title = "A production pipeline with tests, monitoring, backfills and an on-call runbook " * 2
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="pipeline", title=long_title), level=junior, order=2)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="sql", title="SQL"), level=junior, order=3)
    return track


def change_page(client, track):
    return client.get(reverse("admin:tracker_careertrack_change", args=[track.pk]))


def test_the_ladder_is_a_sortable_inline_of_three_columns_listed_level_by_level(client, editor, track):
    client.force_login(editor)
    response = change_page(client, track)
    assert response.status_code == 200
    steps = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "steps")
    assert "sortable" in steps.classes.split()
    assert [f["name"] for f in steps.fields() if not f.get("widget") or not f["widget"].is_hidden] == [
        "milestone",
        "level",
        "choice_group",
    ]
    assert [form.instance.milestone.slug for form in steps.formset.forms] == ["pipeline", "sql", "lead"]
    page = response.content.decode()
    # Each row's handle is short; the long title is in the milestone field, not repeated in a row header.
    assert "Drag to move" in page
    assert "Data Engineer: A production pipeline" not in page
    # Served by the app (no CDN), so the Content-Security-Policy lets it run.
    assert "/static/adminsortable2/js/adminsortable2" in page
    assert "/static/js/admin-ladder.js" in page
    assert "/static/css/admin-track.css" in page
    assert "cdn" not in "".join(response.context["media"]._js).lower()


def test_the_career_levels_are_stacked_and_sortable_not_a_nine_column_table(client, editor, track):
    client.force_login(editor)
    response = change_page(client, track)
    levels = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "levels")
    assert "sortable" in levels.classes.split()
    assert levels.opts.template.startswith("adminsortable2/edit_inline/stacked")


def test_dragging_steps_saves_their_new_order(client, editor, track):
    """What the drag and drop sends: the order field of each row, renumbered; saving keeps it."""
    from tests.tracker.test_admin import admin_form_data

    client.force_login(editor)
    response = change_page(client, track)
    data = admin_form_data(response)
    steps = {data[f"steps-{i}-milestone"]: i for i in range(3)}
    sql = str(LadderStep.objects.get(milestone__slug="sql").milestone_id)
    pipeline = str(LadderStep.objects.get(milestone__slug="pipeline").milestone_id)
    lead = str(LadderStep.objects.get(milestone__slug="lead").milestone_id)
    # SQL dragged to the top of the Junior level, then the pipeline, then the Senior step.
    for position, milestone in enumerate([sql, pipeline, lead], start=1):
        data[f"steps-{steps[milestone]}-order"] = str(position)
    saved = client.post(reverse("admin:tracker_careertrack_change", args=[track.pk]), data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    assert list(LadderStep.objects.filter(track=track).order_by("order").values_list("milestone__slug", flat=True)) == [
        "sql",
        "pipeline",
        "lead",
    ]


def test_an_editors_index_shows_only_their_sections(client, editor):
    """No periodic tasks, token blacklist or accounts plumbing, even if a group is given a stray permission."""
    editor.user_permissions.add(
        Permission.objects.get(codename="view_periodictask"),
        Permission.objects.get(codename="view_outstandingtoken"),
    )
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    labels = [app["app_label"] for app in response.context["app_list"]]
    assert labels == ["tracker"]
    page = response.content.decode()
    assert "Periodic tasks" not in page
    assert "Token Blacklist" not in page
    assert "Career tracks" in page


def test_support_staff_see_people_and_plans_and_no_plumbing(client):
    support = UserFactory(email="support@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support staff"))
    client.force_login(support)
    labels = {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}
    assert "tracker" in labels
    assert "accounts" in labels
    assert not labels & {"django_celery_beat", "token_blacklist", "auth"}


def test_a_superuser_still_sees_every_section(client, staff):
    client.force_login(staff)
    labels = {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}
    assert {"tracker", "django_celery_beat", "token_blacklist", "auth"} <= labels
