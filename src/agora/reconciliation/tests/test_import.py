"""A statement imported through the banking importer (OFX written by its writer) is proposed and reconciled like
any other: the cheque by its number, the transfer by amount and date."""

from datetime import date
from decimal import Decimal

import pytest

from agora.banking.parsers.common import ParsedLine
from agora.banking.services.statements import statement_import
from agora.banking.writers import ofx_file
from agora.reconciliation.selectors.proposals import proposals_for
from agora.reconciliation.selectors.statement import reconciliation_statement
from agora.reconciliation.services.proposals import proposals_accept_all

from .builders import bank_entry, make_reconciliation_books

pytestmark = pytest.mark.django_db


def test_imported_ofx_statement_is_reconciled():
    """Books: cheque −250,00 (n° 1234567) on 03/03, transfer received +1 000,00 on 10/03. Statement (OFX,
    closing 750,00): the cheque on 06/03, the transfer on 11/03. Both proposed and accepted; at 31/03 per
    books 750,00 = per bank 750,00, nothing pending."""
    organisation, accountant, bank = make_reconciliation_books()
    bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567", reference="1234567")
    bank_entry(organisation, accountant, bank, date(2026, 3, 10), "1000.00", "Virement reçu Martin")
    content = ofx_file(iban=bank.iban, start=date(2026, 3, 1), end=date(2026, 3, 31),
                       closing_balance=Decimal("750.00"), lines=[
                           ParsedLine(date=date(2026, 3, 6), amount=Decimal("-250.00"), label="CHEQUE 1234567",
                                      reference="C1"),
                           ParsedLine(date=date(2026, 3, 11), amount=Decimal("1000.00"), label="VIR SEPA MARTIN",
                                      reference="V1")])
    assert statement_import(actor=accountant, organisation=organisation, bank_account=bank, content=content,
                            filename="mars.ofx").imported == 2
    assert sorted(p.reason for p in proposals_for(bank_account=bank).values()) == ["amount_date", "reference"]
    assert proposals_accept_all(actor=accountant, bank_account=bank)["entry"] == 2
    report = reconciliation_statement(bank, date(2026, 3, 31))
    assert (report.books_balance, report.bank_balance) == (Decimal("750.00"), Decimal("750.00"))
    assert report.bank_unbooked == [] and report.books_unbanked == [] and report.balanced
