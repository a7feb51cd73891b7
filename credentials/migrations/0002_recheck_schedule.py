"""Beat's schedule for re-checking badges with their issuers (django-celery-beat's DatabaseScheduler).

Hourly; the task re-checks each badge whose last check is older than
CREDENTIALS_RECHECK_HOURS. Editable in the admin (Periodic tasks); this
migration only creates it if missing.
"""

from django.db import migrations

TASK_NAME = "Credentials: re-check badges with their issuers"


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
            "task": "credentials.tasks.recheck_due_badges",
            "interval": interval,
            "enabled": True,
            "description": "Checks each attached badge again once it is due; a revoked or expired one tells its owner.",
            # A scan not started within the hour is overtaken by the next one.
            "expire_seconds": 60 * 60,
        },
    )
    # Beat's DatabaseScheduler reloads its schedule when this stamp changes.
    PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
