"""The Django admin: content editing (choice groups and default checklists too), read-only plans, permissions."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from nudges.models import ReminderPreferences
from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    ChoiceGroupFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
    ResourceFactory,
    UserFactory,
)
from tracker.models import (
    CareerTrack,
    Category,
    ChecklistItem,
    ChoiceGroup,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
    Status,
)

CONTENT_MODELS = (
    "careertrack",
    "careerlevel",
    "milestone",
    "resource",
    "ladderstep",
    "choicegroup",
    "checklistitem",
)


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def admin_form_data(response):
    """The POST data a browser would send back for an admin change form, as rendered."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def inline_formset(response, prefix):
    """The inline formset of a rendered change page with this prefix ("steps", "choice_groups", "checklist")."""
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)


def row_index(data, prefix, obj):
    """Which row of an inline formset's POST data holds ``obj``."""
    return next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data.get(f"{prefix}-{i}-id") == str(obj.pk))


def make_event(user, milestone, track=None):
    return ProgressEvent.objects.create(
        user=user, milestone=milestone, track=track, from_status=Status.NOT_STARTED, to_status=Status.IN_PROGRESS
    )


@pytest.fixture
def content(db, owner):
    """A track with levels, steps, resources, and someone following it."""
    parent = CareerTrackFactory(slug="ml-engineer", name="ML Engineer", order=1)
    track = CareerTrackFactory(slug="mlops", name="MLOps Engineer", parent=parent, order=2, is_published=False)
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior MLOps")
    CareerLevelFactory(track=track, slug="senior", title="Senior MLOps")
    CareerLevelFactory(track=parent, slug="junior", title="Junior ML")
    docker = MilestoneFactory(slug="docker", title="Docker fundamentals", category=Category.SKILL)
    k8s = MilestoneFactory(slug="kubernetes", title="Kubernetes (CKA)", category=Category.CERTIFICATION)
    k8s.prerequisites.add(docker)
    MilestoneFactory(slug="linear-algebra", title="Linear algebra", category=Category.EDUCATION)
    ResourceFactory(milestone=k8s, title="CKA curriculum", url="https://github.com/cncf/curriculum")
    LadderStepFactory(track=track, milestone=docker, level=junior, order=1)
    LadderStepFactory(track=track, milestone=k8s, order=2)
    enrollment = EnrollmentFactory(user=owner, track=track)
    MilestoneProgressFactory(user=owner, milestone=docker, status=Status.DONE)
    make_event(owner, docker, track)
    ReminderPreferences.for_user(owner)
    ChecklistItem.objects.create(milestone=k8s, slug="exam-guide", title="Read the CKA curriculum", order=1)
    ChecklistItem.objects.create(milestone=k8s, slug="book-exam", title="Book the exam", order=2)
    # The owner's own item on the same milestone: private, never shown to editors.
    ChecklistItem.objects.create(milestone=k8s, owner=owner, title="Ask Priya about her lab setup", order=3)
    return {"track": track, "parent": parent, "docker": docker, "k8s": k8s, "enrollment": enrollment}


@pytest.fixture
def editor(db):
    user = UserFactory(email="editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def support(db):
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Support staff"))
    return user


# --------------------------------------------------------------------------
# The groups made by migration 0002
# --------------------------------------------------------------------------


def group_perms(name):
    return {
        (p.content_type.app_label, p.codename)
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_content_editors_have_exactly_the_permissions_to_edit_content(db):
    assert group_perms("Content editors") == {
        ("tracker", f"{action}_{model}") for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")
    }


def test_support_staff_have_exactly_view_permissions_on_plans_and_users(db):
    assert group_perms("Support staff") == {
        ("tracker", "view_enrollment"),
        ("tracker", "view_milestoneprogress"),
        ("tracker", "view_progressevent"),
        ("accounts", "view_user"),
        ("nudges", "view_reminderpreferences"),
    }


def test_the_group_migration_is_idempotent_and_reversible(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tracker.migrations.0002_content_editor_groups")
    # 0008 lets the editors edit the content that came later: choice groups and checklists.
    later = importlib.import_module("tracker.migrations.0008_content_editors_edit_groups_and_checklists")
    before = {name: group_perms(name) for name in ("Content editors", "Support staff")}

    def create():
        migration.create_groups(apps, connection.schema_editor())
        later.allow(apps, connection.schema_editor())

    create()
    assert {name: group_perms(name) for name in before} == before
    assert Group.objects.filter(name__in=before).count() == 2
    later.allow(apps, connection.schema_editor())
    assert {name: group_perms(name) for name in before} == before

    later.disallow(apps, connection.schema_editor())
    assert ("tracker", "add_choicegroup") not in group_perms("Content editors")
    migration.remove_groups(apps, connection.schema_editor())
    assert not Group.objects.filter(name__in=before).exists()
    create()
    assert {name: group_perms(name) for name in before} == before


# --------------------------------------------------------------------------
# Content editors
# --------------------------------------------------------------------------


def test_a_content_editor_opens_the_track_pages(client, editor, content):
    client.force_login(editor)
    track = content["track"]

    changelist = client.get(admin_url(CareerTrack))
    change = client.get(admin_url(CareerTrack, "change", track.pk))
    add = client.get(admin_url(CareerTrack, "add"))

    assert changelist.status_code == change.status_code == add.status_code == 200
    assert "MLOps Engineer" in changelist.content.decode()
    assert reverse("admin:tracker_careertrack_import") in changelist.content.decode()
    assert "Kubernetes (CKA)" in change.content.decode()


def test_a_content_editor_adds_a_milestone(client, editor, db):
    client.force_login(editor)
    response = client.post(
        admin_url(Milestone, "add"),
        {
            "title": "Feature stores",
            "slug": "feature-stores",
            "category": Category.SKILL,
            "description": "Serve features online and offline.",
            "effort_weeks": 3,
            "is_active": "on",
            "resources-TOTAL_FORMS": 1,
            "resources-INITIAL_FORMS": 0,
            "resources-0-order": 1,
            "resources-0-title": "Feast docs",
            "resources-0-url": "https://docs.feast.dev/",
            "checklist-TOTAL_FORMS": 1,
            "checklist-INITIAL_FORMS": 0,
            "checklist-0-order": 1,
            "checklist-0-title": "Serve one feature online",
            "checklist-0-slug": "serve-online",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone = Milestone.objects.get(slug="feature-stores")
    assert milestone.effort_weeks == 3
    assert list(milestone.resources.values_list("title", flat=True)) == ["Feast docs"]
    item = milestone.checklist.get()
    assert (item.slug, item.title, item.owner) == ("serve-online", "Serve one feature online", None)


def test_a_content_editor_edits_a_ladder_step_through_its_track(client, editor, content):
    client.force_login(editor)
    track = content["track"]
    url = admin_url(CareerTrack, "change", track.pk)
    data = admin_form_data(client.get(url))
    step = LadderStep.objects.get(track=track, milestone=content["k8s"])
    senior = track.levels.get(slug="senior")
    index = next(i for i in range(2) if data[f"steps-{i}-id"] == str(step.pk))
    data[f"steps-{index}-order"] = "7"
    data[f"steps-{index}-level"] = str(senior.pk)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    step.refresh_from_db()
    assert (step.order, step.level) == (7, senior)


def test_a_step_s_level_must_be_one_of_its_own_track(client, editor, content):
    client.force_login(editor)
    track = content["track"]
    url = admin_url(CareerTrack, "change", track.pk)
    page = client.get(url)
    level_field = inline_formset(page, "steps").forms[0].fields["level"]
    level_choices = {label for _value, label in level_field.widget.choices}
    assert level_choices == {"---------", "Junior MLOps", "Senior MLOps"}
    data = admin_form_data(page)
    data["steps-0-level"] = str(content["parent"].levels.get().pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_content_editor_adds_a_choice_group_on_the_track_page_then_puts_steps_in_it(client, editor, content):
    """The groups inline takes title, slug, needs and description; the steps' group menu then offers the new group."""
    client.force_login(editor)
    track = content["track"]
    url = admin_url(CareerTrack, "change", track.pk)
    data = admin_form_data(client.get(url))
    data.update(
        {
            "choice_groups-TOTAL_FORMS": "1",
            "choice_groups-0-title": "One container platform",
            "choice_groups-0-slug": "container-platform",
            "choice_groups-0-needs": "1",
            "choice_groups-0-description": "Either is enough to run models in production.",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    group = ChoiceGroup.objects.get(track=track)
    assert (group.slug, group.title, group.needs) == ("container-platform", "One container platform", 1)
    assert group.description == "Either is enough to run models in production."

    page = client.get(url)
    group_field = inline_formset(page, "steps").forms[0].fields["choice_group"]
    assert {label for _value, label in group_field.widget.choices} == {"---------", "One container platform"}
    data = admin_form_data(page)
    for step in track.steps.all():
        data[f"steps-{row_index(data, 'steps', step)}-choice_group"] = str(group.pk)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert set(group.steps.values_list("milestone__slug", flat=True)) == {"docker", "kubernetes"}


def test_a_step_s_choice_group_must_be_one_of_its_own_track(client, editor, content):
    """The menu lists only the track's groups; another track's group posted anyway is refused, nothing saved."""
    client.force_login(editor)
    track = content["track"]
    ChoiceGroupFactory(track=track, slug="mine", title="One of mine")
    foreign = ChoiceGroupFactory(track=content["parent"], slug="theirs", title="One of theirs")
    url = admin_url(CareerTrack, "change", track.pk)
    page = client.get(url)
    choices = {label for _value, label in inline_formset(page, "steps").forms[0].fields["choice_group"].widget.choices}
    assert choices == {"---------", "One of mine"}
    data = admin_form_data(page)
    data["steps-0-choice_group"] = str(foreign.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LadderStep.objects.filter(choice_group__isnull=False).exists()


def test_a_group_needing_no_step_is_refused_beside_the_field(client, editor, content):
    client.force_login(editor)
    url = admin_url(CareerTrack, "change", content["track"].pk)
    data = admin_form_data(client.get(url))
    data.update(
        {
            "choice_groups-TOTAL_FORMS": "1",
            "choice_groups-0-title": "None of these",
            "choice_groups-0-slug": "none",
            "choice_groups-0-needs": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not ChoiceGroup.objects.exists()


def test_the_milestone_page_shows_only_the_default_checklist_never_a_person_s_own_items(client, editor, content):
    client.force_login(editor)
    page = client.get(admin_url(Milestone, "change", content["k8s"].pk))

    body = page.content.decode()
    assert "Read the CKA curriculum" in body
    assert "Book the exam" in body
    assert "Ask Priya" not in body
    assert [item.slug for item in inline_formset(page, "checklist").queryset] == ["exam-guide", "book-exam"]


def test_a_content_editor_edits_renames_and_deletes_default_checklist_items(client, editor, content, owner):
    """Saving the milestone page changes the default checklist only; a person's own item on it stays as it was."""
    client.force_login(editor)
    k8s = content["k8s"]
    guide = k8s.checklist.get(slug="exam-guide")
    book = k8s.checklist.get(slug="book-exam")
    own = k8s.checklist.get(owner=owner)
    url = admin_url(Milestone, "change", k8s.pk)
    data = admin_form_data(client.get(url))
    data[f"checklist-{row_index(data, 'checklist', guide)}-title"] = "Read the CKA curriculum and exam handbook"
    data[f"checklist-{row_index(data, 'checklist', book)}-DELETE"] = "on"
    data.update(
        {
            "checklist-TOTAL_FORMS": "3",
            "checklist-2-order": "3",
            "checklist-2-title": "Pass the exam",
            "checklist-2-slug": "pass",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert list(ChecklistItem.objects.defaults().filter(milestone=k8s).values_list("slug", "title")) == [
        ("exam-guide", "Read the CKA curriculum and exam handbook"),
        ("pass", "Pass the exam"),
    ]
    own.refresh_from_db()
    assert (own.owner, own.title, own.removed_at) == (owner, "Ask Priya about her lab setup", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"checklist-2-slug": "exam-guide"}, "Another checklist item of this milestone already uses the slug"),
        ({"checklist-2-slug": ""}, "This field is required."),
    ],
)
def test_a_default_item_needs_its_own_slug_within_the_milestone(client, editor, content, change, message):
    client.force_login(editor)
    k8s = content["k8s"]
    url = admin_url(Milestone, "change", k8s.pk)
    data = admin_form_data(client.get(url))
    data.update({"checklist-TOTAL_FORMS": "3", "checklist-2-order": "3", "checklist-2-title": "Pass the exam"})
    data.update(change)

    response = client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert k8s.checklist.count() == 3


def test_two_new_default_items_with_one_slug_are_refused_together(client, editor, content):
    client.force_login(editor)
    k8s = content["k8s"]
    url = admin_url(Milestone, "change", k8s.pk)
    data = admin_form_data(client.get(url))
    data["checklist-TOTAL_FORMS"] = "4"
    for index in (2, 3):
        data.update({f"checklist-{index}-title": f"Practice {index}", f"checklist-{index}-slug": "practice"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Two checklist items use the slug “practice”" in response.content.decode()
    assert k8s.checklist.count() == 3


def test_swapping_two_default_items_slugs_is_refused_rather_than_failing(client, editor, content):
    """The database would refuse the first of the two writes; the form says so first."""
    client.force_login(editor)
    k8s = content["k8s"]
    url = admin_url(Milestone, "change", k8s.pk)
    data = admin_form_data(client.get(url))
    guide, book = k8s.checklist.get(slug="exam-guide"), k8s.checklist.get(slug="book-exam")
    data[f"checklist-{row_index(data, 'checklist', guide)}-slug"] = "book-exam"
    data[f"checklist-{row_index(data, 'checklist', book)}-slug"] = "exam-guide"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "already uses the slug" in response.content.decode()
    assert set(k8s.checklist.defaults().values_list("slug", "title")) == {
        ("exam-guide", "Read the CKA curriculum"),
        ("book-exam", "Book the exam"),
    }


def test_support_staff_see_neither_groups_nor_checklists(client, support, content):
    client.force_login(support)
    assert client.get(admin_url(CareerTrack, "change", content["track"].pk)).status_code == 403
    assert client.get(admin_url(Milestone, "change", content["k8s"].pk)).status_code == 403


def change_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_default_checklist_inline_reads_in_a_fixed_number_of_queries(client, editor, db):
    """Ten times the items, the same queries: the inline reads its rows (and their milestone) at once."""
    client.force_login(editor)
    milestone = MilestoneFactory()
    for n in range(3):
        ChecklistItem.objects.create(milestone=milestone, slug=f"item-{n}", title=f"Item {n}", order=n)
    url = admin_url(Milestone, "change", milestone.pk)
    few = change_page_queries(client, url)
    for n in range(3, 30):
        ChecklistItem.objects.create(milestone=milestone, slug=f"item-{n}", title=f"Item {n}", order=n)

    assert change_page_queries(client, url) == few


def test_the_group_menus_of_the_steps_inline_are_read_once(client, editor, db):
    """More groups and more grouped steps add no query beyond the milestone autocomplete's one per step."""
    client.force_login(editor)
    track = CareerTrackFactory()
    url = admin_url(CareerTrack, "change", track.pk)

    def grow(groups, steps_per_group):
        for _ in range(groups):
            group = ChoiceGroupFactory(track=track)
            for _ in range(steps_per_group):
                LadderStepFactory(track=track, choice_group=group)

    grow(1, 2)
    few = change_page_queries(client, url)
    grow(9, 2)
    many = change_page_queries(client, url)

    # Django's autocomplete widget reads its selected milestone once per row.
    assert many - few == track.steps.count() - 2


@pytest.mark.parametrize("model", [Enrollment, MilestoneProgress, ProgressEvent, User])
def test_a_content_editor_cannot_see_users_or_their_progress(client, editor, content, owner, model):
    client.force_login(editor)
    obj = model.objects.first()

    assert client.get(admin_url(model)).status_code == 403
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 403


def test_the_admin_index_shows_each_group_only_its_own_models(client, editor, support, content):
    client.force_login(editor)
    editor_index = client.get(reverse("admin:index")).content.decode()
    client.force_login(support)
    support_index = client.get(reverse("admin:index")).content.decode()

    assert admin_url(Milestone) in editor_index
    assert admin_url(Enrollment) not in editor_index
    assert admin_url(User) not in editor_index
    assert admin_url(Enrollment) in support_index
    assert admin_url(Milestone) not in support_index


# --------------------------------------------------------------------------
# Support staff: plans are read-only
# --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Enrollment, MilestoneProgress, ProgressEvent])
def test_support_staff_view_plans_but_cannot_change_them(client, support, content, model):
    client.force_login(support)
    obj = model.objects.first()
    change_url = admin_url(model, "change", obj.pk)

    assert client.get(admin_url(model)).status_code == 200
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(change_url, {}).status_code == 403
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_support_staff_cannot_edit_content(client, support, content):
    client.force_login(support)
    assert client.get(admin_url(CareerTrack)).status_code == 403
    assert client.get(admin_url(Milestone, "change", content["docker"].pk)).status_code == 403


def test_even_a_superuser_cannot_edit_plans_in_the_admin(client, staff, content):
    client.force_login(staff)
    enrollment = content["enrollment"]
    assert client.get(admin_url(Enrollment, "add")).status_code == 403
    assert client.post(admin_url(Enrollment, "change", enrollment.pk), {"status": "archived"}).status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_the_enrollment_page_never_shows_the_share_token(client, support, content):
    token = content["enrollment"].share()
    client.force_login(support)
    page = client.get(admin_url(Enrollment, "change", content["enrollment"].pk)).content.decode()
    listing = client.get(admin_url(Enrollment)).content.decode()
    assert token not in page
    assert token not in listing


def test_plans_are_searched_by_email_and_filtered_by_track_and_status(client, support, content, other):
    EnrollmentFactory(user=other, track=content["parent"], status="paused")
    client.force_login(support)

    by_email = client.get(admin_url(Enrollment), {"q": "other@example"}).context["cl"].result_list
    by_track = client.get(admin_url(Enrollment), {"track": "mlops"}).context["cl"].result_list
    by_status = client.get(admin_url(Enrollment), {"status__exact": "paused"}).context["cl"].result_list
    progress = client.get(admin_url(MilestoneProgress), {"track": "mlops", "q": "owner@"}).context["cl"].result_list

    assert [e.user.email for e in by_email] == ["other@example.com"]
    assert [e.track.slug for e in by_track] == ["mlops"]
    assert [e.user.email for e in by_status] == ["other@example.com"]
    assert [p.milestone.slug for p in progress] == ["docker"]


# --------------------------------------------------------------------------
# Superuser: every page renders, and changelists do not make N+1 queries
# --------------------------------------------------------------------------


@pytest.fixture
def everything(content, staff):
    """At least one row of every model the admin shows, third-party ones included."""
    from django.utils import timezone
    from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask

    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="send reminders", task="nudges.tasks.send_reminders", interval=interval)
    CrontabSchedule.objects.create(minute="0", hour="9")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    # The staff member's confirmed EmailAddress comes from the factory.
    from nudges.models import Delivery, Device, Notification

    Delivery.objects.create(user=staff, rule="stalled", period="2026-03-01#1", channel="email", last_error="timeout")
    Notification.objects.create(user=staff, rule="stalled", title="Your next step", body="Go on.")
    Device.objects.create(user=staff, platform="android", token="admin-test-token")
    return content


def test_every_admin_page_renders_for_a_superuser(client, staff, everything):
    client.force_login(staff)
    checked = []
    for model, model_admin in admin.site._registry.items():
        changelist = client.get(admin_url(model))
        assert changelist.status_code == 200, model
        add = client.get(admin_url(model, "add"))
        assert add.status_code == (200 if model_admin.has_add_permission(changelist.wsgi_request) else 403), model
        obj = model._default_manager.first()
        if obj is None:
            # Our own models must each have a row here; third-party ones may be empty.
            assert model._meta.app_label not in {"tracker", "accounts"}, f"no {model.__name__} row to show"
            continue
        change = client.get(admin_url(model, "change", obj.pk))
        assert change.status_code == 200, model
        checked.append(model._meta.label_lower)
    assert {
        "tracker.careertrack",
        "tracker.milestone",
        "tracker.enrollment",
        "tracker.milestoneprogress",
        "tracker.progressevent",
        "accounts.user",
        "auth.group",
    } <= set(checked)


def add_rows(label, n):
    """``n`` more rows shown by the changelist of ``label``, each with its relations."""
    for _ in range(n):
        if label == "careertrack":
            parent = CareerTrackFactory()
            track = CareerTrackFactory(parent=parent)
            LadderStepFactory(track=track)
        elif label == "milestone":
            LadderStepFactory()
        elif label == "enrollment":
            EnrollmentFactory()
        elif label == "milestoneprogress":
            MilestoneProgressFactory(earned_in=CareerTrackFactory())
        elif label == "progressevent":
            make_event(UserFactory(), MilestoneFactory(), CareerTrackFactory())
        elif label == "user":
            user = UserFactory()
            user.groups.add(Group.objects.first())
            ReminderPreferences.for_user(user)


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize(
    ("model", "label"),
    [
        (CareerTrack, "careertrack"),
        (Milestone, "milestone"),
        (Enrollment, "enrollment"),
        (MilestoneProgress, "milestoneprogress"),
        (ProgressEvent, "progressevent"),
        (User, "user"),
    ],
)
def test_changelist_queries_do_not_grow_with_rows(client, staff, db, model, label):
    client.force_login(staff)
    add_rows(label, 2)
    few, few_rows = changelist_queries(client, admin_url(model))
    add_rows(label, 18)
    many, many_rows = changelist_queries(client, admin_url(model))

    assert many_rows > few_rows + 15
    assert many == few


# --------------------------------------------------------------------------
# Tracks: actions
# --------------------------------------------------------------------------


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model),
        {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objects]},
        follow=True,
    )


def test_publish_and_unpublish_report_how_many_tracks_changed(client, editor, content):
    client.force_login(editor)
    track, parent = content["track"], content["parent"]

    published = run_action(client, CareerTrack, "publish", [track, parent])
    track.refresh_from_db()
    assert track.is_published
    assert "1 track published. 1 was already published." in published.content.decode()

    unpublished = run_action(client, CareerTrack, "unpublish", [track, parent])
    assert not CareerTrack.objects.filter(is_published=True).exists()
    assert "2 tracks unpublished." in unpublished.content.decode()


def test_activate_and_deactivate_milestones(client, editor, content):
    client.force_login(editor)
    docker = content["docker"]

    response = run_action(client, Milestone, "deactivate", [docker])
    docker.refresh_from_db()
    assert not docker.is_active
    assert "1 milestone deactivated." in response.content.decode()

    run_action(client, Milestone, "activate", [docker])
    docker.refresh_from_db()
    assert docker.is_active


def test_the_export_action_downloads_one_track_as_json(client, editor, content):
    client.force_login(editor)

    response = run_action(client, CareerTrack, "export_json", [content["track"]])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="careerplan-track-mlops.json"'
    objects = json.loads(response.content)
    assert {o["fields"]["slug"] for o in objects if o["model"] == "tracker.careertrack"} == {"mlops"}
    assert {o["fields"]["slug"] for o in objects if o["model"] == "tracker.milestone"} == {"docker", "kubernetes"}


def test_the_export_action_puts_several_tracks_in_one_file(client, editor, content):
    client.force_login(editor)

    response = run_action(client, CareerTrack, "export_json", [content["track"], content["parent"]])

    objects = json.loads(response.content)
    assert [o["fields"]["slug"] for o in objects if o["model"] == "tracker.careertrack"] == ["ml-engineer", "mlops"]
    assert "careerplan-2-tracks-" in response["Content-Disposition"]


def test_the_track_changelist_shows_step_counts(client, editor, content):
    client.force_login(editor)
    page = client.get(admin_url(CareerTrack))
    rows = {t.slug: t.step_count for t in page.context["cl"].result_list}
    assert rows == {"ml-engineer": 0, "mlops": 2}


def test_the_track_order_is_edited_in_the_changelist(client, editor, content):
    client.force_login(editor)
    track, parent = content["track"], content["parent"]
    response = client.post(
        admin_url(CareerTrack),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(parent.pk),
            "form-0-order": "9",
            "form-1-id": str(track.pk),
            "form-1-order": "3",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    parent.refresh_from_db()
    track.refresh_from_db()
    assert (parent.order, track.order) == (9, 3)


# --------------------------------------------------------------------------
# Milestones: search, filters, autocomplete, prerequisite loops
# --------------------------------------------------------------------------


def test_milestones_are_searched_and_filtered_by_track_category_and_activity(client, editor, content):
    client.force_login(editor)

    def slugs(params):
        return sorted(m.slug for m in client.get(admin_url(Milestone), params).context["cl"].result_list)

    assert slugs({"q": "kube"}) == ["kubernetes"]
    assert slugs({"track": "mlops"}) == ["docker", "kubernetes"]
    assert slugs({"category__exact": "education"}) == ["linear-algebra"]
    assert slugs({"is_active__exact": "1", "track": "mlops", "category__exact": "skill"}) == ["docker"]


def test_the_step_milestone_autocomplete_returns_matching_milestones(client, editor, content):
    client.force_login(editor)

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "tracker", "model_name": "ladderstep", "field_name": "milestone", "term": "linear"},
    )

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(Milestone.objects.get(slug="linear-algebra").pk), "text": "Linear algebra"}
    ]


def test_the_prerequisite_autocomplete_searches_the_catalogue(client, editor, content):
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "tracker", "model_name": "milestone", "field_name": "prerequisites", "term": "docker"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Docker fundamentals"]


def test_the_autocomplete_is_refused_to_support_staff(client, support, content):
    client.force_login(support)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "tracker", "model_name": "ladderstep", "field_name": "milestone", "term": "linear"},
    )
    assert response.status_code == 403


def test_a_prerequisite_loop_is_shown_on_the_milestone_form_and_nothing_is_saved(client, editor, content):
    client.force_login(editor)
    docker, k8s = content["docker"], content["k8s"]  # Kubernetes already needs Docker
    url = admin_url(Milestone, "change", docker.pk)
    data = admin_form_data(client.get(url))
    data["prerequisites"] = [str(k8s.pk)]
    data["title"] = "Docker, renamed"

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["prerequisites"] == [
        "These prerequisites would form a loop: Docker fundamentals → Kubernetes (CKA) → Docker fundamentals."
    ]
    assert "would form a loop" in response.content.decode()
    docker.refresh_from_db()
    assert docker.title == "Docker fundamentals"
    assert not docker.prerequisites.exists()


def test_a_milestone_cannot_be_its_own_prerequisite(client, editor, content):
    client.force_login(editor)
    docker = content["docker"]
    url = admin_url(Milestone, "change", docker.pk)
    data = admin_form_data(client.get(url))
    data["prerequisites"] = [str(docker.pk)]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "cannot be its own prerequisite" in response.content.decode()
    assert not docker.prerequisites.exists()


def test_valid_prerequisites_are_saved_from_the_form(client, editor, content):
    client.force_login(editor)
    k8s = content["k8s"]
    algebra = Milestone.objects.get(slug="linear-algebra")
    url = admin_url(Milestone, "change", k8s.pk)
    data = admin_form_data(client.get(url))
    data["prerequisites"] = [str(content["docker"].pk), str(algebra.pk)]

    response = client.post(url, data)

    assert response.status_code == 302
    assert set(k8s.prerequisites.values_list("slug", flat=True)) == {"docker", "linear-algebra"}
