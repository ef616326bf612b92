"""State only: fields now point at the reference app. The tables stay as they are (see reference.models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ratings', '0005_reinstall_rating_scale_trigger'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='criterion',
                name='source',
            ),
            migrations.AlterField(
                model_name='historicalrating',
                name='criterion',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.criterion'),
            ),
            migrations.AlterField(
                model_name='rating',
                name='criterion',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='reference.criterion'),
            ),
            migrations.RemoveField(
                model_name='ratingscale',
                name='source',
            ),
            migrations.AlterField(
                model_name='historicalrating',
                name='scale',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.ratingscale'),
            ),
            migrations.AlterField(
                model_name='rating',
                name='scale',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='reference.ratingscale'),
            ),
            migrations.RemoveField(
                model_name='scalelevel',
                name='scale',
            ),
            migrations.AlterField(
                model_name='historicalrating',
                name='country',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.country'),
            ),
            migrations.AlterField(
                model_name='historicalrating',
                name='source',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sourcedocument'),
            ),
            migrations.AlterField(
                model_name='rating',
                name='country',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='reference.country'),
            ),
            migrations.AlterField(
                model_name='rating',
                name='source',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument'),
            ),
        ]),
    ]
