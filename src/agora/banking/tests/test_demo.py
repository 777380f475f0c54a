"""The banking demo: monthly statements from the books' 512 lines plus bank-only movements, OFX and CAMT."""

from datetime import date
from decimal import Decimal

import pytest

from agora.banking.demo import demo_populate
from agora.banking.models import BankStatement, StatementLine
from agora.banking.selectors.statements import last_statement_balance
from agora.ledger.tests.builders import post

from .builders import bank_account, make_banking_books

pytestmark = pytest.mark.django_db


def test_demo_builds_a_statement_per_month():
    """Books: +1 200,00 on 10/01, −300,00 on 20/02. Bank: January +1 200 − 12,50 = 1 187,50; February −300 −
    12,50 = −312,50 → 875,00; March: interest is 0,25 % of the balance after the month's book movements, before
    the bank's own (875,00 × 0,0025 = 2,1875 → 2,19), so 875,00 − 12,50 + 2,19 = 864,69 on 31/03."""
    organisation, accountant, manager = make_banking_books()
    post(organisation, accountant, "BQ1", date(2026, 1, 10), "Virement client", ("5121", "1200.00", 0),
         ("706", 0, "1200.00"))
    post(organisation, accountant, "BQ1", date(2026, 2, 20), "Virement fournisseur", ("627", "300.00", 0),
         ("5121", 0, "300.00"))
    demo_populate(organisation=organisation, users={"accounting": accountant, "management": manager},
                  today=date(2026, 4, 15))
    statements = list(BankStatement.objects.filter(organisation=organisation).order_by("end_date"))
    assert [(s.format, s.end_date, s.closing_balance) for s in statements] == [
        ("ofx", date(2026, 1, 31), Decimal("1187.50")), ("camt053", date(2026, 2, 28), Decimal("875.00")),
        ("ofx", date(2026, 3, 31), Decimal("864.69"))]
    assert StatementLine.objects.filter(organisation=organisation, amount=Decimal("1200.00")).exists()
    assert last_statement_balance(bank_account(organisation)) == (Decimal("864.69"), date(2026, 3, 31))


def test_demo_is_for_companies_only():
    organisation, accountant, _ = make_banking_books(slug="assoc")
    organisation.kind = "association"
    demo_populate(organisation=organisation, users={"accounting": accountant}, today=date(2026, 4, 1))
    assert not BankStatement.objects.exists()
