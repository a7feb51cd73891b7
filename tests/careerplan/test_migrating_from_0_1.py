"""Upgrading a 0.1 database to the current layout keeps every row.

Release 0.2 moved Notification, Device and Delivery from ``tracker`` and
ReminderPreferences from ``accounts`` to ``nudges``, and IdempotencyKey from
``tracker`` to ``api``, by Django's state only: each model keeps its table.
Its content types are relabelled in place (so permissions and admin log
entries follow the models) and beat's schedule names the tasks' new home.

These tests put the test database back in the 0.1 layout with the migration
executor, write rows with the historical models of that layout, migrate to
the latest migrations and read the rows back with today's models. They need
real transactions (``transactional_db``) and always leave the database fully
migrated.
"""

from datetime import UTC, date, datetime, time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import User
from api.models import IdempotencyKey
from nudges.models import Delivery, Device, Notification, ReminderPreferences
from tracker.models import (
    CareerLevel,
    CareerTrack,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    ProgressEvent,
)

from ..factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    MilestoneProgressFactory,
    UserFactory,
)

LOCAL_APPS = {"accounts", "tracker", "api", "nudges"}
# Apps added after 0.1, built on the ones above: unapplied in the 0.1 layout.
LATER_APPS = ("credentials", "calendars", "sync", "growth", "mentoring")

# The last migrations of release 0.1; api and nudges did not exist yet.
OLD_LEAVES = [("accounts", "0002_nudge_schedule_fields"), ("tracker", "0005_nudge_schedule")]
OLD_APPLIED = {
    ("accounts", "0001_initial"),
    ("accounts", "0002_nudge_schedule_fields"),
    ("tracker", "0001_initial"),
    ("tracker", "0002_content_editor_groups"),
    ("tracker", "0003_nudges_devices_idempotency"),
    ("tracker", "0004_track_produces"),
    ("tracker", "0005_nudge_schedule"),
}

# Where each model lived in 0.1 ("app_label.ModelName") and the model that holds its rows now.
MOVED = {
    "tracker.Notification": Notification,
    "tracker.Device": Device,
    "tracker.Delivery": Delivery,
    "accounts.ReminderPreferences": ReminderPreferences,
    "tracker.IdempotencyKey": IdempotencyKey,
}
STAYED = {
    "accounts.User": User,
    "tracker.CareerTrack": CareerTrack,
    "tracker.CareerLevel": CareerLevel,
    "tracker.Milestone": Milestone,
    "tracker.LadderStep": LadderStep,
    "tracker.Enrollment": Enrollment,
    "tracker.MilestoneProgress": MilestoneProgress,
    "tracker.ProgressEvent": ProgressEvent,
}
EVERY_MODEL = {**STAYED, **MOVED}
# The moved models' content types, before and after (app_label, model), in the same order.
OLD_CONTENT_TYPES = [(label.split(".")[0], label.split(".")[1].lower()) for label in MOVED]
NEW_CONTENT_TYPES = [(model._meta.app_label, model._meta.model_name) for model in MOVED.values()]

# What one person chose in 0.1: every value differs from its default.
CHOSEN_PREFERENCES = {
    "enabled": False,
    "email_enabled": False,
    "in_app_enabled": False,
    "push_enabled": False,
    "stalled_after_days": 14,
    "digest_enabled": False,
    "digest_weekday": 4,
    "digest_hour": 18,
    "quiet_start": time(22, 30),
    "quiet_end": time(7, 15),
    "snoozed_until": date(2026, 12, 24),
    "next_check_at": datetime(2026, 12, 24, 7, 15, tzinfo=UTC),
    "last_nudged_on": date(2026, 11, 20),
}

SCAN_TASK = "Reminder nudges: scan for due users"
OLD_TASKS = {
    SCAN_TASK: "tracker.tasks.scan_nudges",
    "Reminder nudges: send a batch": "tracker.tasks.send_nudge_batch",
    "Reminder nudges: celebrate": "tracker.tasks.celebrate",
}
NEW_TASKS = {
    SCAN_TASK: "nudges.tasks.scan_nudges",
    "Reminder nudges: send a batch": "nudges.tasks.send_nudge_batch",
    "Reminder nudges: celebrate": "nudges.tasks.celebrate",
}
# A task of some other app, which the rename must leave alone.
OTHER_TASK = ("Clean up results", "celery.backend_cleanup")


class Migrator:
    """Moves the test database between the 0.1 layout and the latest migrations."""

    def __init__(self):
        self.executor = MigrationExecutor(connection)

    @property
    def graph(self):
        return self.executor.loader.graph

    def old_nodes(self):
        """The 0.1 layout: every other app at its latest migration, ours at 0.1's."""
        return [
            node for node in self.graph.leaf_nodes() if node[0] not in LOCAL_APPS and node[0] not in LATER_APPS
        ] + OLD_LEAVES

    def old_state(self):
        return self.executor.loader.project_state(self.old_nodes())

    def latest_state(self):
        return self.executor.loader.project_state(self.graph.leaf_nodes())

    def _migrate(self, targets):
        # The loader reads what is applied when it builds its graph: rebuild
        # before planning, and after, so the next plan starts from the truth.
        self.executor.loader.build_graph()
        self.executor.migrate(targets)
        self.executor.loader.build_graph()
        ContentType.objects.clear_cache()

    def to_0_1(self):
        """Unapply api and nudges entirely and step back to 0.1; returns that layout's models."""
        later = [(app, None) for app in LATER_APPS if app in {node[0] for node in self.graph.leaf_nodes()}]
        self._migrate([*self.old_nodes(), *later, ("api", None), ("nudges", None)])
        state = self.old_state()
        assert_the_database_is_in_the_0_1_layout(state)
        return state.apps

    def to_latest(self):
        self._migrate(self.graph.leaf_nodes())


@pytest.fixture
def migrator(transactional_db):
    migrator = Migrator()
    try:
        yield migrator
    finally:
        # Whatever happened, later tests get the current schema and content types.
        migrator.to_latest()


def assert_the_database_is_in_the_0_1_layout(state):
    applied = {key for key in MigrationRecorder(connection).applied_migrations() if key[0] in LOCAL_APPS}
    assert applied == OLD_APPLIED
    # The moved models really lived in the old apps, in the tables they keep.
    for label, current in MOVED.items():
        assert state.apps.get_model(label)._meta.db_table == current._meta.db_table
    assert not {key for key in state.models if key[0] in {"api", "nudges"}}


def assert_the_latest_state_has_the_current_layout(state):
    for label, current in MOVED.items():
        assert state.apps.get_model(current._meta.label)._meta.db_table == current._meta.db_table
        assert label.lower() not in {f"{app_label}.{model}" for app_label, model in state.models}


def rows(model, fields):
    """Every row of the model's table, by primary key, as {field attname: value}."""
    return {row["id"]: row for row in model._base_manager.order_by("pk").values(*fields)}


def read_tables(models, fields):
    """Every table, read through the given models, as {label: rows}.

    Only the fields 0.1 had are read: those are the ones that must survive.
    """
    return {label: rows(models[label], names) for label, names in fields.items()}


def models_of_0_1(old_apps):
    """The historical 0.1 models, by their 0.1 label."""
    return {label: old_apps.get_model(label) for label in EVERY_MODEL}


def fields_in_0_1(old_apps):
    return {
        label: [field.attname for field in old_apps.get_model(label)._meta.concrete_fields] for label in EVERY_MODEL
    }


def content_type_ids(content_type_model, apps_and_models):
    """The ids of these content types, in order."""
    manager = content_type_model.objects
    return [manager.get(app_label=app_label, model=model).pk for app_label, model in apps_and_models]


def build_0_1_database(apps):
    """A person with a plan, progress, nudges and preferences, written with the 0.1 models."""
    model = apps.get_model
    ada = model("accounts.User").objects.create(
        email="ada@example.com", display_name="Ada", timezone="Europe/London", password="!"
    )
    support = model("accounts.User").objects.create(email="support@example.com", is_staff=True, password="!")

    track = model("tracker.CareerTrack").objects.create(
        slug="ml-engineer",
        name="Machine-learning engineer",
        summary="Ships models.",
        work_product="Models in production",
        produces="deployed_systems",
        tools=["Python", "Kubernetes"],
        se_skill=4,
        ml_knowledge=3,
        communication_weight=2,
        is_published=True,
    )
    level = model("tracker.CareerLevel").objects.create(track=track, slug="junior", title="Junior", salary_min=50_000)
    milestone = model("tracker.Milestone").objects.create(
        slug="mlops-basics", title="MLOps basics", description="Deploy a model.", category="skill", effort_weeks=3
    )
    model("tracker.LadderStep").objects.create(track=track, milestone=milestone, level=level, order=1)
    model("tracker.Enrollment").objects.create(
        user=ada, track=track, status="active", target_date=date(2027, 6, 30), share_token="s" * 43
    )
    model("tracker.MilestoneProgress").objects.create(
        user=ada,
        milestone=milestone,
        status="done",
        started_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        completed_at=datetime(2026, 4, 2, 17, 0, tzinfo=UTC),
        evidence_url="https://example.com/evidence",
        notes="Deployed on a Friday.",
        earned_in=track,
    )
    model("tracker.ProgressEvent").objects.create(
        user=ada, milestone=milestone, track=track, from_status="in_progress", to_status="done"
    )

    model("tracker.Notification").objects.create(
        user=ada, rule="celebration", title="Well done", body="MLOps basics is done.", url="/plan/ml-engineer/"
    )
    model("tracker.Notification").objects.create(
        user=ada, rule="stalled", title="Still there?", read_at=datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    )
    model("tracker.Device").objects.create(user=ada, platform="ios", token="apns-token-0123456789")
    model("tracker.Delivery").objects.create(
        user=ada,
        rule="celebration",
        period="mlops-basics/2026-04-02",
        channel="push",
        status="sent",
        attempts=2,
        payload={"milestone": "mlops-basics", "count": 3},
        sent_at=datetime(2026, 4, 2, 17, 1, tzinfo=UTC),
    )
    model("tracker.IdempotencyKey").objects.create(
        user=ada,
        key="3f1c-retry",
        method="POST",
        path="/api/v1/enrollments/",
        request_hash="a" * 64,
        response_status=201,
        response_body={"id": 7, "status": "active"},
    )
    prefs = model("accounts.ReminderPreferences").objects.create(user=ada, **CHOSEN_PREFERENCES)

    # A 0.1 database knows the moved models under their old apps, and the
    # "Support staff" group (tracker 0002) may view reminder preferences.
    ContentType = model("contenttypes.ContentType")
    for app_label, name in OLD_CONTENT_TYPES:
        ContentType.objects.get_or_create(app_label=app_label, model=name)
    prefs_type = ContentType.objects.get(app_label="accounts", model="reminderpreferences")
    view_prefs, _ = model("auth.Permission").objects.get_or_create(
        content_type=prefs_type, codename="view_reminderpreferences", defaults={"name": "Can view reminder preferences"}
    )
    group, _ = model("auth.Group").objects.get_or_create(name="Support staff")
    group.permissions.add(view_prefs)
    support.groups.add(group)
    model("admin.LogEntry").objects.create(
        user=support,
        content_type=prefs_type,
        object_id=str(prefs.pk),
        object_repr="reminder preferences of ada@example.com",
        action_flag=2,
        change_message="Snoozed until Christmas.",
    )

    interval, _ = model("django_celery_beat.IntervalSchedule").objects.get_or_create(every=15, period="minutes")
    for name, task in [*OLD_TASKS.items(), OTHER_TASK]:
        model("django_celery_beat.PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval}
        )


def test_it_keeps_every_row_when_a_0_1_database_is_migrated_to_the_current_layout(migrator):
    """Users, plans, progress, nudges, devices, deliveries, idempotency keys and preferences all survive.

    Every row keeps its primary key and values and is read through the model
    of its new app; content types are relabelled in place, so the support
    group's permission and the admin log follow ReminderPreferences; beat's
    schedule names the tasks in nudges.
    """
    old = migrator.to_0_1()
    build_0_1_database(old)
    fields = fields_in_0_1(old)
    before = read_tables(models_of_0_1(old), fields)
    assert all(before.values()), "every table holds rows before the upgrade"
    old_type_ids = content_type_ids(old.get_model("contenttypes.ContentType"), OLD_CONTENT_TYPES)

    migrator.to_latest()

    assert_the_latest_state_has_the_current_layout(migrator.latest_state())
    assert read_tables(EVERY_MODEL, fields) == before
    ada = User.objects.get(email="ada@example.com")
    prefs = ada.reminder_preferences
    assert isinstance(prefs, ReminderPreferences)
    assert {name: getattr(prefs, name) for name in CHOSEN_PREFERENCES} == CHOSEN_PREFERENCES
    assert list(ada.notifications.order_by("id").values_list("title", flat=True)) == ["Well done", "Still there?"]
    assert ada.notifications.unread().get().title == "Well done"
    assert ada.devices.get().token == "apns-token-0123456789"
    assert ada.deliveries.get().payload == {"milestone": "mlops-basics", "count": 3}
    key = IdempotencyKey.objects.get(user=ada, key="3f1c-retry")
    assert (key.response_status, key.response_body) == (201, {"id": 7, "status": "active"})

    # Content types were renamed in place: same ids, new apps, none left behind.
    assert content_type_ids(ContentType, NEW_CONTENT_TYPES) == old_type_ids
    assert {(ct.app_label, ct.model) for ct in ContentType.objects.all()}.isdisjoint(OLD_CONTENT_TYPES)
    view_prefs = Permission.objects.get(codename="view_reminderpreferences")
    assert view_prefs.content_type == ContentType.objects.get_for_model(ReminderPreferences)
    assert view_prefs in Group.objects.get(name="Support staff").permissions.all()
    assert User.objects.get(email="support@example.com").has_perm("nudges.view_reminderpreferences")
    assert LogEntry.objects.get(change_message="Snoozed until Christmas.").get_edited_object() == prefs

    # Beat runs the tasks from their new module; other tasks are untouched.
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {name: tasks[name] for name in NEW_TASKS} == NEW_TASKS
    assert tasks[OTHER_TASK[0]] == OTHER_TASK[1]
    assert not PeriodicTask.objects.filter(task__startswith="tracker.tasks.").exists()


def test_it_keeps_every_row_when_the_move_is_undone_and_done_again(migrator):
    """Migrating back to 0.1 and forward again loses nothing and renames nothing twice.

    Back in 0.1 the rows are read through the old apps' models, and content
    types and beat's task carry the old names; forward again, all is as it was.
    """
    ada = UserFactory(email="ada@example.com")
    track = CareerTrackFactory()
    milestone = MilestoneFactory()
    LadderStepFactory(track=track, milestone=milestone, level=CareerLevelFactory(track=track))
    EnrollmentFactory(user=ada, track=track)
    MilestoneProgressFactory(user=ada, milestone=milestone, status="in_progress")
    ProgressEvent.objects.create(
        user=ada, milestone=milestone, track=track, from_status="not_started", to_status="in_progress"
    )
    Notification.objects.create(user=ada, rule="stalled", title="Still there?")
    Device.objects.create(user=ada, platform="android", token="fcm-token-42")
    Delivery.objects.create(user=ada, rule="stalled", period="2026-11-20", channel="email", payload={"days": 9})
    IdempotencyKey.objects.create(user=ada, key="k-1", method="POST", path="/api/v1/progress/", request_hash="b" * 64)
    ReminderPreferences.objects.create(user=ada, stalled_after_days=21, quiet_start=time(20, 0))
    interval, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SCAN_TASK, defaults={"task": "nudges.tasks.scan_nudges", "interval": interval}
    )
    for app_label, name in NEW_CONTENT_TYPES:
        ContentType.objects.get_or_create(app_label=app_label, model=name)
    type_ids = content_type_ids(ContentType, NEW_CONTENT_TYPES)
    fields = fields_in_0_1(migrator.old_state().apps)
    before = read_tables(EVERY_MODEL, fields)
    assert all(before.values()), "every table holds rows before the round trip"

    old = migrator.to_0_1()

    assert read_tables(models_of_0_1(old), fields) == before
    assert content_type_ids(old.get_model("contenttypes.ContentType"), OLD_CONTENT_TYPES) == type_ids
    old_tasks = old.get_model("django_celery_beat.PeriodicTask").objects
    assert old_tasks.get(name=SCAN_TASK).task == "tracker.tasks.scan_nudges"

    migrator.to_latest()

    assert read_tables(EVERY_MODEL, fields) == before
    assert content_type_ids(ContentType, NEW_CONTENT_TYPES) == type_ids
    assert PeriodicTask.objects.get(name=SCAN_TASK).task == "nudges.tasks.scan_nudges"
    assert User.objects.get(email="ada@example.com").reminder_preferences.stalled_after_days == 21


def test_an_upgrade_run_in_steps_keeps_the_support_groups_permission_and_the_admin_log(migrator):
    """`migrate nudges 0001_initial`, then `migrate`: the content types made in between are merged, not doubled.

    Each `migrate` command makes the content types and permissions of the
    state it ends in, so after the first step a new nudges.reminderpreferences
    exists beside the old accounts one, with a view permission of its own.
    """
    from django.core.management import call_command

    old = migrator.to_0_1()
    build_0_1_database(old)
    call_command("migrate", "nudges", "0001_initial", verbosity=0)
    assert ContentType.objects.filter(app_label="nudges", model="reminderpreferences").exists()

    migrator.to_latest()

    assert {(ct.app_label, ct.model) for ct in ContentType.objects.all()}.isdisjoint(OLD_CONTENT_TYPES)
    [view_prefs] = Permission.objects.filter(codename="view_reminderpreferences")
    assert view_prefs.content_type == ContentType.objects.get_for_model(ReminderPreferences)
    assert view_prefs in Group.objects.get(name="Support staff").permissions.all()
    assert User.objects.get(email="support@example.com").has_perm("nudges.view_reminderpreferences")
    prefs = User.objects.get(email="ada@example.com").reminder_preferences
    assert LogEntry.objects.get(change_message="Snoozed until Christmas.").get_edited_object() == prefs
