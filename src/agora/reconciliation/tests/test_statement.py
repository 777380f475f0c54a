"""The bank reconciliation statement, hand-worked as a textbook exercise, and `reconciled_until`."""

from datetime import date
from decimal import Decimal

import pytest

from agora.ledger.services import fiscal_year_create
from agora.ledger.tests.builders import post
from agora.reconciliation.selectors.books import entry_lines_open
from agora.reconciliation.selectors.statement import reconciled_until, reconciliation_statement
from agora.reconciliation.services.reconcile import reconciliation_create

from .builders import bank_entry, make_reconciliation_books, make_statement, statement_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def march():
    """Books (512) in March: 01/03 capital +5 000,00; 10/03 cheque n° 1234567 −1 200,00; 28/03 cheques deposited
    +850,00; 30/03 cheque n° 1234568 −430,00. Bank statement of March (opening 0,00): 01/03 +5 000,00; 14/03
    −1 200,00 (CHQ 1234567); 25/03 transfer received +300,00; 31/03 fees −18,40; 31/03 interest +2,15. The April
    statement credits the deposit (+850,00) on 02/04. Capital and the first cheque are reconciled in March, the
    deposit in April."""
    organisation, accountant, bank = make_reconciliation_books()
    books = {
        "capital": bank_entry(organisation, accountant, bank, date(2026, 3, 1), "5000.00", "Apport en capital",
                              account="101"),
        "cheque1": bank_entry(organisation, accountant, bank, date(2026, 3, 10), "-1200.00",
                              "Chèque n° 1234567 Bois", reference="1234567"),
        "deposit": bank_entry(organisation, accountant, bank, date(2026, 3, 28), "850.00", "Remise de chèques"),
        "cheque2": bank_entry(organisation, accountant, bank, date(2026, 3, 30), "-430.00",
                              "Chèque n° 1234568 Papeterie", reference="1234568"),
    }
    first = make_statement(bank, opening="0.00", start=date(2026, 3, 1), end=date(2026, 3, 31), lines=[
        (date(2026, 3, 1), "5000.00", "VIREMENT APPORT"), (date(2026, 3, 14), "-1200.00", "CHQ 1234567"),
        (date(2026, 3, 25), "300.00", "VIR RECU DUPONT"), (date(2026, 3, 31), "-18.40", "FRAIS TENUE DE COMPTE"),
        (date(2026, 3, 31), "2.15", "INTERETS CREDITEURS")])
    april = make_statement(bank, opening="4083.75", start=date(2026, 4, 1), end=date(2026, 4, 30), reference="R2",
                           lines=[(date(2026, 4, 2), "850.00", "REMISE CHEQUES")])
    for label, key, statement in (("VIREMENT APPORT", "capital", first), ("CHQ 1234567", "cheque1", first),
                                  ("REMISE CHEQUES", "deposit", april)):
        reconciliation_create(actor=accountant, bank_account=bank,
                              statement_line_ids=[statement_line(statement, label).pk],
                              entry_line_ids=[books[key].pk])
    return organisation, accountant, bank, books


def test_textbook_statement_at_month_end(march):
    """Per books 5 000 − 1 200 + 850 − 430 = 4 220,00; per bank 5 000 − 1 200 + 300 − 18,40 + 2,15 = 4 083,75.
    Books side: + 300,00 + 2,15 − 18,40 = + 283,75 → 4 503,75. Bank side: the deposit reconciled only in April
    (+ 850,00) and the cheque not cashed (− 430,00) = + 420,00 → 4 503,75. Equal."""
    _, _, bank, books = march
    report = reconciliation_statement(bank, date(2026, 3, 31))
    assert report.books_balance == Decimal("4220.00")
    assert report.bank_balance == Decimal("4083.75")
    assert [(line.label, line.amount) for line in report.bank_unbooked] == [
        ("VIR RECU DUPONT", Decimal("300.00")), ("FRAIS TENUE DE COMPTE", Decimal("-18.40")),
        ("INTERETS CREDITEURS", Decimal("2.15"))]
    assert [(line.pk, line.amount) for line in report.books_unbanked] == [
        (books["deposit"].pk, Decimal("850.00")), (books["cheque2"].pk, Decimal("-430.00"))]
    assert report.books_adjusted == report.bank_adjusted == Decimal("4503.75")
    assert report.balanced


def test_statement_in_april_once_the_deposit_is_credited(march):
    """At 30/04: per books still 4 220,00 (nothing posted in April); per bank 4 083,75 + 850,00 = 4 933,75; the
    deposit is no longer pending: books + 283,75 = 4 503,75, bank − 430,00 = 4 503,75."""
    _, _, bank, _ = march
    report = reconciliation_statement(bank, date(2026, 4, 30))
    assert report.bank_balance == Decimal("4933.75")
    assert [line.amount for line in report.books_unbanked] == [Decimal("-430.00")]
    assert report.books_adjusted == report.bank_adjusted == Decimal("4503.75")


def test_reconciled_until_is_the_day_before_the_oldest_open_line(march):
    """Still open: the transfer received on 25/03, fees and interest of 31/03 (bank), the cheque of 30/03
    (books); the oldest is 25/03, so everything is reconciled up to 24/03."""
    _, _, bank, _ = march
    assert reconciled_until(bank) == date(2026, 3, 24)


def test_reconciled_until_without_statement_is_none():
    _, _, bank = make_reconciliation_books(slug="vide")
    assert reconciled_until(bank) is None


def test_books_balance_reads_the_year_from_its_opening_entry(march):
    """A 2027 opening entry (à-nouveaux) of 4 220,00 on 512 and a 2027 fee of 10,00: the balance at 31/01/2027
    is 4 220,00 − 10,00 = 4 210,00 (the 2026 lines are inside the à-nouveaux, not added twice), and the
    à-nouveaux is never an item to reconcile."""
    organisation, accountant, bank, _ = march
    fiscal_year_create(actor=accountant, organisation=organisation)
    post(organisation, accountant, "AN", date(2027, 1, 1), "À-nouveaux", ("5121", "4220.00", 0), ("110", 0, "4220.00"))
    bank_entry(organisation, accountant, bank, date(2027, 1, 15), "-10.00", "Frais", account="627")
    report = reconciliation_statement(bank, date(2027, 1, 31))
    assert report.books_balance == Decimal("4210.00")
    assert all(line.date != date(2027, 1, 1) for line in report.books_unbanked)


def test_lines_of_years_before_the_first_statement_are_history():
    """The first statement is of February 2027: a 512 line of 2026 is neither pending nor proposed (the 2027
    à-nouveaux carry it); a January 2027 line still is (a cheque cashed in February)."""
    organisation, accountant, bank = make_reconciliation_books(slug="histoire")
    fiscal_year_create(actor=accountant, organisation=organisation)
    old = bank_entry(organisation, accountant, bank, date(2026, 12, 10), "-99.00", "Ancien chèque")
    january = bank_entry(organisation, accountant, bank, date(2027, 1, 26), "-45.00", "Chèque de janvier")
    make_statement(bank, lines=[(date(2027, 2, 3), "-45.00", "CHEQUE JANVIER")], start=date(2027, 2, 1))
    pending = [line.pk for line in reconciliation_statement(bank, date(2027, 1, 31)).books_unbanked]
    assert old.pk not in pending and january.pk in pending
    assert list(entry_lines_open(bank_account=bank).filter(pk__in=[old.pk, january.pk])) == [january]
