"""Versions raised by django-concurrency on every save; a permission to import ratings.

Altering the version column rebuilds ratings_rating on SQLite, which drops its triggers: the scale
check is installed again.
"""

import concurrency.fields
from django.db import migrations

from ratings.db_triggers import install


class Migration(migrations.Migration):

    dependencies = [
        ('ratings', '0007_move_reference_data'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='rating',
            options={'ordering': ['evaluation', 'criterion__order', 'id'], 'permissions': [('import_ratings', 'Can import ratings from a file')]},
        ),
        migrations.AlterField(
            model_name='historicalrating',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.AlterField(
            model_name='rating',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
