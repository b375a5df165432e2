"""Full-text search for candidates on PostgreSQL: a generated tsvector column with a GIN index.

The column is maintained by PostgreSQL itself, so no code path can forget it.
Django's model doesn't declare it (SQLite has no tsvector); pipeline.candidates.selectors
queries it with raw SQL on PostgreSQL and falls back to a contains search on SQLite.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE pipeline_candidate ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' '
                  || coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')), 'A')
        || setweight(to_tsvector('simple', coalesce(skills::text, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(resume_text, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX pipeline_candidate_search_idx ON pipeline_candidate USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS pipeline_candidate_search_idx",
    "ALTER TABLE pipeline_candidate DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
