"""The cash demo on builder books: the company's register month by month, the association's counts."""

from datetime import date
from decimal import Decimal

import pytest

from agora.cash.demo import demo_populate
from agora.cash.models import CashCount, CashMovement, RecurringItem
from agora.cash.selectors.balances import register_balance
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.treasury.tests.builders import make_treasury_books

pytestmark = pytest.mark.django_db


def test_company_demo():
    organisation, accountant, manager = make_treasury_books()
    seller = grant(make_user("ventes"), organisation, "sales")
    demo_populate(organisation=organisation, users={"accounting": accountant, "sales": seller}, today=date(2026, 4, 10))
    counts = list(CashCount.objects.filter(organisation=organisation).order_by("date"))
    assert [c.date for c in counts] == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 31)]
    assert [c.variance for c in counts] == [Decimal("0"), Decimal("0"), Decimal("-2.50")]
    assert all(c.state == "validated" for c in counts)
    register = counts[0].register
    assert register_balance(register, date(2026, 3, 31)) == Decimal("200.00")  # takings paid in at month end
    assert CashMovement.objects.filter(register=register, date__gt=date(2026, 3, 31)).count() == 2  # 6 and 9 April
    assert RecurringItem.objects.filter(organisation=organisation).count() == 5


def test_association_demo_counts_the_register_it_already_uses():
    organisation, accountant = make_books(slug="jardins", kind="association")
    demo_populate(organisation=organisation, users={"accounting": accountant}, today=date(2026, 11, 30))
    assert CashCount.objects.filter(organisation=organisation, state="validated").count() == 3
    assert CashCount.objects.filter(organisation=organisation).first().register.journal.code == "CA"
