"""Indexes for the document list's text search (selectors.documents._text_search), kept out of the models'
Meta on purpose: raw SQL per database.

- Both: a partial index of the customer references (only documents that have one, usually few), whose WHERE
  clause is the one Django writes for `.exclude(customer_reference="")`, so that the planners scan it alone.
  The numbers need nothing more on SQLite: the unique (partial) number index is scanned alone.
- PostgreSQL: pg_trgm GIN indexes on UPPER(number) and UPPER(customer_reference), the very expressions Django
  writes for `icontains`, so that a few matching documents are found without reading the others.
"""

from django.db import migrations

BOTH = [
    ('CREATE INDEX IF NOT EXISTS "sales_document_reference_search" ON "sales_salesdocument" '
     '("organisation_id", "kind", "customer_reference") WHERE NOT ("customer_reference" = \'\')',
     'DROP INDEX IF EXISTS "sales_document_reference_search"'),
]
POSTGRES = [
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm", None),
    ("CREATE INDEX IF NOT EXISTS sales_document_number_trgm ON sales_salesdocument "
     "USING gin ((UPPER(number::text)) gin_trgm_ops)", "DROP INDEX IF EXISTS sales_document_number_trgm"),
    ("CREATE INDEX IF NOT EXISTS sales_document_reference_trgm ON sales_salesdocument "
     "USING gin ((UPPER(customer_reference::text)) gin_trgm_ops)",
     "DROP INDEX IF EXISTS sales_document_reference_trgm"),
]


def _statements(schema_editor) -> list[tuple[str, str | None]]:
    return BOTH + (POSTGRES if schema_editor.connection.vendor == "postgresql" else [])


def install(apps, schema_editor):
    for create, _drop in _statements(schema_editor):
        schema_editor.execute(create)


def uninstall(apps, schema_editor):
    for _create, drop in reversed(_statements(schema_editor)):
        if drop:
            schema_editor.execute(drop)


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0002_credit_kind_list_index"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
