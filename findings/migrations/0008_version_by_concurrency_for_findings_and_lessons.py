"""Findings and lessons get a version raised by django-concurrency on every save, as ratings have.

Existing rows, and their history, start at version 0; their next save makes it 1.
"""

import concurrency.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0007_version_by_concurrency_reopen_permission'),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.AddField(
            model_name='historicallesson',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
    ]
