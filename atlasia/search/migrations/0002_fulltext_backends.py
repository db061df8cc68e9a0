"""Full-text index structures that depend on the database.

PostgreSQL: the ``unaccent`` extension, a ``french_unaccent`` text search configuration (French
Snowball stemmer after accent folding), a generated, weighted ``search_vector`` column (title A,
summary B, the rest C) and its GIN index. The database keeps the vector in step with the row.

SQLite: an FTS5 table whose rowid is the use case id and whose columns hold the terms normalised in
Python (atlasia.core.search.text), kept in sync by atlasia.search.services.document_sync.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

PG_FORWARD = [
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$;
    """,
    """
    ALTER TABLE search_usecasedocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A') ||
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(summary, '')), 'B') ||
      setweight(to_tsvector('french_unaccent'::regconfig, coalesce(body, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX search_usecasedocument_vector_gin ON search_usecasedocument USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_usecasedocument_vector_gin",
    "ALTER TABLE search_usecasedocument DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_usecase_fts USING fts5(title, summary, body, tokenize = 'unicode61')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_usecase_fts"]


class VendorSQL(migrations.operations.base.Operation):
    """Run SQL only on the named database vendors (Django's RunSQL cannot branch on the vendor)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, vendor, forward, backward):
        self.vendor, self.forward, self.backward = vendor, forward, backward

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements):
        if schema_editor.connection.vendor == self.vendor:
            for sql in statements:
                schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.forward)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.backward)

    def describe(self):
        return f"Full-text structures for {self.vendor}"


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        UnaccentExtension(),  # a no-op outside PostgreSQL
        VendorSQL("postgresql", PG_FORWARD, PG_BACKWARD),
        VendorSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
