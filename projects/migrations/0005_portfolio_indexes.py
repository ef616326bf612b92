"""Indexes for what the portfolio filters, sorts and counts by; on PostgreSQL, trigram indexes for
"number or title contains" (the expressions Django's contains and icontains lookups compare)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEXES = [
    'CREATE INDEX IF NOT EXISTS project_title_trigram ON projects_project '
    'USING gin ((UPPER(title::text)) gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS project_number_trigram ON projects_project USING gin ((number::text) gin_trgm_ops)',
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TRIGRAM_INDEXES:
            schema_editor.execute(statement)


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS project_title_trigram")
        schema_editor.execute("DROP INDEX IF EXISTS project_number_trigram")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0004_stored_totals'),
        ('reference', '0002_content_types'),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['region', 'status'], name='project_region_status'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['status'], name='project_status'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['approach'], name='project_approach'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['start_year', 'approach'], name='project_start_year'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['currency', 'allotment_total'], name='project_currency_allotment'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['allotment_total'], name='project_allotment'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['expenditure_total'], name='project_expenditure'),
        ),
    ]
