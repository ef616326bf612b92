from django.db import migrations

from ratings.db_triggers import install, uninstall


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
