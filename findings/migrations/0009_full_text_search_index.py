"""Full-text search index for findings, lessons and recommendations: on PostgreSQL a stored, generated
tsvector column with a GIN index; on SQLite an FTS5 table (porter tokenizer) per kind, kept current
by triggers. Both are filled with the records already there (findings/fulltext.py)."""

from django.db import migrations

from findings import fulltext


def install(apps, schema_editor):
    fulltext.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    fulltext.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0008_version_by_concurrency_for_findings_and_lessons'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
