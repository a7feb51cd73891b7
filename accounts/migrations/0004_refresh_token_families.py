"""RefreshTokenFamily: which family each rotated API refresh token belongs to (reuse detection)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_reminder_preferences_move_out'),
        ('token_blacklist', '0013_alter_blacklistedtoken_options_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='RefreshTokenFamily',
            fields=[
                ('token', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='token_blacklist.outstandingtoken', to_field='jti')),
                ('family', models.CharField(db_index=True, max_length=255)),
            ],
            options={
                'verbose_name': "refresh token's family",
                'verbose_name_plural': "refresh tokens' families",
            },
        ),
    ]
