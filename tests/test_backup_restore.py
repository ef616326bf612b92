"""The restore drill: back up, wipe, restore, and every table holds exactly the rows it held.

Runs on the suite's own database (SQLite in `make test`, PostgreSQL in CI), outside the per-test
transaction since pg_dump and pg_restore are other connections; it restores the database as it found
it before it ends.
"""

import hashlib
import io
import sqlite3

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from operations.backup import BackupError, restore_database
from ratings.models import Rating

from .builders import make_owner, make_rating, make_recommendation, make_response


def table_checksums():
    """A checksum of every table's rows, independent of row order."""
    sums = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            sums[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return sums


def backup(directory):
    """`manage.py backup`; the last line it prints is the backup's path."""
    output = io.StringIO()
    call_command("backup", directory=str(directory), stdout=output)
    return output.getvalue().strip().splitlines()[-1]


@pytest.fixture
def database_outside_transactions(django_db_blocker, tmp_path):
    """The suite's database, committed to as the app would; put back as it was afterwards."""
    with django_db_blocker.unblock():
        before = backup(tmp_path / "before")
        try:
            yield
        finally:
            restore_database(connection, before)
            ContentType.objects.clear_cache()


def test_the_restore_drill_brings_back_every_row(database_outside_transactions, tmp_path):
    rating = make_rating(justification="Kept through the drill.")
    make_response(make_recommendation(owners=[make_owner("Drill owner")]), actions=["An action"])
    expected = table_checksums()
    path = backup(tmp_path / "backups")
    assert path.startswith(str(tmp_path / "backups"))

    call_command("flush", interactive=False, verbosity=0)
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert table_checksums() != expected

    call_command("restore", path, interactive=False, stdout=io.StringIO())
    ContentType.objects.clear_cache()
    assert table_checksums() == expected
    assert Rating.objects.get(pk=rating.pk).justification == "Kept through the drill."


def test_a_damaged_backup_changes_nothing(database_outside_transactions, tmp_path):
    make_rating()
    expected = table_checksums()
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"PGDMP" + b"\x00" * 100 if connection.vendor == "postgresql" else b"SQLite format 3\x00")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(damaged), interactive=False)
    assert table_checksums() == expected


def test_a_missing_backup_is_refused():
    with pytest.raises(BackupError, match="No backup at"):
        restore_database(connection, "/nonexistent/evalbase.dump")


def test_restore_asks_before_replacing_everything(monkeypatch, tmp_path):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    (tmp_path / "x.dump").write_bytes(b"")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(tmp_path / "x.dump"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own backup format")
def test_an_sqlite_backup_is_a_database_with_the_apps_tables(django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        path = backup(tmp_path)
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"django_migrations", "ratings_rating", "findings_recommendation"} <= tables
