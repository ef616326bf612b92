"""The database refuses a rating value outside its scale.

A CHECK constraint cannot look at another table (the scale), so this is a trigger on SQLite and
PostgreSQL. Allowed: no value, the scale's not-assessed code, or minimum..maximum. SQLite drops a
table's triggers when a migration rebuilds the table, so migrations that alter ratings_rating call
`install()` again; tests/test_model_rules.py checks the trigger is in place.
"""

MESSAGE = "rating value outside its scale"

SQLITE_CONDITION = """
    NEW.value IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM ratings_ratingscale s WHERE s.id = NEW.scale_id AND (
            CAST(NEW.value AS REAL) BETWEEN CAST(s.minimum AS REAL) AND CAST(s.maximum AS REAL)
            OR (s.not_assessed_value IS NOT NULL
                AND CAST(NEW.value AS REAL) = CAST(s.not_assessed_value AS REAL))))
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER rating_value_within_scale_{event.lower()}
        BEFORE {event} ON ratings_rating
        WHEN {SQLITE_CONDITION}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS rating_value_within_scale_insert;",
    "DROP TRIGGER IF EXISTS rating_value_within_scale_update;",
]

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION rating_value_within_scale() RETURNS trigger AS $$
    BEGIN
        IF NEW.value IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ratings_ratingscale s WHERE s.id = NEW.scale_id AND (
                NEW.value BETWEEN s.minimum AND s.maximum
                OR NEW.value = s.not_assessed_value)) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER rating_value_within_scale BEFORE INSERT OR UPDATE ON ratings_rating
        FOR EACH ROW EXECUTE FUNCTION rating_value_within_scale();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS rating_value_within_scale ON ratings_rating;",
    "DROP FUNCTION IF EXISTS rating_value_within_scale();",
]


def install(apps, schema_editor):
    """(Re)create the trigger; safe to run again."""
    uninstall(apps, schema_editor)
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for statement in statements:
        schema_editor.execute(statement)
