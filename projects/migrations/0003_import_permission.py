"""A permission to import projects and allotment lines."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_point_to_reference_data'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='project',
            options={'ordering': ['number'], 'permissions': [('import_portfolio', 'Can import projects and allotment lines from a file')]},
        ),
    ]
