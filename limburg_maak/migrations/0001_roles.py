"""The editorial roles as groups with model permissions.

Redacteur edits concept records, Publicist also publishes, unpublishes and closes
commitments, Lezer reads concept records without editing them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("programs", "budgets")
EDIT = ("add", "change", "delete", "view")
# Kept by the application itself, never edited by hand: readable only.
RECORDED_BY_THE_APP = {"deadlinechange"}


def permissions_of(apps, actions, extra=()):
    Permission = apps.get_model("auth", "Permission")
    codenames = []
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            name = model._meta.model_name
            if name.startswith("historical"):
                continue
            allowed = ["view"] if name in RECORDED_BY_THE_APP else actions
            codenames += [f"{action}_{name}" for action in allowed if action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label__in=APPS, codename__in=[*codenames, *extra]
    )
    return list(permissions)


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
    for app_label in APPS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    roles = {
        "Lezer": permissions_of(apps, ["view"]),
        "Redacteur": permissions_of(apps, EDIT),
        "Publicist": permissions_of(apps, [*EDIT, "publish"], extra=["close_commitment"]),
    }
    for name, permissions in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Lezer", "Redacteur", "Publicist"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0003_publish_permission"),
        ("budgets", "0002_publish_permission"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
