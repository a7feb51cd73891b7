"""Beat's schedule for reminder nudges, stored for django-celery-beat's DatabaseScheduler.

Every 15 minutes beat enqueues one idempotent scan; the scan picks the users
whose local time is inside their send window. Editable in the admin
(Periodic tasks); this migration only creates it if missing.
"""

from django.db import migrations

TASK_NAME = "Reminder nudges: scan for due users"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    from django.utils import timezone

    interval, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "tracker.tasks.scan_nudges",
            "interval": interval,
            "enabled": True,
            "description": "Finds users due a reminder nudge and fans out one task per batch.",
            # A scan that waited past the next interval is pointless: the next one does its work.
            "expire_seconds": 14 * 60,
        },
    )
    # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_track_produces"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
