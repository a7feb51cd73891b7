from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0003_nudges_devices_idempotency"),
    ]

    operations = [
        migrations.AddField(
            model_name="careertrack",
            name="produces",
            field=models.CharField(
                choices=[
                    ("deployed_systems", "Deployed, monitored production systems"),
                    ("data_pipelines", "Data pipelines and storage"),
                    ("prediction_systems", "Trained models running in products"),
                    ("research", "New models and research findings"),
                    ("insights", "Insights and reports for decisions"),
                ],
                # Existing rows need a value; editors (or seed_content --update) set the right one.
                default="prediction_systems",
                help_text="The kind of work product, matched against the role-fit quiz's answer.",
                max_length=20,
            ),
            preserve_default=False,
        ),
    ]
