"""Beat's schedule for forgetting old tombstones (django-celery-beat's DatabaseScheduler).

Daily; the task forgets tombstones older than ``sync.feed.TOMBSTONE_DAYS``.
Editable in the admin (Periodic tasks); this migration only creates it if missing.
"""

from django.db import migrations

TASK_NAME = "Sync: forget old tombstones"


def create_schedule(apps, schema_editor):
    from django.utils import timezone

    using = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval, _ = IntervalSchedule.objects.using(using).get_or_create(every=1, period="days")
    PeriodicTask.objects.using(using).get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "sync.tasks.prune_tombstones",
            "interval": interval,
            "enabled": True,
            "description": "Forgets sync tombstones older than the retention (30 days); older cursors get 410.",
            "expire_seconds": 6 * 60 * 60,
        },
    )
    # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
    PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0002_triggers_and_backfill"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
