"""Notification, Device and Delivery now belong to nudges, IdempotencyKey to api (state only).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0005_nudge_schedule'),
        ('nudges', '0001_initial'),
        ('api', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them changes.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='device',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='idempotencykey',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Delivery',
                ),
                migrations.DeleteModel(
                    name='Device',
                ),
                migrations.DeleteModel(
                    name='IdempotencyKey',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
            ],
        ),
    ]
