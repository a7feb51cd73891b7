"""After the move: content types (and so permissions) follow the models, and beat's schedule the tasks.

A content type renamed in place keeps its id, so the permissions pointing at
it (the "Support staff" group's view_reminderpreferences, say) and the admin
log entries stay attached. On a fresh database some of these do not exist yet
and there is nothing to rename.
"""

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
        if not ContentType.objects.using(using).filter(app_label=new, model=model).exists():
            ContentType.objects.using(using).filter(app_label=old, model=model).update(app_label=new)


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
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
