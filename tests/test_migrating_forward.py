"""A database made by the code before the apps were layered migrates forward with every row kept.

tests/data/ holds such a database, as made by commit 1a9ce46 (`migrate`, `load_reports`, and three
users: sam (Staff), eve (Evaluator), ada (superuser)), dumped once for SQLite and once for
PostgreSQL. The test restores the dump for the database the suite runs on into a database of its
own, runs today's migrations in a separate process, and compares every table's rows.
"""

import gzip
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

DATA = Path(__file__).parent / "data"
ROOT = Path(settings.BASE_DIR)
# Bookkeeping that migrations add to: new migrations, new models' content types and permissions,
# the roles' new grants. Their old rows must all still be there.
GROWING = {"django_migrations", "django_content_type", "auth_permission", "auth_group_permissions"}

pytestmark = pytest.mark.django_db


def _manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout


class _Sqlite:
    def __init__(self, tmp_path):
        self.path = tmp_path / "before-layers.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def restore(self):
        with gzip.open(DATA / "main-1a9ce46.sqlite.sql.gz", "rt") as dump, sqlite3.connect(self.path) as db:
            # The CHECK constraints on project numbers use REGEXP, which Django provides on its connections.
            db.create_function("REGEXP", 2, lambda pattern, value: value is not None
                               and bool(re.search(pattern, value)))
            db.executescript(dump.read())

    def counts(self):
        with sqlite3.connect(self.path) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                   "AND name NOT LIKE 'sqlite_%'")]
            return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}

    def drop(self):
        self.path.unlink(missing_ok=True)


class _Postgres:
    def __init__(self, tmp_path):
        params = connection.settings_dict
        self.name = f"evalbase_forward_{uuid.uuid4().hex[:8]}"
        self.server = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432,
                       "user": params["USER"] or "postgres", "password": params["PASSWORD"] or None}
        auth = self.server["user"] + (f":{self.server['password']}" if self.server["password"] else "")
        self.url = f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.name}"

    def _admin(self, sql):
        db = psycopg2.connect(dbname="postgres", **self.server)
        db.autocommit = True
        with db.cursor() as cursor:
            cursor.execute(sql)
        db.close()

    def restore(self):
        self._admin(f'CREATE DATABASE "{self.name}"')
        with gzip.open(DATA / "main-1a9ce46.postgresql.sql.gz", "rb") as dump:
            subprocess.run(["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", self.url],
                           input=dump.read(), check=True, capture_output=True)

    def counts(self):
        db = psycopg2.connect(dbname=self.name, **self.server)
        with db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
        db.close()
        return counts

    def drop(self):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def old_database(tmp_path):
    database = _Postgres(tmp_path) if connection.vendor == "postgresql" else _Sqlite(tmp_path)
    database.restore()
    yield database
    database.drop()


def test_every_row_of_the_old_layout_is_kept(old_database):
    before = old_database.counts()
    assert before["ratings_rating"] == 58 and before["projects_allotment"] == 78  # the dump is what it says
    _manage(old_database.url, "migrate", "--noinput")
    after = old_database.counts()
    for table, rows in before.items():
        if table in GROWING:
            assert after[table] >= rows, table
        else:
            assert after[table] == rows, f"{table}: {rows} rows before, {after[table]} after"


def test_the_roles_still_grant_the_same_rights_and_the_new_ones(old_database):
    _manage(old_database.url, "migrate", "--noinput")
    checks = ("from django.contrib.auth import get_user_model as u;"
              "s, e = u().objects.get(username='sam'), u().objects.get(username='eve');"
              "print(s.has_perm('ratings.change_rating'), s.has_perm('projects.import_portfolio'),"
              " e.has_perm('reference.view_country'), e.has_perm('ratings.change_rating'))")
    assert _manage(old_database.url, "shell", "--no-imports", "-c", checks).split() == ["True", "True", "True", "False"]


def test_the_stored_totals_and_versions_are_filled_in(old_database):
    _manage(old_database.url, "migrate", "--noinput")
    checks = ("from projects.models import Project; from ratings.models import Rating;"
              "p = Project.objects.get(number='USGLO04116');"
              "print(p.currency, p.allotment_total, p.allotment_count,"
              " min(Rating.objects.values_list('version', flat=True)))")
    assert _manage(old_database.url, "shell", "--no-imports", "-c", checks).split() == ["USD", "2708700.00", "2", "1"]
