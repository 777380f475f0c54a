"""The cash position at a date on a tiny set of entries."""

from datetime import date
from decimal import Decimal

import pytest

from agora.cash.selectors.balances import cash_position
from agora.ledger.tests.builders import post
from agora.treasury.tests.builders import make_treasury_books

from .builders import make_register, receipt

pytestmark = pytest.mark.django_db
D = Decimal


def test_position_at_a_date_per_bank_register_and_transit():
    """5121: +5 000 (02/03) − 1 200 (10/03) − 300 to 580 (15/03). Cash 530: +300 from 580 on 16/03, +50 sale
    on 20/03. On 15/03: bank 3 500, cash 0, transit 580 +300 → total 3 800. On 20/03: bank 3 500, cash 350,
    transit 0 → total 3 850 (the sale). On 01/03: nothing."""
    organisation, accountant, _manager = make_treasury_books()
    register = make_register(organisation, accountant)
    post(organisation, accountant, "BQ1", date(2026, 3, 2), "Apport", ("5121", "5000.00", 0), ("101", 0, "5000.00"))
    post(organisation, accountant, "BQ1", date(2026, 3, 10), "Loyer", ("6132", "1200.00", 0),
         ("5121", 0, "1200.00"))
    post(organisation, accountant, "BQ1", date(2026, 3, 15), "Retrait pour la caisse", ("580", "300.00", 0),
         ("5121", 0, "300.00"))
    receipt(register, accountant, date(2026, 3, 16), "300.00", "580", "Retrait reçu en caisse")
    receipt(register, accountant, date(2026, 3, 20), "50.00", "707", "Vente comptoir")

    on_15 = cash_position(organisation, date(2026, 3, 15))
    assert [(r.kind, r.account_code, r.balance) for r in on_15.rows] == [
        ("bank", "5121", D("3500.00")), ("cash", "530", D("0.00")), ("transit", "580", D("300.00"))]
    assert on_15.total == D("3800.00") and on_15.total_of("bank") == D("3500.00")
    on_20 = cash_position(organisation, date(2026, 3, 20))
    assert [(r.kind, r.balance) for r in on_20.rows] == [("bank", D("3500.00")), ("cash", D("350.00"))]
    assert on_20.total == D("3850.00")
    assert cash_position(organisation, date(2026, 3, 1)).total == D("0.00")
