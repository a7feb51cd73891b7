"""Content editors may edit choice groups and the editors' checklist items, as they edit the rest of the content.

As in 0002, the permissions may not exist yet on a fresh database when this
runs, so it makes them; it adds to the group and takes nothing away.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = [
    (action, model) for model in ("choicegroup", "checklistitem") for action in ("add", "change", "delete", "view")
]


def allow(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("tracker")
    # Historical app configs have no models module, and create_permissions skips such apps.
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, apps=apps, using=using, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name="Content editors")
    codenames = [f"{action}_{model}" for action, model in WANTED]
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label="tracker", codename__in=codenames)
    )


def disallow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action, model in WANTED]
    for group in Group.objects.filter(name="Content editors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_plan_domain"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(allow, disallow)]
