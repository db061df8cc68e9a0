# The candidate scan's own narrow table (PostgreSQL only): ``search_signature`` holds, for every embedding
# row with a signature, what the scan reads (record, model, the 1,152-bit signature, its two factors and
# the scope copies), about 300 bytes a row, and nothing else; triggers on ``search_usecaseembedding`` keep
# it in step with every insert, update, delete, COPY and TRUNCATE, whoever writes (services, bulk
# updates, the benchmark's generator), as the database keeps the documents' tsvector in step.
#
# Why: the embedding rows hold a 1.5 kB float vector inline (PostgreSQL moves values out of line only from
# 2 kB rows), so the scan read a covering index instead, and an index-only scan costs about three times a
# sequential scan per row (100,000 rows: 20 ms against 6 ms before any distance is computed). A parallel
# sequential scan of this table took the candidate query from 32-34 to 23-25 ms p50 at 100,000 records
# (benchmarks/README.md). The fixed-width columns come first, then the signature, then the variable-width
# ones: the signature is read at a fixed offset instead of after the model's name (about 1 ms a scan).
# The covering index it replaces is dropped. (A 384-bit prefix of the signature as a cheaper first
# filter kept the same recall but saved only 1 ms: the wider row costs almost what the filter saves.)
#
# SQLite (the embedded demo) searches in-process and has no such table.

from django.db import migrations, models

FORWARD = [
    """
    CREATE TABLE search_signature (
        embedding_id bigint PRIMARY KEY,
        use_case_id bigint NOT NULL,
        signature_scale double precision NOT NULL,
        signature_offset double precision NOT NULL,
        scope_organisation bigint,
        signature bit(1152) NOT NULL,
        scope_level varchar(20) NOT NULL DEFAULT '',
        model_name varchar(100) NOT NULL
    )
    """,
    "CREATE INDEX search_signature_record ON search_signature (model_name, use_case_id)",
    """
    CREATE FUNCTION search_signature_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM search_signature WHERE embedding_id = OLD.id;
      ELSIF NEW.signature IS NULL OR NEW.signature_scale IS NULL OR NEW.signature_offset IS NULL THEN
        DELETE FROM search_signature WHERE embedding_id = NEW.id;
      ELSE
        INSERT INTO search_signature (embedding_id, use_case_id, model_name, signature, signature_scale,
                                      signature_offset, scope_organisation, scope_level)
        VALUES (NEW.id, NEW.use_case_id, NEW.model_name, NEW.signature, NEW.signature_scale,
                NEW.signature_offset, NEW.scope_organisation, coalesce(NEW.scope_level, ''))
        ON CONFLICT (embedding_id) DO UPDATE SET
          use_case_id = EXCLUDED.use_case_id, model_name = EXCLUDED.model_name,
          signature = EXCLUDED.signature, signature_scale = EXCLUDED.signature_scale,
          signature_offset = EXCLUDED.signature_offset,
          scope_organisation = EXCLUDED.scope_organisation, scope_level = EXCLUDED.scope_level;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_signature_sync
    AFTER INSERT OR DELETE OR UPDATE OF use_case_id, model_name, signature, signature_scale,
      signature_offset, scope_organisation, scope_level
    ON search_usecaseembedding FOR EACH ROW EXECUTE FUNCTION search_signature_sync()
    """,
    """
    CREATE FUNCTION search_signature_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE search_signature;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_signature_truncate AFTER TRUNCATE ON search_usecaseembedding
    FOR EACH STATEMENT EXECUTE FUNCTION search_signature_truncate()
    """,
    """
    INSERT INTO search_signature (embedding_id, use_case_id, model_name, signature, signature_scale,
                                  signature_offset, scope_organisation, scope_level)
    SELECT id, use_case_id, model_name, signature, signature_scale, signature_offset, scope_organisation,
           coalesce(scope_level, '')
    FROM search_usecaseembedding
    WHERE signature IS NOT NULL AND signature_scale IS NOT NULL AND signature_offset IS NOT NULL
    """,
    "ANALYZE search_signature",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_signature_truncate ON search_usecaseembedding",
    "DROP TRIGGER IF EXISTS search_signature_sync ON search_usecaseembedding",
    "DROP FUNCTION IF EXISTS search_signature_truncate()",
    "DROP FUNCTION IF EXISTS search_signature_sync()",
    "DROP TABLE IF EXISTS search_signature",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0006_signature_index"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveIndex(model_name="usecaseembedding", name="search_embedding_signature"),
    ]
