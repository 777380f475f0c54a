"""Entry text search ("label or reference contains …") through an index, so a million-line ledger answers at once.

A `LIKE '%…%'` cannot seek a B-tree index: without help the entry list's search reads every entry twice (the
page and its count). Each database gets a trigram index that finds the few entries holding the text:

- SQLite: an FTS5 table with the trigram tokenizer over (label, reference), external content (it stores only
  the index, not a copy of the text), kept in step by triggers on ledger_entry;
- PostgreSQL: pg_trgm GIN indexes on UPPER(label) and UPPER(reference), the very expressions Django writes for
  `icontains`, and a B-tree on (organisation, number), combined in a BitmapOr by a first query with no ORDER BY
  that reads the hits' ids (`_postgres_scope`); the page is then read by id.

On both the index only narrows the rows (`entry_scope`); the entry list still applies Django's own
`icontains` filter to them, so results are exactly those of the unindexed query. Texts shorter than three
characters hold no trigram: they keep the plain scan. Installed by migration 0005; a migration that rebuilds
ledger_entry on SQLite (Django copies the table) must lift and restore these triggers as 0003 does for the
immutability ones (`test_search.py` checks they exist after all migrations).
"""

from django.db import connection
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact

from .models import Entry, FiscalYear, Journal

MIN_LENGTH = 3  # a trigram index finds nothing shorter
# Above this many index hits, reading the entries in list order and testing each costs less (the page stops
# after 50 matches) than fetching and sorting every hit.
MAX_CANDIDATES = 5000
FTS_TABLE = "ledger_entry_search"

SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(label, reference, content='ledger_entry', "
    f"content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS entry_search_insert AFTER INSERT ON ledger_entry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, label, reference) VALUES (NEW.id, NEW.label, NEW.reference); END""",
    f"""CREATE TRIGGER IF NOT EXISTS entry_search_delete AFTER DELETE ON ledger_entry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, label, reference)
        VALUES ('delete', OLD.id, OLD.label, OLD.reference); END""",
    f"""CREATE TRIGGER IF NOT EXISTS entry_search_update AFTER UPDATE OF label, reference ON ledger_entry
        BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, label, reference)
        VALUES ('delete', OLD.id, OLD.label, OLD.reference);
        INSERT INTO {FTS_TABLE}(rowid, label, reference) VALUES (NEW.id, NEW.label, NEW.reference); END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # entries posted before the index existed
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS entry_search_insert",
    "DROP TRIGGER IF EXISTS entry_search_delete",
    "DROP TRIGGER IF EXISTS entry_search_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS entry_label_trgm ON ledger_entry USING gin ((UPPER(label::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS entry_reference_trgm ON ledger_entry "
    "USING gin ((UPPER(reference::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS entry_number ON ledger_entry (organisation_id, number)",
]
POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS entry_label_trgm",
    "DROP INDEX IF EXISTS entry_reference_trgm",
    "DROP INDEX IF EXISTS entry_number",
]


def install(schema_editor) -> None:
    for sql in {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    for sql in {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL}.get(schema_editor.connection.vendor,
                                                                                  []):
        schema_editor.execute(sql)


class _Likely(Func):
    """SQLite's likely(X): X, flagged as nearly always true, which steers the planner off an index on X."""

    function = "likely"
    output_field = BooleanField()


def entry_scope(*, organisation, search: str, number: int | None) -> Q:
    """The organisation's entries; on SQLite, narrowed through the trigram index to a superset of those whose
    label or reference contains `search` (plus those numbered `number`) when the index can help.

    The caller still filters with `icontains` (and the number): this only decides which rows get read.
    On SQLite without statistics the planner would rather walk the organisation's index (it guesses ten rows
    per organisation) and test each of a million entries against the candidates, so the organisation test is
    wrapped in likely(): the candidates then come first, each fetched by its id.
    """
    if len(search) < MIN_LENGTH:
        return Q(organisation=organisation)
    if connection.vendor == "postgresql":
        return _postgres_scope(organisation=organisation, search=search, number=number)
    if connection.vendor != "sqlite":
        return Q(organisation=organisation)
    # Trigram FTS5 folds case at least as widely as LIKE: every LIKE match is among its rows.
    match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    phrase = '"' + search.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({match} LIMIT %s)", [phrase, MAX_CANDIDATES + 1])
        if cursor.fetchone()[0] > MAX_CANDIDATES:
            return Q(organisation=organisation)
    indexed = RawSQL(match, [phrase])  # noqa: S611 (constant SQL, the text goes as a parameter)
    candidates = Entry.objects.filter(pk__in=indexed).order_by().values("pk")
    if number is not None:
        # (organisation, journal, year, number) is unique, hence indexed: one seek per journal and year.
        candidates = candidates.union(Entry.objects.filter(
            organisation=organisation, number=number,
            journal__in=Journal.objects.filter(organisation=organisation).values("pk"),
            fiscal_year__in=FiscalYear.objects.filter(organisation=organisation).values("pk"),
        ).order_by().values("pk"), all=True)
    return Q(_Likely(Exact(F("organisation_id"), organisation.pk))) & Q(pk__in=candidates)


def _postgres_scope(*, organisation, search: str, number: int | None) -> Q:
    """The ids of the entries holding `search`, read first by a query with no ORDER BY: PostgreSQL then takes
    its trigram indexes (a BitmapOr). Left to plan the page itself, with a small LIMIT and the list's order, it
    walks the list-order index and filters a million rows one by one (the LIMIT trap). Above MAX_CANDIDATES
    hits (a common word), walking the list order is the right plan: no narrowing then."""
    query = Q(label__icontains=search) | Q(reference__icontains=search)
    if number is not None:
        query |= Q(number=number)
    ids = list(Entry.objects.filter(query, organisation=organisation).order_by()
               .values_list("pk", flat=True)[:MAX_CANDIDATES + 1])
    if len(ids) > MAX_CANDIDATES:
        return Q(organisation=organisation)
    # An empty list would let Django skip the page's queries altogether: 0 names no entry and keeps them.
    return Q(organisation=organisation, pk__in=ids or [0])
