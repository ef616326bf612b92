"""The data version that cached figures are keyed on (evalbase/lib/aggregates.py), kept by triggers.

Installed after every `migrate` (operations.apps), idempotently: a migration that rebuilds a table
on SQLite drops its triggers, and a new model's table needs them too.

PostgreSQL: a statement-level trigger on each table of the evidence notes the transaction in
`evalbase_data_change`; a deferred constraint trigger on that table raises the version once, at
commit. The version row is locked only for the instant of the commit, so long imports never hold
up other writers. SQLite, which has row triggers only and one writer at a time: each changed row
raises the version at once.
"""

from django.apps import apps

from evalbase.lib.aggregates import TABLE

# The apps whose rows the pages aggregate; their many-to-many tables and histories included.
EVIDENCE_APPS = ["reference", "evaluations", "projects", "findings", "ratings"]
CHANGE_TABLE = "evalbase_data_change"

POSTGRES_SETUP = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, n bigint NOT NULL)",
    f"INSERT INTO {TABLE} VALUES (1, 0) ON CONFLICT DO NOTHING",
    f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (txid bigint PRIMARY KEY)",
    f"""CREATE OR REPLACE FUNCTION evalbase_note_change() RETURNS trigger AS $$
    BEGIN
        INSERT INTO {CHANGE_TABLE} VALUES (txid_current()) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION evalbase_raise_data_version() RETURNS trigger AS $$
    BEGIN
        UPDATE {TABLE} SET n = n + 1 WHERE id = 1;
        DELETE FROM {CHANGE_TABLE} WHERE txid = NEW.txid;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS evalbase_raise_data_version ON {CHANGE_TABLE}",
    f"""CREATE CONSTRAINT TRIGGER evalbase_raise_data_version AFTER INSERT ON {CHANGE_TABLE}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION evalbase_raise_data_version()""",
]
SQLITE_SETUP = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY, n integer NOT NULL)",
    f"INSERT OR IGNORE INTO {TABLE} VALUES (1, 0)",
]


def evidence_tables():
    tables = set()
    for label in EVIDENCE_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def _postgres_triggers(table):
    return [f'DROP TRIGGER IF EXISTS evalbase_note_change ON "{table}"',
            f"""CREATE TRIGGER evalbase_note_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
                FOR EACH STATEMENT EXECUTE FUNCTION evalbase_note_change()"""]


def _sqlite_triggers(table):
    return [f"""CREATE TRIGGER IF NOT EXISTS "evalbase_{table}_{event.lower()}" AFTER {event} ON "{table}"
                BEGIN UPDATE {TABLE} SET n = n + 1 WHERE id = 1; END""" for event in ("INSERT", "UPDATE", "DELETE")]


def install(connection):
    """Create the version table and the triggers on every evidence table that exists; safe to repeat."""
    postgres = connection.vendor == "postgresql"
    existing = set(connection.introspection.table_names())
    statements = list(POSTGRES_SETUP if postgres else SQLITE_SETUP)
    for table in evidence_tables():
        if table in existing:
            statements += _postgres_triggers(table) if postgres else _sqlite_triggers(table)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs):
    from django.db import connections

    install(connections[using])
