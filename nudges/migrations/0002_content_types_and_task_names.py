"""After the move: content types (and so permissions) follow the models, and beat's schedule the tasks.

A content type renamed in place keeps its id, so the permissions pointing at
it (the "Support staff" group's view_reminderpreferences, say) and the admin
log entries stay attached. When the new one exists already (an upgrade run in
steps: each `migrate` makes the content types of its final state), the two
are merged instead: groups and users keep their permissions, the admin log
its entries. On a fresh database some of these do not exist yet and there is
nothing to rename.
"""

from django.conf import settings
from django.db import migrations

MOVED = [
    ("tracker", "nudges", "notification"),
    ("tracker", "nudges", "device"),
    ("tracker", "nudges", "delivery"),
    ("accounts", "nudges", "reminderpreferences"),
    ("tracker", "api", "idempotencykey"),
]

TASKS = {
    "tracker.tasks.scan_nudges": "nudges.tasks.scan_nudges",
    "tracker.tasks.send_nudge_batch": "nudges.tasks.send_nudge_batch",
    "tracker.tasks.celebrate": "nudges.tasks.celebrate",
}


def _relabel(apps, moves, using):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, model in moves:
        types = ContentType.objects.using(using)
        before = types.filter(app_label=old, model=model).first()
        if before is None:
            continue
        after = types.filter(app_label=new, model=model).first()
        if after is None:
            types.filter(pk=before.pk).update(app_label=new)
        else:
            # A step-wise upgrade (`migrate nudges 0001`, then `migrate`) has
            # made the new content type already, with permissions of its own.
            _merge(apps, before, after, using)


def _merge(apps, before, after, using):
    """Move what points at content type ``before`` (permissions and who holds them, admin log) onto ``after``."""
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    LogEntry = apps.get_model("admin", "LogEntry")
    permissions = Permission.objects.using(using)
    for old in permissions.filter(content_type=before):
        twin = permissions.filter(content_type=after, codename=old.codename).first()
        if twin is None:
            permissions.filter(pk=old.pk).update(content_type=after)
            continue
        for group in Group.objects.using(using).filter(permissions=old):
            group.permissions.add(twin)
        for user in User.objects.using(using).filter(user_permissions=old):
            user.user_permissions.add(twin)
        permissions.filter(pk=old.pk).delete()
    LogEntry.objects.using(using).filter(content_type=before).update(content_type=after)
    apps.get_model("contenttypes", "ContentType").objects.using(using).filter(pk=before.pk).delete()


def _rename_tasks(apps, names, using):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = 0
    for old, new in names.items():
        changed += PeriodicTask.objects.using(using).filter(task=old).update(task=new)
    if changed:
        from django.utils import timezone

        # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
        PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forwards(apps, schema_editor):
    using = schema_editor.connection.alias
    _relabel(apps, MOVED, using)
    _rename_tasks(apps, TASKS, using)


def backwards(apps, schema_editor):
    using = schema_editor.connection.alias
    _relabel(apps, [(new, old, model) for old, new, model in MOVED], using)
    _rename_tasks(apps, {new: old for old, new in TASKS.items()}, using)


class Migration(migrations.Migration):
    dependencies = [
        ("nudges", "0001_initial"),
        ("api", "0001_initial"),
        ("tracker", "0006_nudges_and_idempotency_move_out"),
        ("accounts", "0003_reminder_preferences_move_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
