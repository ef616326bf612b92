"""Backups of the whole database, and their restore, all or nothing.

PostgreSQL: `pg_dump -Fc`; restored by `pg_restore --single-transaction --exit-on-error`, so the first
error rolls everything back. SQLite: the online backup API, which copies a consistent snapshot while
the app keeps running; restored by first copying the backup into a temporary database and checking
it there, then copying that into the live database in a single SQLite transaction.

Why not replace the SQLite file with `os.replace`: app processes with the old file open would go on
writing into it after it was unlinked, acknowledging changes that are then lost. Copying into the
live file through SQLite keeps every connection on one file and is just as atomic.

A backup holds password hashes and sessions: files are readable by their owner only.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db.backends.sqlite3._functions import register as register_django_functions
from django.utils import timezone


class BackupError(Exception):
    pass


def backup_database(connection, directory):
    """Write a backup of `connection`'s database into `directory` and return its path."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    database = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(str(connection.settings_dict["NAME"])).stem)
    path = directory / f"{database}-{stamp}{suffix}"
    partial = path.with_name(path.name + ".partial")
    old_umask = os.umask(0o077)
    try:
        if connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--file", str(partial), *_pg_target(connection)], connection)
        elif connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        else:
            raise BackupError(f"No backup method for {connection.vendor}.")
        os.replace(partial, path)  # a backup cut short never carries a backup's name
    finally:
        os.umask(old_umask)
        partial.unlink(missing_ok=True)
    return path


def restore_database(connection, path):
    """Replace every row of `connection`'s database with the backup at `path`, or change nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    connection.close()  # hold no connection (and no lock) of our own while the restore runs
    if connection.vendor == "postgresql":
        _pg_restore(connection, path)
    elif connection.vendor == "sqlite":
        _sqlite_restore(connection, path)
    else:
        raise BackupError(f"No restore method for {connection.vendor}.")


def _pg_target(connection):
    settings = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    return [*args, "--dbname", settings["NAME"]]


def _run(command, connection):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
    return result.stdout


def _pg_restore(connection, path):
    _run(["pg_restore", "--list", str(path)], connection)  # a readable archive, before touching anything
    try:
        connection.ensure_connection()
    except Exception as error:
        raise BackupError(f"Cannot reach the database {connection.settings_dict['NAME']}: {error}") from error
    finally:
        connection.close()
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--clean", "--if-exists", "--no-owner",
          "--no-privileges", *_pg_target(connection), str(path)], connection)


def _sqlite_backup(connection, target_path):
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
        # The live database keeps a write-ahead log; the backup is one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _sqlite_restore(connection, path):
    with tempfile.TemporaryDirectory() as scratch:
        checked = sqlite3.connect(Path(scratch) / "restore.sqlite3")
        register_django_functions(checked)  # CHECK constraints call REGEXP, as on Django's own connections
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(checked)
            except sqlite3.DatabaseError as error:
                raise BackupError(f"{path} is not an SQLite database: {error}") from error
            finally:
                source.close()
            _check_sqlite(checked, path)
            connection.ensure_connection()
            checked.backup(connection.connection)  # one transaction on the live database
        finally:
            checked.close()
            connection.close()


def _check_sqlite(database, path):
    if database.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise BackupError(f"{path} is damaged (SQLite integrity check failed).")
    tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is not an EvalBase backup (it has no django_migrations table).")
