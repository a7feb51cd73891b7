"""The "Content editors" and "Support staff" groups, with exactly their permissions.

Permissions are normally made by a post_migrate signal, after every
migration has run; on a fresh database they do not exist yet when this runs,
so it makes them itself (``create_permissions`` for the two apps, with the
historical models). Running it again, or after the signal, changes nothing:
the groups' permissions are *set*, not added to.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ("careertrack", "careerlevel", "milestone", "resource", "ladderstep")

GROUPS = {
    "Content editors": [
        ("tracker", f"{action}_{model}")
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ],
    "Support staff": [
        ("tracker", "view_enrollment"),
        ("tracker", "view_milestoneprogress"),
        ("tracker", "view_progressevent"),
        ("accounts", "view_user"),
        ("accounts", "view_reminderpreferences"),
    ],
}


def ensure_permissions(apps, using):
    """Create the content types and permissions of the apps the groups use."""
    for label in ("tracker", "accounts"):
        app_config = apps.get_app_config(label)
        # Historical app configs have no models module, and create_permissions
        # skips such apps: pretend for the duration of the call.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, apps=apps, using=using, verbosity=0)
        finally:
            app_config.models_module = previous


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        permissions = []
        for app_label, codename in wanted:
            permissions.append(_permission(Permission, using, app_label, codename))
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)


def _permission(Permission, using, app_label, codename):
    """The permission, under whichever app holds its model when this runs.

    Run again after release 0.2 moved ReminderPreferences to the nudges app
    (nudges 0002 relabels its content type), the permission is found there.
    Codenames are unique across this project's models.
    """
    permissions = Permission.objects.using(using)
    found = permissions.filter(content_type__app_label=app_label, codename=codename).first()
    return found if found is not None else permissions.get(codename=codename)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
    ]
