"""Posting, reversal and the guards around posted entries, with hand-worked figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Entry, EntryLine, PostedEntryError
from agora.ledger.services import entries_post, entry_draft_save, entry_post, entry_reverse, period_set_state

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db


def test_posting_numbers_hashes_and_audits():
    org, user = make_books()
    make_party(org, "C001")
    # Invoice 1 200,00 TTC = 1 000,00 HT + 200,00 TVA 20 %.
    first = sale(org, user, date(2026, 3, 5), "C001", "1000.00", "200.00")
    second = post(org, user, "VT", date(2026, 3, 2), "Facture 2", ("411", "60.00", 0, "C001"), ("706", 0, "50.00"),
                  ("44571", 0, "10.00"))
    assert (first.number, second.number) == (1, 2)
    assert first.display_number == "VT-2026-000001"
    assert second.previous_hash == first.hash and len(first.hash) == 64
    assert first.state == Entry.Status.POSTED and first.posted_by == user
    assert list(first.lines.values_list("account__code", "debit", "credit")) == [
        ("411", Decimal("1200.00"), Decimal("0.00")), ("706", Decimal("0.00"), Decimal("1000.00")),
        ("44571", Decimal("0.00"), Decimal("200.00"))]
    assert AuditEvent.objects.filter(action="entry.post", object_id=str(first.pk)).exists()


def test_numbering_is_per_journal_and_fiscal_year():
    org, user = make_books()
    post(org, user, "OD", date(2026, 1, 10), "A", ("627", 10, 0), ("5121", 0, 10))
    bank = post(org, user, "BQ1", date(2026, 1, 10), "B", ("627", 10, 0), ("5121", 0, 10))
    assert bank.number == 1


def test_reversal_swaps_debits_and_credits():
    org, user = make_books()
    entry = post(org, user, "OD", date(2026, 2, 1), "Frais", ("627", "12.50", 0), ("5121", 0, "12.50"))
    reversal = entry_reverse(actor=user, entry=entry, on=date(2026, 2, 3))
    assert reversal.reversal_of_id == entry.pk and reversal.number == 2
    assert list(reversal.lines.values_list("account__code", "debit", "credit")) == [
        ("627", Decimal("0.00"), Decimal("12.50")), ("5121", Decimal("12.50"), Decimal("0.00"))]
    with pytest.raises(BusinessError, match="déjà extournée"):
        entry_reverse(actor=user, entry=entry)


@pytest.mark.parametrize(("rows", "field", "message"), [
    ((("627", "10.00", 0), ("5121", 0, "9.99")), "lines", "déséquilibrée"),
    ((("999", "10.00", 0), ("5121", 0, "10.00")), "lines.1.account", "compte inconnu"),
    ((("627", "10.00", "10.00"), ("5121", 0, "10.00")), "lines.1.credit", "pas les deux"),
    ((("627", "-10.00", 0), ("5121", 0, "-10.00")), "lines.1.debit", "positifs"),
    ((("627", "1O,00", 0), ("5121", 0, "10.00")), "lines.1.debit", "illisible"),
    ((("411", "10.00", 0), ("706", 0, "10.00")), "lines.1.party", "exige un tiers"),
])
def test_invalid_entries_are_refused_whole(rows, field, message):
    org, user = make_books()
    good = EntryInput(journal="OD", date=date(2026, 1, 5), label="ok",
                      lines=[LineInput("627", Decimal(1), Decimal(0)), LineInput("5121", Decimal(0), Decimal(1))])
    bad = EntryInput(journal="OD", date=date(2026, 1, 5), label="bad",
                     lines=[LineInput(account=a, debit=d, credit=c) for a, d, c in rows])
    with pytest.raises(BusinessError) as caught:
        entries_post(actor=user, organisation=org, entries=[good, bad])
    assert caught.value.field == field and message in caught.value.message
    assert not Entry.objects.exists() and not EntryLine.objects.exists()


def test_closed_period_refuses_postings():
    org, user = make_books()
    from agora.ledger.models import Period
    january = Period.objects.get(organisation=org, start_date=date(2026, 1, 1))
    period_set_state(actor=user, period=january, state="closed")
    with pytest.raises(BusinessError, match="période 01/2026 est clôturée"):
        post(org, user, "OD", date(2026, 1, 31), "Trop tard", ("627", 1, 0), ("5121", 0, 1))
    with pytest.raises(BusinessError, match="Aucun exercice"):
        post(org, user, "OD", date(2030, 1, 1), "Hors exercice", ("627", 1, 0), ("5121", 0, 1))


def test_draft_then_post_and_posted_is_frozen():
    org, user = make_books()
    draft = entry_draft_save(actor=user, organisation=org, data=EntryInput(
        journal="OD", date=date(2026, 4, 1), label="Loyer", lines=[LineInput("6132", Decimal("800"), Decimal(0))]))
    assert draft.number is None
    with pytest.raises(BusinessError, match="au moins deux lignes"):
        entry_post(actor=user, entry=draft)
    draft = entry_draft_save(actor=user, organisation=org, entry=draft, data=EntryInput(
        journal="OD", date=date(2026, 4, 1), label="Loyer", lines=[
            LineInput("6132", Decimal("800"), Decimal(0)), LineInput("5121", Decimal(0), Decimal("800"))]))
    posted = entry_post(actor=user, entry=draft)
    assert posted.number == 1 and EntryLine.objects.filter(entry=posted, posted=True).count() == 2
    posted.refresh_from_db()
    posted.label = "changé"
    with pytest.raises(PostedEntryError):
        posted.save()
    with pytest.raises(PostedEntryError):
        posted.lines.first().delete()


def test_database_triggers_refuse_raw_sql_changes():
    org, user = make_books()
    entry = post(org, user, "OD", date(2026, 2, 1), "Frais", ("627", "12.50", 0), ("5121", 0, "12.50"))
    line_id = entry.lines.first().pk
    for sql in (f"UPDATE ledger_entryline SET debit = 99 WHERE id = {line_id}",
                f"DELETE FROM ledger_entryline WHERE id = {line_id}",
                f"UPDATE ledger_entry SET label = 'x' WHERE id = {entry.pk}",
                f"DELETE FROM ledger_entry WHERE id = {entry.pk}"):
        with pytest.raises(IntegrityError, match="inaltérabilité"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert entry.lines.get(pk=line_id).debit == Decimal("12.50")
