"""The moved models' content types follow them, so the permissions granted on them (roles) and the
admin's change log stay attached."""

from django.db import migrations

MOVED = {
    "evaluations": ["sourcedocument", "organisation", "region", "country"],
    "ratings": ["criterion", "ratingscale", "scalelevel"],
    "findings": ["theme"],
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for app_label, models in MOVED.items():
        for model in models:
            old = content_types.filter(app_label=app_label, model=model).first()
            if old is None:
                continue  # a database that never had it: post_migrate creates the new one
            # Created for the new label meanwhile (fresh database): the old one carries the grants.
            content_types.filter(app_label="reference", model=model).delete()
            old.app_label = "reference"
            old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for app_label, models in MOVED.items():
        content_types.filter(app_label="reference", model__in=models).update(app_label=app_label)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reference", "0001_initial"),
        ("evaluations", "0003_move_reference_data"),
        ("findings", "0006_move_reference_data"),
        ("ratings", "0007_move_reference_data"),
    ]

    operations = [migrations.RunPython(move_content_types, restore_content_types)]
