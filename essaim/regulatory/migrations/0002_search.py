# Written by hand: the PostgreSQL-only text search set-up (unaccent, the french_unaccent
# configuration, GIN indexes). On SQLite these operations do nothing and the search falls back
# to ``search_text``. Idempotent, so another app may create the same configuration.

from django.db import migrations

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent;",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$;
    """,
    "CREATE INDEX IF NOT EXISTS regulatory_ticket_search_gin "
    "ON regulatory_ticket USING gin (search_vector);",
    "CREATE INDEX IF NOT EXISTS regulatory_article_search_gin "
    "ON regulatory_knowledgearticle USING gin (search_vector);",
]
BACKWARD_SQL = [
    "DROP INDEX IF EXISTS regulatory_ticket_search_gin;",
    "DROP INDEX IF EXISTS regulatory_article_search_gin;",
]


def _run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("regulatory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run_on_postgres(FORWARD_SQL), _run_on_postgres(BACKWARD_SQL), elidable=False
        ),
    ]
