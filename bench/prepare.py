"""Data for the benchmark: a PostgreSQL database holding the reports and exactly N synthetic
projects, and the same rows in a SQLite file for Datasette. Both are kept between runs."""

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


def default_database_url(projects):
    return f"postgres://postgres@127.0.0.1:5432/evalbase_bench_{projects}"


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def _maintenance_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def ensure_database(url):
    """Create the database if it is missing; True if it was created."""
    name = database_name(url)
    connection = psycopg2.connect(_maintenance_url(url))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        connection.close()


def vacuum_analyze(url):
    """What autovacuum would do some time after a bulk load; done now so every run plans alike."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def server_version(url):
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


class Preparation:
    """Runs the steps, timing each; `steps` lists (what, seconds or None if reused)."""

    def __init__(self, *, url, projects, env, log):
        self.url, self.projects, self.env, self.log = url, projects, env, log
        self.steps = []

    def run(self, what, argv):
        self.log(f"  {what} ...")
        started = time.perf_counter()
        # What the commands print goes with the progress log, not into the report on stdout.
        subprocess.run([sys.executable, *argv], cwd=ROOT, env=self.env, check=True, stdout=sys.stderr)
        self.steps.append((what, time.perf_counter() - started))

    def django(self, what, *argv):
        self.run(what, ["manage.py", *argv])

    def state(self):
        output = subprocess.run([sys.executable, "-m", "bench.sqlite_export", "state"], cwd=ROOT, env=self.env,
                                check=True, capture_output=True, text=True).stdout
        return json.loads(output)

    def postgres(self):
        if ensure_database(self.url):
            self.steps.append((f"created database {database_name(self.url)}", 0.0))
        self.django("migrate", "migrate", "--noinput", "--verbosity", "0")
        current = self.state()
        if current["synthetic_projects"] == self.projects and current["transcribed_projects"]:
            self.steps.append((f"reused {self.projects:,} synthetic projects already in the database", None))
            return
        self.django("load_reports", "load_reports")
        if current["synthetic_projects"]:
            self.django("remove the other synthetic portfolio", "generate_demo_data", "--remove")
        self.django(f"generate_demo_data --projects {self.projects}", "generate_demo_data",
                    "--projects", str(self.projects), "--quiet")
        started = time.perf_counter()
        vacuum_analyze(self.url)
        self.steps.append(("VACUUM ANALYZE", time.perf_counter() - started))

    def sqlite(self):
        out = DATA / str(self.projects) / "evalbase.db"
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        output = subprocess.run([sys.executable, "-m", "bench.sqlite_export", "export", str(out)], cwd=ROOT,
                                env=self.env, check=True, capture_output=True, text=True).stdout
        result = json.loads(output)
        if result["reused"]:
            self.steps.append(("reused the SQLite copy (same rows)", None))
        else:
            self.steps.append((f"SQLite copy ({result['indexes']} indexes, FTS5)", time.perf_counter() - started))
        return out, result

    def collectstatic(self):
        self.django("collectstatic", "collectstatic", "--noinput", "--verbosity", "0")


def stop_queries(url):
    """End every other session on the benchmark database: after a request was given up, its query
    would otherwise run on (PostgreSQL notices a vanished client only when it next writes to it)."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            return cursor.fetchone()[0]
    finally:
        connection.close()
