"""Beat's schedule for the quarterly skills check-in (django-celery-beat's DatabaseScheduler).

Hourly, so each person is reached inside their own window (their quiet hours
differ by zone); the task sends each person one check-in a quarter.
Editable in the admin (Periodic tasks); this migration only creates it if
missing.
"""

from django.db import migrations

TASK_NAME = "Growth: quarterly skills check-in"


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
            "task": "growth.tasks.scan_skills_checkins",
            "interval": interval,
            "enabled": True,
            "description": "Reminds each person, once a quarter, to rate their skills again.",
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
        ("growth", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
