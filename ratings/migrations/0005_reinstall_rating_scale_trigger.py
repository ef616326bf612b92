"""0004 rebuilt ratings_rating on SQLite, which drops its triggers: install the scale check again."""

from django.db import migrations

from ratings.db_triggers import install


class Migration(migrations.Migration):
    dependencies = [("ratings", "0004_rating_version")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
