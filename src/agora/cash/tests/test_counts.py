"""Cash counts: denominations → total, variance posted to 658 (shortfall) or 758 (surplus), frozen once validated."""

from datetime import date
from decimal import Decimal

import pytest

from agora.cash.models import CashCount
from agora.cash.selectors.balances import register_balance
from agora.cash.services.counts import count_create, count_update, count_validate
from agora.core.errors import BusinessError
from agora.ledger.models import EntryLine
from agora.ledger.tests.builders import make_books

from .builders import make_register, payment, receipt

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    organisation, accountant = make_books()
    register = make_register(organisation, accountant)
    receipt(register, accountant, date(2026, 3, 2), "200.00", "580", "Fonds de caisse")
    receipt(register, accountant, date(2026, 3, 3), "187.45", "707", "Ventes du jour")
    payment(register, accountant, date(2026, 3, 3), "12.30", "625", "Taxi")
    return organisation, accountant, register  # book balance on 03/03: 200 + 187.45 − 12.30 = 375.15


def sheet(**changes):
    """1 × 200 + 3 × 50 + 1 × 20 + 2 × 2 + 1 × 0.50 + 3 × 0.20 + 1 × 0.05 = 375.15."""
    quantities = {"200": 1, "50": 3, "20": 1, "2": 2, "0.50": 1, "0.20": 3, "0.05": 1, **changes}
    return {"date": date(2026, 3, 3), "counter_name": "Julien Garcia", "quantities": quantities}


def test_count_total_is_quantities_times_face_values(books):
    organisation, accountant, register = books
    count = count_create(actor=accountant, register=register, data=sheet())
    assert count.counted_total == D("375.15")
    assert {line.denomination: line.quantity for line in count.lines.all() if line.quantity} == {
        D("200"): 1, D("50"): 3, D("20"): 1, D("2"): 2, D("0.50"): 1, D("0.20"): 3, D("0.05"): 1}
    assert count.lines.count() == 15  # every note and coin is on the sheet


def test_exact_count_posts_nothing(books):
    organisation, accountant, register = books
    count = count_validate(actor=accountant, count=count_create(actor=accountant, register=register, data=sheet()))
    assert (count.state, count.book_balance, count.variance, count.entry) == ("validated", D("375.15"), D("0"), None)


def test_shortfall_is_posted_658_against_530(books):
    """One 20 € note missing: counted 355.15, book 375.15, variance −20.00 → 658 debit 20 / 530 credit 20."""
    organisation, accountant, register = books
    count = count_validate(actor=accountant, count=count_create(actor=accountant, register=register,
                                                                data=sheet(**{"20": 0})))
    assert count.variance == D("-20.00")
    lines = [(line.account.code, line.debit, line.credit) for line in EntryLine.objects.filter(
        entry=count.entry).select_related("account").order_by("line_no")]
    assert lines == [("658", D("20.00"), D("0.00")), ("530", D("0.00"), D("20.00"))]
    assert register_balance(register, date(2026, 3, 3)) == D("355.15")


def test_surplus_is_posted_530_against_758(books):
    """Two extra 0.02 € coins: counted 375.19, variance +0.04 → 530 debit 0.04 / 758 credit 0.04."""
    organisation, accountant, register = books
    count = count_validate(actor=accountant, count=count_create(actor=accountant, register=register,
                                                                data=sheet(**{"0.02": 2})))
    lines = [(line.account.code, line.debit, line.credit) for line in EntryLine.objects.filter(
        entry=count.entry).select_related("account").order_by("line_no")]
    assert lines == [("530", D("0.04"), D("0.00")), ("758", D("0.00"), D("0.04"))]


def test_validated_count_is_frozen_and_bad_sheets_are_refused(books):
    organisation, accountant, register = books
    count = count_validate(actor=accountant, count=count_create(actor=accountant, register=register, data=sheet()))
    with pytest.raises(BusinessError) as error:
        count_update(actor=accountant, count=count, data=sheet(**{"20": 5}))
    assert error.value.code == "count_validated"
    with pytest.raises(BusinessError) as error:
        count_validate(actor=accountant, count=count)
    assert error.value.code == "count_validated"
    for bad, field in (({"3": 1}, "lines"), ({"20": -1}, "q_20"), ({"20": "deux"}, "q_20")):
        with pytest.raises(BusinessError) as error:
            count_create(actor=accountant, register=register, data=sheet(**bad))
        assert error.value.field == field
    with pytest.raises(BusinessError) as error:
        count_create(actor=accountant, register=register, data={**sheet(), "counter_name": " "})
    assert error.value.field == "counter_name"
    assert CashCount.objects.count() == 1
