"""Property: whatever receipts and payments are tried, in any date order, the register's running balance is never
negative on any day, and a refused payment writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.cash.models import CashMovement
from agora.cash.selectors.balances import daily_moves
from agora.core.errors import BusinessError
from agora.ledger.tests.builders import make_books

from .builders import make_register, payment, receipt

pytestmark = pytest.mark.django_db

MOVES = st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=20),
                           st.integers(min_value=1, max_value=30000)), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def books(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        organisation, accountant = make_books(slug="proprietes")
        register = make_register(organisation, accountant)
        yield organisation, accountant, register
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=MOVES)
def test_cash_balance_never_goes_below_zero(books, moves):
    organisation, accountant, register = books
    with transaction.atomic():
        for is_receipt, offset, cents in moves:
            day, amount = date(2026, 3, 1) + timedelta(days=offset), f"{Decimal(cents) / 100:.2f}"
            count = CashMovement.objects.count()
            try:
                (receipt if is_receipt else payment)(register, accountant, day, amount, "580")
            except BusinessError as error:
                assert not is_receipt and error.field == "amount"
                assert CashMovement.objects.count() == count
        balance = Decimal("0")
        for _day, receipts, payments in daily_moves(organisation, register.account_id):
            balance += receipts - payments
            assert balance >= 0
        transaction.set_rollback(True)
