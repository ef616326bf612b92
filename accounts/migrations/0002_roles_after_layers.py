"""The roles after the apps were layered: the same grants on the models' new homes, plus the
permissions that replaced checks on a group's name (reopening a recommendation, importing a file).

Frozen here as they stand now; a later change to a role is a new migration.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Evaluators browse and export: view permission on every model of these apps (history included).
BROWSED_APPS = ["reference", "evaluations", "projects", "findings", "ratings"]

# Staff also keep the evidence itself up to date, and import portfolios and ratings from files.
STAFF_MODELS = [
    "ratings.rating",
    "findings.finding",
    "findings.findingcriterion",
    "findings.quantitativeevidence",
    "findings.lesson",
    "projects.project",
    "projects.allotment",
]
STAFF_EXTRA = ["projects.import_portfolio", "ratings.import_ratings"]

# Admins also manage recommendations and their follow-up, the reports' metadata and the users.
ADMIN_MODELS = [
    "findings.recommendation",
    "findings.responsibilityowner",
    "findings.managementresponse",
    "findings.action",
    "findings.conclusion",
    "evaluations.evaluation",
    "reference.organisation",
    "projects.programme",
    "auth.user",
]
ADMIN_EXTRA = ["findings.reopen_recommendation"]


def grant_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=db, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(db)

    def named(labels):
        found = []
        for label in labels:
            app_label, codename = label.split(".")
            found.append(Permission.get(content_type__app_label=app_label, codename=codename))
        return found

    def on_models(actions, models):
        return named(f"{label.split('.')[0]}.{action}_{label.split('.')[1]}" for label in models for action in actions)

    browsing = list(Permission.filter(content_type__app_label__in=BROWSED_APPS, codename__startswith="view_"))
    staff = browsing + on_models(["add", "change", "delete"], STAFF_MODELS) + named(STAFF_EXTRA)
    admin = staff + on_models(["view", "add", "change", "delete"], ADMIN_MODELS) + named(ADMIN_EXTRA)
    for name, granted in [("Evaluator", browsing), ("Staff", staff), ("Admin", admin)]:
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.set(granted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_role_groups"),
        ("reference", "0002_content_types"),
        ("evaluations", "0004_published_figure_vocabularies"),
        ("findings", "0007_version_by_concurrency_reopen_permission"),
        ("projects", "0003_import_permission"),
        ("ratings", "0008_version_by_concurrency_import_permission"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
