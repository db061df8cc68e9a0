"""Search over the registry: French full-text (PostgreSQL text search or SQLite FTS5), semantic search
with a bundled multilingual embedding model, hybrid ranking, similar records and probable duplicates."""
