"""Versions raised by django-concurrency on every save; a permission to reopen a final status."""

import concurrency.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0006_move_reference_data'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='recommendation',
            options={'ordering': ['evaluation', 'number'], 'permissions': [('reopen_recommendation', 'Can reopen an implemented or not accepted recommendation')]},
        ),
        migrations.AlterField(
            model_name='historicalrecommendation',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
        migrations.AlterField(
            model_name='recommendation',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text='Raised by one on every save.'),
        ),
    ]
