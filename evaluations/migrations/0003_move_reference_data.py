"""State only: reference data moved to the reference app. The tables stay as they are (see reference.models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0002_published_figures'),
        ('findings', '0006_move_reference_data'),
        ('projects', '0002_point_to_reference_data'),
        ('ratings', '0006_point_to_reference_data'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='organisation',
                name='parent',
            ),
            migrations.RemoveField(
                model_name='organisation',
                name='source',
            ),
            migrations.AlterField(
                model_name='evaluation',
                name='commissioner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commissioned_evaluations', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='participation',
                name='organisation',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participations', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='dataqualitynote',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='evaluation',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='participation',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='publishedfigure',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='evaluation',
                name='countries',
                field=models.ManyToManyField(blank=True, related_name='evaluations', to='reference.country'),
            ),
            migrations.AlterField(
                model_name='publishedfigure',
                name='criterion',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.criterion'),
            ),
            migrations.DeleteModel(
                name='Country',
            ),
            migrations.DeleteModel(
                name='Region',
            ),
            migrations.DeleteModel(
                name='Organisation',
            ),
            migrations.DeleteModel(
                name='SourceDocument',
            ),
        ]),
    ]
