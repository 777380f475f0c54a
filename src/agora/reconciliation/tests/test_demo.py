"""The reconciliation demo on top of the banking demo's statements: everything the books have is linked, the
bank-only lines are booked by the saved rules except on the last statement, and the statement balances."""

from datetime import date
from decimal import Decimal

import pytest

from agora.banking.demo import demo_populate as banking_demo
from agora.banking.models import StatementLine
from agora.ledger.models import EntryLine
from agora.reconciliation.demo import demo_populate
from agora.reconciliation.models import ReconciliationRule
from agora.reconciliation.selectors.statement import reconciled_until, reconciliation_statement

from .builders import bank_entry, make_reconciliation_books

pytestmark = pytest.mark.django_db


def test_demo_reconciles_all_but_the_last_bank_only_lines():
    """January and February statements (banking demo, today 15/03): each has the books' transfers and 12,50 of
    fees at month end. January's are booked by the rule (627 = 12,50); February's stay open: − 12,50 on the
    books side at 28/02, and the adjusted balances are equal."""
    organisation, accountant, bank = make_reconciliation_books()
    bank_entry(organisation, accountant, bank, date(2026, 1, 10), "1500.00", "Virement client Martin",
               reference="VIR-0110")
    bank_entry(organisation, accountant, bank, date(2026, 2, 12), "-320.00", "Virement fournisseur Bois",
               reference="VIR-0212")
    users = {"accounting": accountant}
    banking_demo(organisation=organisation, users=users, today=date(2026, 3, 15))
    demo_populate(organisation=organisation, users=users, today=date(2026, 3, 15))

    assert ReconciliationRule.objects.filter(organisation=organisation).count() == 3
    assert not EntryLine.objects.filter(organisation=organisation, account=bank.account,
                                        bank_reconciled__isnull=True).exists()
    fees = EntryLine.objects.get(organisation=organisation, account__code="627", date=date(2026, 1, 31))
    assert fees.debit == Decimal("12.50")
    open_lines = StatementLine.objects.filter(organisation=organisation, reconciled__isnull=True)
    assert sorted(open_lines.values_list("date", "amount")) == [(date(2026, 2, 28), Decimal("-12.50"))]
    report = reconciliation_statement(bank, date(2026, 2, 28))
    assert report.books_adjustments == Decimal("-12.50") and report.balanced
    assert reconciled_until(bank) == date(2026, 2, 27)


def test_demo_skips_associations():
    organisation, accountant, _ = make_reconciliation_books(slug="jardins")
    organisation.kind = "association"
    demo_populate(organisation=organisation, users={"accounting": accountant}, today=date(2026, 3, 15))
    assert not ReconciliationRule.objects.exists()
