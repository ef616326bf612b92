"""The benchmark's PostgreSQL data, copied row for row into a SQLite file for Datasette.

Run by `python -m bench` in a subprocess with Django set up on the benchmark database:

    python -m bench.sqlite_export state                # what the database holds, as JSON
    python -m bench.sqlite_export export OUT.db        # (re)write OUT.db unless it is up to date

Tables are streamed a chunk at a time (server-side cursors, bounded memory). Each SQLite table gets
an index on every column the pages filter or sort on, plus a copy of each plain index PostgreSQL
has on the same columns, so that Datasette is indexed at least as well as EvalBase. Findings, and
the union of findings, lessons and recommendations that EvalBase's search covers, get FTS5 indexes
(English Porter stemming, like PostgreSQL's `english` configuration) in the form Datasette detects.
"""

import hashlib
import json
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 10_000
SYNTHETIC = "synthetic-"


@dataclass
class Table:
    """A SQLite table: its columns as (name, ORM lookup, SQLite type) and the columns to index."""

    name: str
    model: str
    columns: list
    indexes: list = field(default_factory=list)
    order_by: str = "id"


def tables():
    return [
        Table("projects", "projects.Project", [
            ("id", "id", "INTEGER PRIMARY KEY"), ("number", "number", "TEXT NOT NULL"), ("title", "title", "TEXT"),
            ("programme", "programme__slug", "TEXT"), ("country", "country__iso2", "TEXT"),
            ("region", "region__code", "TEXT"), ("approach", "approach", "TEXT"),
            ("start_year", "start_year", "INTEGER"), ("status", "status", "TEXT"), ("currency", "currency", "TEXT"),
            ("allotment_total", "allotment_total", "REAL"), ("expenditure_total", "expenditure_total", "REAL"),
            ("allotment_count", "allotment_count", "INTEGER"),
        ], indexes=["programme", "country", "region", "approach", "start_year", "status", "currency",
                    "allotment_total", "expenditure_total"]),
        Table("allotments", "projects.Allotment", [
            ("id", "id", "INTEGER PRIMARY KEY"), ("project_id", "project_id", "INTEGER REFERENCES projects(id)"),
            ("line", "line", "INTEGER"), ("number", "number", "TEXT"), ("year", "year", "INTEGER"),
            ("project_type", "project_type", "TEXT"), ("status", "status", "TEXT"), ("currency", "currency", "TEXT"),
            ("amount", "amount", "REAL"), ("expenditure", "expenditure", "REAL"),
            ("other_expenditure", "other_expenditure", "REAL"),
        ], indexes=["project_id", "project_type", "status", "currency", "year"]),
        Table("ratings", "ratings.Rating", [
            ("id", "id", "INTEGER PRIMARY KEY"), ("evaluation", "evaluation__slug", "TEXT"),
            ("subject_kind", "subject_kind", "TEXT"), ("project_id", "project_id", "INTEGER REFERENCES projects(id)"),
            ("country", "country__iso2", "TEXT"), ("programme", "programme__slug", "TEXT"),
            ("criterion", "criterion__code", "TEXT"), ("scale", "scale__code", "TEXT"), ("value", "value", "REAL"),
            ("not_assessed", "not_assessed", "INTEGER"), ("label", "label", "TEXT"),
        ], indexes=["evaluation", "project_id", "country", "programme", "criterion", "scale"]),
        Table("findings", "findings.Finding", [
            ("id", "id", "INTEGER PRIMARY KEY"), ("evaluation", "evaluation__slug", "TEXT"), ("code", "code", "TEXT"),
            ("category", "category", "TEXT"), ("title", "title", "TEXT"), ("text", "text", "TEXT"),
            ("evidence_kind", "evidence_kind", "TEXT"),
        ], indexes=["evaluation", "evidence_kind"]),
        Table("recommendations", "findings.Recommendation", [
            ("id", "id", "INTEGER PRIMARY KEY"), ("evaluation", "evaluation__slug", "TEXT"),
            ("number", "number", "INTEGER"), ("text", "text", "TEXT"), ("status", "status", "TEXT"),
            ("due_date", "due_date", "TEXT"),
        ], indexes=["evaluation", "status", "due_date"]),
    ]


# What EvalBase's findings search covers: findings and lessons (title and text), recommendations (text).
SEARCHED = [("finding", "findings.Finding", "title"), ("lesson", "findings.Lesson", "title"),
            ("recommendation", "findings.Recommendation", None)]


def _model(label):
    from django.apps import apps
    return apps.get_model(label)


def state():
    """Row counts and highest ids of every exported table, and the applied migrations: equal states
    mean equal data (the generator only ever adds or removes whole portfolios)."""
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.models import Max

    from projects.models import Project

    result = {"migrations": MigrationRecorder.Migration.objects.count(),
              "synthetic_projects": Project.objects.filter(programme__organisation__slug__startswith=SYNTHETIC).count(),
              "transcribed_projects": Project.objects.exclude(programme__organisation__slug__startswith=SYNTHETIC)
              .count()}
    for label in sorted({t.model for t in tables()} | {m for _, m, _ in SEARCHED}):
        manager = _model(label).objects
        result[label] = [manager.count(), manager.aggregate(top=Max("id"))["top"]]
    return result


def _value(value):
    # Money and rating values are Decimals in PostgreSQL; SQLite stores them as REAL, dates as ISO text.
    if value is None or isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value)


def _copy(db, table):
    columns = ", ".join(f"[{name}] {kind}" for name, _, kind in table.columns)
    db.execute(f"CREATE TABLE [{table.name}] ({columns})")
    insert = f"INSERT INTO [{table.name}] VALUES ({', '.join('?' for _ in table.columns)})"
    rows = (_model(table.model).objects.order_by(table.order_by)
            .values_list(*(lookup for _, lookup, _ in table.columns)).iterator(chunk_size=CHUNK))
    batch, count = [], 0
    for row in rows:
        batch.append([_value(v) for v in row])
        if len(batch) == CHUNK:
            db.executemany(insert, batch)
            count += len(batch)
            batch = []
    db.executemany(insert, batch)
    return count + len(batch)


def _postgres_indexes(table):
    """Plain indexes PostgreSQL has on this table's columns, as lists of SQLite column names."""
    from django.db import connection

    model = _model(table.model)
    by_column = {}
    for name, lookup, _ in table.columns:
        model_field = model._meta.get_field(lookup.split("__")[0].removesuffix("_id"))
        by_column[model_field.column] = name
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    found = []
    for spec in constraints.values():
        columns = spec.get("columns") or []
        if spec.get("index") and not spec.get("primary_key") and spec.get("type") in ("btree", "idx") \
                and columns and all(c in by_column for c in columns):
            found.append(([by_column[c] for c in columns], bool(spec.get("unique"))))
    return found


def _index(db, table):
    wanted = [([column], False) for column in table.indexes] + _postgres_indexes(table)
    made = set()
    for columns, unique in wanted:
        if tuple(columns) in made:
            continue
        made.add(tuple(columns))
        name = f"idx_{table.name}_{'_'.join(columns)}"
        db.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX [{name}] ON [{table.name}] "
                   f"({', '.join(f'[{c}]' for c in columns)})")
    return len(made)


def _search_tables(db):
    """`evidence`: what EvalBase's search covers, one row per finding, lesson or recommendation;
    it and `findings` get FTS5 indexes Datasette uses for `?_search=`."""
    db.execute("CREATE TABLE evidence (id INTEGER PRIMARY KEY, kind TEXT, record_id INTEGER, evaluation TEXT, "
               "title TEXT, text TEXT)")
    for kind, label, title in SEARCHED:
        rows = (_model(label).objects.order_by("id")
                .values_list("id", "evaluation__slug", title or "text", "text").iterator(chunk_size=CHUNK))
        db.executemany("INSERT INTO evidence (kind, record_id, evaluation, title, text) VALUES (?, ?, ?, ?, ?)",
                       ((kind, pk, evaluation, heading if title else "", text)
                        for pk, evaluation, heading, text in rows))
    db.execute("CREATE INDEX idx_evidence_kind ON evidence (kind)")
    db.execute("CREATE INDEX idx_evidence_evaluation ON evidence (evaluation)")
    for name in ("findings", "evidence"):
        db.execute(f"CREATE VIRTUAL TABLE [{name}_fts] USING fts5 (title, text, content=[{name}], "
                   "tokenize='porter unicode61')")
        db.execute(f"INSERT INTO [{name}_fts] ([{name}_fts]) VALUES ('rebuild')")


def _signature(current):
    source = Path(__file__).read_bytes()
    return {"state": current, "exporter": hashlib.sha256(source).hexdigest()[:16]}


def export(out):
    """Write the SQLite copy to `out` unless the stamp beside it says it is already up to date."""
    out = Path(out)
    stamp = out.with_suffix(".json")
    signature = _signature(state())
    if out.exists() and stamp.exists() and json.loads(stamp.read_text()).get("signature") == signature:
        return {"reused": True, **json.loads(stamp.read_text())}
    partial = out.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    rows, indexes = {}, 0
    for table in tables():
        rows[table.name] = _copy(db, table)
        indexes += _index(db, table)
    _search_tables(db)
    db.execute("ANALYZE")
    db.commit()
    db.close()
    os.replace(partial, out)
    summary = {"signature": signature, "rows": rows, "indexes": indexes}
    stamp.write_text(json.dumps(summary, indent=1))
    return {"reused": False, **summary}


def main(argv):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalbase.settings")
    django.setup()
    if argv[:1] == ["state"]:
        print(json.dumps(state()))
    elif argv[:1] == ["export"] and len(argv) == 2:
        print(json.dumps(export(argv[1])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
