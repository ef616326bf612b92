"""State only: reference data moved to the reference app. The tables stay as they are (see reference.models)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0003_move_reference_data'),
        ('findings', '0006_move_reference_data'),
        ('ratings', '0006_point_to_reference_data'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='Criterion',
            ),
            migrations.DeleteModel(
                name='RatingScale',
            ),
            migrations.DeleteModel(
                name='ScaleLevel',
            ),
        ]),
    ]
