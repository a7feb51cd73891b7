"""Takes over Notification, Device and Delivery from tracker and ReminderPreferences from accounts.

No data moves: each model keeps its table (Meta.db_table), so this only
changes Django's state. The old apps delete the models from their state in
tracker 0006 and accounts 0003, which depend on this migration.
"""

import datetime
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("tracker", "0005_nudge_schedule"),
        ("accounts", "0002_nudge_schedule_fields"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Device',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('platform', models.CharField(choices=[('ios', 'iOS'), ('android', 'Android'), ('web', 'Web')], max_length=10)),
                        ('token', models.CharField(max_length=512, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_seen_at', models.DateTimeField(auto_now=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='devices', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'tracker_device',
                        'ordering': ('-created_at', '-id'),
                    },
                ),
                migrations.CreateModel(
                    name='ReminderPreferences',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('enabled', models.BooleanField(default=True, help_text='Master switch for every nudge.', verbose_name='send reminders')),
                        ('email_enabled', models.BooleanField(default=True, verbose_name='by email')),
                        ('in_app_enabled', models.BooleanField(default=True, verbose_name='in the app')),
                        ('push_enabled', models.BooleanField(default=True, verbose_name='push to my devices')),
                        ('stalled_after_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(90)], verbose_name='nudge me after this many quiet days')),
                        ('digest_enabled', models.BooleanField(default=True, verbose_name='weekly digest')),
                        ('digest_weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], default=0)),
                        ('digest_hour', models.PositiveSmallIntegerField(default=9, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(23)])),
                        ('quiet_start', models.TimeField(default=datetime.time(21, 0), help_text='No nudges from this local time...')),
                        ('quiet_end', models.TimeField(default=datetime.time(8, 0), help_text='...until this local time.')),
                        ('snoozed_until', models.DateField(blank=True, help_text='No nudges until this date.', null=True)),
                        ('next_check_at', models.DateTimeField(blank=True, db_index=True, editable=False, null=True)),
                        ('last_nudged_on', models.DateField(blank=True, editable=False, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_preferences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'reminder preferences',
                        'verbose_name_plural': 'reminder preferences',
                        'db_table': 'accounts_reminderpreferences',
                    },
                ),
                migrations.CreateModel(
                    name='Delivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule', models.CharField(choices=[('stalled', 'Stalled plan'), ('deadline', 'Deadline soon'), ('overdue', 'Overdue milestone'), ('renewal', 'Certification renewal'), ('digest', 'Weekly digest'), ('celebration', 'Celebration')], max_length=20)),
                        ('period', models.CharField(max_length=120)),
                        ('channel', models.CharField(choices=[('email', 'Email'), ('in_app', 'In-app'), ('push', 'Push')], max_length=10)),
                        ('status', models.CharField(choices=[('claimed', 'Claimed'), ('sent', 'Sent'), ('failed', 'Failed')], default='claimed', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                        ('payload', models.JSONField(blank=True, default=dict)),
                        ('claimed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'deliveries',
                        'db_table': 'tracker_delivery',
                        'ordering': ('-created_at', '-id'),
                        'indexes': [models.Index(fields=['status', 'claimed_at'], name='delivery_status_claimed'), models.Index(fields=['rule', 'created_at'], name='delivery_rule_created')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'rule', 'period', 'channel'), name='delivery_once_per_user_rule_period_channel')],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule', models.CharField(choices=[('stalled', 'Stalled plan'), ('deadline', 'Deadline soon'), ('overdue', 'Overdue milestone'), ('renewal', 'Certification renewal'), ('digest', 'Weekly digest'), ('celebration', 'Celebration')], max_length=20)),
                        ('title', models.CharField(max_length=200)),
                        ('body', models.TextField(blank=True)),
                        ('url', models.CharField(blank=True, help_text='Where the nudge leads, a path in the app.', max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'tracker_notification',
                        'ordering': ('-created_at', '-id'),
                        'indexes': [models.Index(fields=['user', '-created_at'], name='notification_user_created'), models.Index(fields=['user', 'read_at'], name='notification_user_read')],
                    },
                ),
            ],
        ),
    ]
