"""The three roles as auth groups.

The permission lists are frozen here, as they stood when the roles were introduced; a later change
to a role is a new migration. Permissions are normally created after all migrations (post_migrate),
so they are created here first: on a fresh database this migration is the first to need them.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Evaluators browse and export: view permission on every model of these apps (history included).
BROWSED_APPS = ["evaluations", "projects", "ratings", "findings"]

# Staff also keep the evidence itself up to date.
STAFF_MODELS = [
    "ratings.rating",
    "findings.finding",
    "findings.quantitativeevidence",
    "findings.lesson",
    "projects.project",
    "projects.allotment",
]

# Admins also manage recommendations and their follow-up, the reports' metadata and the users.
ADMIN_MODELS = [
    "findings.recommendation",
    "findings.responsibilityowner",
    "findings.managementresponse",
    "findings.action",
    "findings.conclusion",
    "evaluations.evaluation",
    "evaluations.organisation",
    "projects.programme",
    "auth.user",
]


def create_role_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=db, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(actions, models):
        found = []
        for label in models:
            app_label, model_name = label.split(".")
            for action in actions:
                found.append(Permission.objects.using(db).get(
                    content_type__app_label=app_label, codename=f"{action}_{model_name}"
                ))
        return found

    browsing = list(Permission.objects.using(db).filter(
        content_type__app_label__in=BROWSED_APPS, codename__startswith="view_"
    ))
    staff = browsing + permissions(["add", "change", "delete"], STAFF_MODELS)
    admin = staff + permissions(["view", "add", "change", "delete"], ADMIN_MODELS)

    for name, granted in [("Evaluator", browsing), ("Staff", staff), ("Admin", admin)]:
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.set(granted)


def delete_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=["Evaluator", "Staff", "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("evaluations", "0002_published_figures"),
        ("projects", "0001_initial"),
        ("ratings", "0003_add_history"),
        ("findings", "0003_add_history"),
    ]

    operations = [migrations.RunPython(create_role_groups, delete_role_groups)]
