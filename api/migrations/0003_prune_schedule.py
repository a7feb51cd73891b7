"""Beat's schedule for forgetting old Idempotency-Keys (django-celery-beat's DatabaseScheduler).

Hourly; the task deletes keys older than IDEMPOTENCY_KEY_HOURS. Editable in
the admin (Periodic tasks); this migration only creates it if missing.
"""

from django.db import migrations

TASK_NAME = "API: forget old Idempotency-Keys"


def create_schedule(apps, schema_editor):
    from django.utils import timezone

    using = schema_editor.connection.alias
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval, _ = IntervalSchedule.objects.using(using).get_or_create(every=1, period="hours")
    PeriodicTask.objects.using(using).get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "api.tasks.prune_idempotency_keys",
            "interval": interval,
            "enabled": True,
            "description": "Deletes Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (24 by default).",
            "expire_seconds": 50 * 60,
        },
    )
    # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
    PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_anonymous_keys"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
