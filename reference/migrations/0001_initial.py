"""Reference data moved here from evaluations, ratings and findings: state only, the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The tables were made by these apps' migrations, and roles were granted on them.
        ('accounts', '0001_role_groups'),
        ('evaluations', '0002_published_figures'),
        ('findings', '0005_criterion_tags'),
        ('ratings', '0005_reinstall_rating_scale_trigger'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Region',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=10, unique=True)),
                    ('name', models.CharField(max_length=100)),
                    ('labels', models.JSONField(blank=True, default=list)),
                    ('order', models.PositiveSmallIntegerField(default=0)),
                ],
                options={
                    'db_table': 'evaluations_region',
                    'ordering': ['order', 'name'],
                },
            ),
            migrations.CreateModel(
                name='SourceDocument',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('file_name', models.CharField(max_length=200, unique=True)),
                    ('title', models.CharField(max_length=400)),
                    ('year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ],
                options={
                    'db_table': 'evaluations_sourcedocument',
                    'ordering': ['file_name'],
                },
            ),
            migrations.CreateModel(
                name='Theme',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('slug', models.SlugField(max_length=80, unique=True)),
                    ('name', models.CharField(max_length=150)),
                ],
                options={
                    'db_table': 'findings_theme',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='Country',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('iso2', models.CharField(max_length=2, unique=True, verbose_name='ISO alpha-2')),
                    ('iso3', models.CharField(max_length=3, unique=True, verbose_name='ISO alpha-3')),
                    ('name', models.CharField(max_length=100)),
                ],
                options={
                    'verbose_name_plural': 'countries',
                    'db_table': 'evaluations_country',
                    'ordering': ['name'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('iso2__regex', '^[A-Z]{2}$'), ('iso3__regex', '^[A-Z]{3}$')), name='country_iso_codes_upper_case')],
                },
            ),
            migrations.CreateModel(
                name='RatingScale',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('source_section', models.CharField(blank=True, max_length=200)),
                    ('source_locator', models.CharField(blank=True, max_length=300)),
                    ('code', models.SlugField(max_length=40, unique=True)),
                    ('name', models.CharField(max_length=200)),
                    ('minimum', models.DecimalField(decimal_places=2, max_digits=5)),
                    ('maximum', models.DecimalField(decimal_places=2, max_digits=5)),
                    ('best_is_high', models.BooleanField(help_text='True when the highest value is the best rating.')),
                    ('not_assessed_value', models.DecimalField(blank=True, decimal_places=2, help_text='A code that means "not assessed" and is not a score.', max_digits=5, null=True)),
                    ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument')),
                ],
                options={
                    'db_table': 'ratings_ratingscale',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='Organisation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('source_section', models.CharField(blank=True, max_length=200)),
                    ('source_locator', models.CharField(blank=True, max_length=300)),
                    ('slug', models.SlugField(max_length=80, unique=True)),
                    ('name', models.CharField(max_length=300)),
                    ('short_name', models.CharField(blank=True, max_length=80)),
                    ('kind', models.CharField(choices=[('agency', 'Agency'), ('unit', 'Unit'), ('evaluator', 'Evaluator'), ('donor', 'Donor'), ('government', 'Government'), ('research', 'Research institution'), ('other', 'Other')], max_length=20)),
                    ('description', models.TextField(blank=True)),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='reference.organisation')),
                    ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument')),
                ],
                options={
                    'db_table': 'evaluations_organisation',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='Criterion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('source_section', models.CharField(blank=True, max_length=200)),
                    ('source_locator', models.CharField(blank=True, max_length=300)),
                    ('code', models.SlugField(max_length=40, unique=True)),
                    ('name', models.CharField(max_length=100)),
                    ('kind', models.CharField(choices=[('oecd_dac', 'OECD-DAC'), ('report_specific', 'Report-specific')], max_length=20)),
                    ('description', models.TextField(blank=True)),
                    ('order', models.PositiveSmallIntegerField(default=100)),
                    ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.sourcedocument')),
                ],
                options={
                    'verbose_name_plural': 'criteria',
                    'db_table': 'ratings_criterion',
                    'ordering': ['order', 'name'],
                },
            ),
            migrations.CreateModel(
                name='ScaleLevel',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('value', models.DecimalField(decimal_places=2, max_digits=5)),
                    ('label', models.CharField(max_length=300)),
                    ('scale', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='levels', to='reference.ratingscale')),
                ],
                options={
                    'db_table': 'ratings_scalelevel',
                    'ordering': ['scale', 'value'],
                    'constraints': [models.UniqueConstraint(fields=('scale', 'value'), name='unique_level_per_scale')],
                },
            ),
            migrations.AddConstraint(
                model_name='ratingscale',
                constraint=models.CheckConstraint(condition=models.Q(('minimum__lt', models.F('maximum'))), name='scale_min_below_max'),
            ),
            migrations.AddConstraint(
                model_name='ratingscale',
                constraint=models.CheckConstraint(condition=models.Q(('not_assessed_value__isnull', True), ('not_assessed_value__lt', models.F('minimum')), ('not_assessed_value__gt', models.F('maximum')), _connector='OR'), name='scale_not_assessed_code_outside_range'),
            ),
        ]),
    ]
