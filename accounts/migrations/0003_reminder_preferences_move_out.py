"""ReminderPreferences now belongs to nudges (state only; the table stays).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_nudge_schedule_fields'),
        ('nudges', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them changes.
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='ReminderPreferences',
                ),
            ],
        ),
    ]
