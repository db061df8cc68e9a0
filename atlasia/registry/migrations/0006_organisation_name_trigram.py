"""A trigram index on the organisations' names (PostgreSQL only; issue 18).

The list page's organisation filter takes a slug or part of a name (``slug = … OR name ILIKE '%…%'``), and
so does its autocomplete: without this index, PostgreSQL read the 5,000 organisations of a national
instance, upper-casing every name, twice a page (count, then page). With it, a bitmap scan of the slug
index OR the trigram index: 0.3 ms. Built in 0.3 s at 5,000 organisations. ``pg_trgm`` is a trusted
extension (the database owner may create it), shipped with PostgreSQL like ``unaccent`` (search 0002).
SQLite: nothing (a few hundred organisations at most).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "registry_org_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The expression Django writes for ``name__icontains``: UPPER("name"::text) LIKE UPPER(%s).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_organisation USING gin ((UPPER(name::text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_list_filter_visibility_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
