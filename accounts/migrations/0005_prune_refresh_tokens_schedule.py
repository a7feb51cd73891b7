"""Beat's schedule for forgetting unusable API refresh tokens (django-celery-beat's DatabaseScheduler).

Daily; the task deletes expired refresh tokens and those of deleted accounts,
with their revocations. Editable in the admin (Periodic tasks); this migration
only creates it if missing.
"""

from django.db import migrations

TASK_NAME = "Accounts: forget expired and orphaned refresh tokens"


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
            "task": "accounts.tasks.prune_refresh_tokens",
            "interval": interval,
            "enabled": True,
            "description": "Deletes expired API refresh tokens and those of deleted accounts, with their revocations.",
            "expire_seconds": 12 * 60 * 60,
        },
    )
    # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
    PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_refresh_token_families"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
