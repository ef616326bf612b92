"""State only: fields now point at the reference app. The tables stay as they are (see reference.models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0001_initial'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='allotment',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='programme',
                name='organisation',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='programme',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='project',
                name='country',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='reference.country'),
            ),
            migrations.AlterField(
                model_name='project',
                name='region',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='reference.region'),
            ),
            migrations.AlterField(
                model_name='project',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
        ]),
    ]
