"""The entry list's text search through the trigram index (ledger.search) finds exactly what the plain
`icontains` filter finds, stays in step with drafts that change, and is read through the index."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q

from agora.ledger import search, selectors
from agora.ledger.domain import EntryInput
from agora.ledger.models import Entry
from agora.ledger.services import entry_draft_delete, entry_draft_save, entry_post

from .builders import lines, make_books, make_party, post, sale

pytestmark = pytest.mark.django_db

TERMS = ["FA0001234", "fa0001234", "F-2026", "martin", "École", "école", "ÉCOLE", '"spécial"', "50%", "r_b",
         "Règl", "fa", "%", "VT-2026-000002", "000003", "2026", "introuvable", "  Martin  ", "Brouillon"]


@pytest.fixture
def books():
    org, user = make_books()
    make_party(org, "C001", "Client Martin")
    sale(org, user, date(2026, 3, 1), "C001", "1000.00", "200.00", "Facture F-2026-001 Martin")
    post(org, user, "BQ1", date(2026, 3, 2), "Règlement École Martin", ("5121", "100.00", 0),
         ("411", 0, "100.00", "C001"), reference="FA0001234")
    post(org, user, "OD", date(2026, 3, 3), 'Avoir "spécial" 50% r_b', ("627", "1.00", 0), ("5121", 0, "1.00"),
         reference="fa0009999")
    sale(org, user, date(2026, 3, 4), "C001", "10.00", "2.00", "ÉCOLE de musique")
    other, other_user = make_books(slug="autre")
    make_party(other, "C001", "Client Martin")
    sale(other, other_user, date(2026, 3, 1), "C001", "1.00", "0.20", "Facture F-2026-001 Martin")
    return org, user


def plain(org, term: str) -> list[int]:
    """What the entry list found before the index: the same filter, read without it."""
    term = term.strip()
    query = Q(label__icontains=term) | Q(reference__icontains=term)
    number = term.rsplit("-", 1)[-1]
    if number.isdigit():
        query |= Q(number=int(number))
    return sorted(Entry.objects.filter(organisation=org).filter(query).values_list("pk", flat=True))


def found(org, term: str) -> list[int]:
    return sorted(e.pk for e in selectors.entry_list(organisation=org, search=term))


@pytest.mark.parametrize("term", TERMS)
def test_indexed_search_finds_what_the_plain_filter_finds(books, term):
    org, _ = books
    assert found(org, term) == plain(org, term)


def test_search_results_by_hand(books):
    org, _ = books

    def numbers(term):
        return [e.display_number for e in selectors.entry_list(organisation=org, search=term)]

    assert numbers("fa0001234") == ["BQ1-2026-000001"]  # the reference, any case
    assert numbers("F-2026") == ["VT-2026-000001"]  # the other organisation's invoice stays out
    assert numbers("VT-2026-000002") == ["VT-2026-000002"]  # by number
    assert numbers('"spécial" 50%') == ["OD-2026-000001"]
    assert numbers("martin") == ["BQ1-2026-000001", "VT-2026-000001"]


def test_broad_search_reads_the_list_order_and_finds_the_same(books, monkeypatch):
    org, _ = books
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)
    for term in ("Martin", "2026", "fa0"):
        assert found(org, term) == plain(org, term)


def test_index_follows_drafts_saved_renamed_posted_and_deleted(books):
    org, user = books

    def draft_input(label, reference):
        return EntryInput(journal="OD", date=date(2026, 3, 10), label=label, reference=reference,
                          lines=lines(("627", "3.00", 0), ("5121", 0, "3.00")))

    draft = entry_draft_save(actor=user, organisation=org, data=draft_input("Brouillon Alpha", "BRALPHA"))
    assert found(org, "Brouillon Alpha") == [draft.pk]
    draft = entry_draft_save(actor=user, organisation=org, data=draft_input("Brouillon Beta", "BRBETA"),
                             entry=draft)
    assert found(org, "Brouillon Alpha") == [] and found(org, "BRALPHA") == []
    assert found(org, "Brouillon Beta") == found(org, "BRBETA") == [draft.pk]
    entry_post(actor=user, entry=draft)
    assert found(org, "Brouillon Beta") == [draft.pk]
    gone = entry_draft_save(actor=user, organisation=org, data=draft_input("Brouillon Gamma", ""))
    entry_draft_delete(actor=user, entry=gone)
    assert found(org, "Brouillon Gamma") == []
    if connection.vendor == "sqlite":  # the FTS index matches its content table row for row
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


def test_search_reads_the_index_not_the_organisation_order(books):
    """SQLite, without statistics, would rather walk entry_list_order over all the organisation's entries."""
    org, _ = books
    if connection.vendor != "sqlite":
        pytest.skip("SQLite query plan; the PostgreSQL path (ids read first) is tested below")
    queryset = selectors.entry_list(organisation=org, search="FA0001234", journal="BQ1", state="posted")
    for query in (queryset.query, queryset.order_by().values("pk").query):
        sql, params = query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "INTEGER PRIMARY KEY" in plan and "entry_list_order" not in plan, plan


def test_search_index_is_installed_after_all_migrations(db):
    """A later migration that rebuilds ledger_entry on SQLite must restore these (see ledger.search)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'entry_search_%' "
                           "OR name = %s ORDER BY name", [search.FTS_TABLE])
            assert cursor.fetchall() == [("trigger", "entry_search_delete"), ("trigger", "entry_search_insert"),
                                         ("trigger", "entry_search_update"), ("table", search.FTS_TABLE)]
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'ledger_entry' "
                           "AND indexname IN ('entry_label_trgm', 'entry_reference_trgm', 'entry_number') "
                           "ORDER BY indexname")
            assert [row[0] for row in cursor.fetchall()] == ["entry_label_trgm", "entry_number",
                                                             "entry_reference_trgm"]


@pytest.mark.parametrize("limit", [search.MAX_CANDIDATES, 1])
def test_postgresql_narrows_to_the_ids_of_the_hits_unless_the_word_is_common(books, monkeypatch, limit):
    """On PostgreSQL the hits are read first (no ORDER BY, so the trigram indexes serve), and the page is then
    read by id; above MAX_CANDIDATES hits the list order is walked instead. Same results either way."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL path (SQLite narrows through FTS5, tested above)")
    org, _ = books
    monkeypatch.setattr(search, "MAX_CANDIDATES", limit)
    scope = search.entry_scope(organisation=org, search="Martin", number=None)
    narrowed = "pk__in" in str(scope)
    assert narrowed is (limit > 1)  # "Martin" is in 2 entries of this organisation
    assert found(org, "Martin") == plain(org, "Martin")
