"""State only: reference data moved to the reference app. The tables stay as they are (see reference.models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0005_criterion_tags'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='action',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='approachcomparison',
                name='organisation',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='approachcomparison',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='conclusion',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='finding',
                name='countries',
                field=models.ManyToManyField(blank=True, related_name='findings', to='reference.country'),
            ),
            migrations.AlterField(
                model_name='finding',
                name='criteria',
                field=models.ManyToManyField(blank=True, related_name='findings', through='findings.FindingCriterion', to='reference.criterion'),
            ),
            migrations.AlterField(
                model_name='finding',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='finding',
                name='themes',
                field=models.ManyToManyField(blank=True, related_name='findings', to='reference.theme'),
            ),
            migrations.AlterField(
                model_name='findingcriterion',
                name='criterion',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='finding_tags', to='reference.criterion'),
            ),
            migrations.AlterField(
                model_name='historicalaction',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='historicalfinding',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='historicallesson',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='historicalmanagementresponse',
                name='responder',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='historicalmanagementresponse',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='historicalrecommendation',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='historicalresponsibilityowner',
                name='organisation',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='lesson',
                name='criteria',
                field=models.ManyToManyField(blank=True, related_name='lessons', to='reference.criterion'),
            ),
            migrations.AlterField(
                model_name='lesson',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='lesson',
                name='themes',
                field=models.ManyToManyField(blank=True, related_name='lessons', to='reference.theme'),
            ),
            migrations.AlterField(
                model_name='managementresponse',
                name='responder',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='management_responses', to='reference.organisation'),
            ),
            migrations.AlterField(
                model_name='managementresponse',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='quantitativeevidence',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='recommendation',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='recommendation',
                name='themes',
                field=models.ManyToManyField(blank=True, related_name='recommendations', to='reference.theme'),
            ),
            migrations.AlterField(
                model_name='responsibilityowner',
                name='organisation',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owner_roles', to='reference.organisation'),
            ),
            migrations.DeleteModel(
                name='Theme',
            ),
        ]),
    ]
