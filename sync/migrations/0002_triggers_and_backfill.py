"""Install the change log's triggers and record what exists, so a first sync hands everything out.

The triggers are installed again after every ``migrate`` (``sync.receivers``):
a later migration rebuilding a table on SQLite drops them.
"""

from django.db import migrations


def install_and_backfill(apps, schema_editor):
    from sync import triggers

    triggers.install(schema_editor.connection)
    triggers.backfill(schema_editor.connection)


def remove(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute("SELECT event_object_table FROM information_schema.triggers WHERE trigger_name = 'sync_changes'")
            for (table,) in set(cursor.fetchall()):
                cursor.execute(f"DROP TRIGGER IF EXISTS sync_changes ON {table}")
    schema_editor.execute("DELETE FROM sync_change")
    schema_editor.execute("DELETE FROM sync_stream")


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0001_change_log"),
        ("tracker", "0011_versions_and_devices"),
        ("nudges", "0004_mentors_skills_and_device_details"),
    ]

    operations = [migrations.RunPython(install_and_backfill, remove)]
