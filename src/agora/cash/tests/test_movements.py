"""Cash receipts and payments: the entries posted, the balance that never goes below zero, the 1,000 € rule."""

from datetime import date
from decimal import Decimal

import pytest

from agora.cash.models import CashMovement
from agora.cash.selectors.balances import cash_book, register_balance
from agora.cash.services.movements import movement_cancel
from agora.core.errors import BusinessError
from agora.ledger.models import EntryLine
from agora.ledger.tests.builders import make_books, make_party

from .builders import make_register, payment, receipt

pytestmark = pytest.mark.django_db
D = Decimal


def lines_of(entry):
    return [(line.account.code, line.debit, line.credit, line.tax_role, line.vat_box)
            for line in EntryLine.objects.filter(entry=entry).select_related("account").order_by("line_no")]


@pytest.fixture
def books():
    organisation, accountant = make_books()
    return organisation, accountant, make_register(organisation, accountant)


def test_first_register_takes_ca_and_530_the_second_ca2_and_5302(books):
    organisation, accountant, register = books
    second = make_register(organisation, accountant, "Caisse de la buvette")
    assert (register.journal.code, register.account.code) == ("CA", "530")
    assert (second.journal.code, second.account.code) == ("CA2", "5302")
    with pytest.raises(BusinessError) as error:
        make_register(organisation, accountant, "Caisse de la buvette")
    assert error.value.field == "label"


def test_payment_with_vat_posts_charge_input_vat_and_530(books):
    """Office supplies 60.00 TTC at 20 %: VAT = 60 × 20 / 120 = 10.00, charge 50.00 (6064), 44566 box 20."""
    organisation, accountant, register = books
    receipt(register, accountant, date(2026, 3, 2), "200.00", "580", "Fonds de caisse")
    movement = payment(register, accountant, date(2026, 3, 3), "60.00", "6064", "Ramettes de papier",
                       vat_rate="20")
    assert movement.vat_amount == D("10.00")
    assert lines_of(movement.entry) == [("6064", D("50.00"), D("0.00"), "base", "20"),
                                        ("44566", D("10.00"), D("0.00"), "input_vat", "20"),
                                        ("530", D("0.00"), D("60.00"), "", "")]
    assert movement.entry.journal.code == "CA"
    assert register_balance(register, date(2026, 3, 3)) == D("140.00")


def test_cash_sale_with_vat_posts_output_vat_in_the_rate_box(books):
    """A cash sale of 110.00 TTC at 10 %: VAT = 110 × 10 / 110 = 10.00 on 44571 box 9B, 100.00 to 707."""
    organisation, accountant, register = books
    movement = receipt(register, accountant, date(2026, 3, 4), "110.00", "707", "Vente comptoir", vat_rate="10")
    assert lines_of(movement.entry) == [("530", D("110.00"), D("0.00"), "", ""),
                                        ("707", D("0.00"), D("100.00"), "base", "9B"),
                                        ("44571", D("0.00"), D("10.00"), "output_vat", "9B")]


def test_payment_above_the_balance_is_refused_naming_amount_and_balance(books):
    organisation, accountant, register = books
    receipt(register, accountant, date(2026, 3, 2), "100.00", "580")
    with pytest.raises(BusinessError) as error:
        payment(register, accountant, date(2026, 3, 5), "150.00", "625")
    assert error.value.code == "cash_negative" and error.value.field == "amount"
    assert "150,00 €" in error.value.message and "100,00 €" in error.value.message
    assert not CashMovement.objects.filter(direction="payment").exists()
    assert not EntryLine.objects.filter(account__code="625").exists()


def test_back_dated_payment_that_makes_a_later_balance_negative_is_refused(books):
    """Balance: +100 on 02/03, +50 on 10/03, −120 on 12/03 → 30 on 12/03. A payment of 40 on 05/03 leaves 60 on
    05/03 and 110 on 10/03, but 110 − 120 = −10 on 12/03: refused. 30 on 05/03 leaves 0 on 12/03: accepted."""
    organisation, accountant, register = books
    receipt(register, accountant, date(2026, 3, 2), "100.00", "580")
    receipt(register, accountant, date(2026, 3, 10), "50.00", "580")
    payment(register, accountant, date(2026, 3, 12), "120.00", "580")
    with pytest.raises(BusinessError) as error:
        payment(register, accountant, date(2026, 3, 5), "40.00", "625")
    assert error.value.code == "cash_negative_later"
    assert "12/03/2026" in error.value.message and "-10,00 €" in error.value.message
    payment(register, accountant, date(2026, 3, 5), "30.00", "625")
    assert register_balance(register, date(2026, 3, 12)) == D("0.00")


def test_business_cash_receipt_above_1000_needs_the_private_customer_confirmation(books):
    organisation, accountant, register = books
    make_party(organisation, "C001", "Garage Martin SARL")
    make_party(organisation, "C002", "Jeanne Petit", kind="individual")
    with pytest.raises(BusinessError) as error:
        receipt(register, accountant, date(2026, 3, 2), "1200.00", "411", party="C001")
    assert error.value.code == "cash_limit" and error.value.field == "private_customer"
    assert "1 000,00 €" in error.value.message.replace("\u202f", " ")
    receipt(register, accountant, date(2026, 3, 2), "1000.00", "411", party="C001")  # at the limit: allowed
    receipt(register, accountant, date(2026, 3, 2), "1200.00", "411", party="C002")  # a private person
    receipt(register, accountant, date(2026, 3, 2), "1500.00", "411", party="C001", private_customer=True)
    assert register_balance(register, date(2026, 3, 2)) == D("3700.00")


def test_bad_input_names_the_field_and_writes_nothing(books):
    organisation, accountant, register = books
    cases = [({"amount": "abc"}, "amount"), ({"amount": "-5"}, "amount"), ({"account": "999"}, "counter_account"),
             ({"account": "411"}, "party"), ({"account": "530"}, "counter_account"),
             ({"vat_rate": "7"}, "vat_rate"), ({"label": "  "}, "label")]
    for change, field in cases:
        data = {"amount": "10.00", "account": "707", "label": "Vente", **change}
        with pytest.raises(BusinessError) as error:
            receipt(register, accountant, date(2026, 3, 2), data["amount"], data["account"], data["label"] or " ",
                    vat_rate=data.get("vat_rate", "0"))
        assert error.value.field == field, change
    assert not CashMovement.objects.exists() and not EntryLine.objects.exists()


def test_daily_cash_book(books):
    """02/03: 0 + 200 − 0 = 200; 03/03: 200 + 110 − 60 = 250."""
    organisation, accountant, register = books
    receipt(register, accountant, date(2026, 3, 2), "200.00", "580")
    receipt(register, accountant, date(2026, 3, 3), "110.00", "707")
    payment(register, accountant, date(2026, 3, 3), "60.00", "6064")
    book = cash_book(register, date(2026, 3, 1), date(2026, 3, 31))
    assert [(d.day, d.opening, d.receipts, d.payments, d.closing) for d in book] == [
        (date(2026, 3, 2), D("0.00"), D("200.00"), D("0.00"), D("200.00")),
        (date(2026, 3, 3), D("200.00"), D("110.00"), D("60.00"), D("250.00"))]


def test_cancelling_a_movement_reverses_its_entry_and_keeps_the_floor(books):
    """Receipt 100, payment 80 → 20 left: taking back the receipt (−100) would leave −80: refused. Cancelling the
    payment first (+80 → 100), then the receipt (→ 0) works; a second cancellation is refused."""
    organisation, accountant, register = books
    first = receipt(register, accountant, date(2026, 3, 2), "100.00", "707", "Vente")
    second = payment(register, accountant, date(2026, 3, 3), "80.00", "625", "Train")
    with pytest.raises(BusinessError) as error:
        movement_cancel(actor=accountant, movement=first, on=date(2026, 3, 4))
    assert error.value.code == "cash_negative" and "20,00 €" in error.value.message
    second = movement_cancel(actor=accountant, movement=second, on=date(2026, 3, 4))
    assert lines_of(second.reversal_entry) == [("625", D("0.00"), D("80.00"), "", ""),
                                               ("530", D("80.00"), D("0.00"), "", "")]
    movement_cancel(actor=accountant, movement=first, on=date(2026, 3, 4))
    assert register_balance(register, date(2026, 3, 4)) == D("0.00")
    with pytest.raises(BusinessError) as error:
        movement_cancel(actor=accountant, movement=first, on=date(2026, 3, 5))
    assert error.value.code == "already_cancelled"
    with pytest.raises(BusinessError) as error:
        movement_cancel(actor=accountant, movement=receipt(register, accountant, date(2026, 3, 6), "5.00", "707"),
                        on=date(2026, 3, 5))
    assert error.value.field == "date"
