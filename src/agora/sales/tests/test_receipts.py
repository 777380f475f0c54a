"""Receipts: posting, allocation, matching, customer credit, cash, cheque deposit slips, VAT on receipts, and bad
input refused with a French error and nothing written. Figures worked by hand in each test."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import Counter
from agora.ledger.models import Account, Entry, EntryLine
from agora.sales.models import DepositSlip, Receipt, ReceiptAllocation
from agora.sales.selectors.payments import invoice_open_amount, open_invoices
from agora.sales.services.receipts import deposit_slip_create, receipt_record, vat_share

from .builders_receipts import credit_note, invoice, lines_of, matching_of, receipt_books

pytestmark = pytest.mark.django_db

D = Decimal
NB = "\u202f"  # narrow no-break space: French thousands separator in messages


@pytest.fixture
def books():
    return receipt_books()


def pay(org, actor, party, amount, *, day=date(2026, 3, 20), method="transfer", allocations=None, **extra):
    return receipt_record(actor=actor, organisation=org, party=party, date=day, method=method, amount=amount,
                          allocations=allocations, **extra)


def receivable_line(document):
    return EntryLine.objects.get(entry=document.entry, account__code="411")


def nothing_written(org):
    assert Receipt.objects.count() == 0
    assert ReceiptAllocation.objects.count() == 0
    assert Entry.objects.filter(organisation=org, journal__code__in=["BQ1", "CA"]).count() == 0
    assert not Counter.objects.filter(organisation=org, series="sales:receipt", last_value__gt=0).exists()


def test_partial_then_final_payment_matches_aa_then_AA(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))  # 1 000 HT + 200 TVA = 1 200 TTC
    assert (inv.net_to_pay, inv.due_date) == (D("1200.00"), date(2026, 4, 9))

    first = pay(org, seller, martin, "500,00", allocations=[(inv, "500")])
    assert first.number == "RC-2026-00001"
    assert (first.amount, first.unallocated, first.journal) == (D("500.00"), D("0.00"), "BQ1")
    assert lines_of(first.entry) == [("5121", "500.00", "0.00", "", "", ""), ("411", "0.00", "500.00", "C001", "", "")]
    assert first.entry.journal.code == "BQ1" and first.entry.reference == "RC-2026-00001"
    assert invoice_open_amount(inv) == D("700.00")
    invoice_line = receivable_line(inv)
    assert matching_of(invoice_line) == "aa"
    assert matching_of(EntryLine.objects.get(entry=first.entry, account__code="411")) == "aa"

    second = pay(org, seller, martin, "700", day=date(2026, 4, 5), allocations=[(inv, "700.00")])
    assert second.number == "RC-2026-00002"
    assert invoice_open_amount(inv) == D("0.00")
    assert list(open_invoices(organisation=org, party=martin)) == []
    invoice_line = receivable_line(inv)
    matching = invoice_line.matching_part.matching
    assert (matching.display_code, matching.is_full) == ("AA", True)
    assert sorted(matching.parts.values_list("amount", flat=True)) == [D("-700.00"), D("-500.00"), D("1200.00")]
    assert [(a.invoice.number, a.amount) for a in second.allocations.all()] == [(inv.number, D("700.00"))]


def test_one_cheque_pays_two_invoices_oldest_first(books):
    org, seller, martin, _ = books
    older = invoice(org, seller, martin, "500", day=date(2026, 3, 2))   # 600,00 TTC, due 01/04
    newer = invoice(org, seller, martin, "300", day=date(2026, 3, 5))   # 360,00 TTC, due 04/04
    cheque = pay(org, seller, martin, "960", method="cheque", reference="1234567", drawee_bank="Crédit Agricole")
    assert Account.objects.get(organisation=org, code="5112").label == "Chèques à encaisser"
    assert lines_of(cheque.entry) == [
        ("5112", "960.00", "0.00", "", "", ""),
        ("411", "0.00", "600.00", "C001", "", ""),
        ("411", "0.00", "360.00", "C001", "", ""),
    ]
    assert [(a.invoice_id, a.amount) for a in cheque.allocations.order_by("invoice_id")] == [
        (older.pk, D("600.00")), (newer.pk, D("360.00"))]
    assert (invoice_open_amount(older), invoice_open_amount(newer)) == (D("0.00"), D("0.00"))
    assert (matching_of(receivable_line(older)), matching_of(receivable_line(newer))) == ("AA", "AB")
    assert cheque.deposit_slip is None


def test_automatic_allocation_fills_oldest_then_leaves_the_rest_open(books):
    org, seller, martin, _ = books
    older = invoice(org, seller, martin, "500", day=date(2026, 3, 2))   # 600,00
    newer = invoice(org, seller, martin, "300", day=date(2026, 3, 5))   # 360,00
    receipt = pay(org, seller, martin, "700")
    assert [(a.invoice_id, a.amount) for a in receipt.allocations.order_by("invoice_id")] == [
        (older.pk, D("600.00")), (newer.pk, D("100.00"))]
    assert invoice_open_amount(newer) == D("260.00")
    assert (matching_of(receivable_line(older)), matching_of(receivable_line(newer))) == ("AA", "ab")
    assert [(i.number, i.open_amount) for i in open_invoices(organisation=org, party=martin)] == [
        (newer.number, D("260.00"))]


def test_overpayment_refused_then_accepted_as_customer_credit(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))  # 1 200,00 TTC
    with pytest.raises(BusinessError) as refused:
        pay(org, seller, martin, "1500", allocations=[(inv, "1500")])
    assert refused.value.code == "paying_more_than_due"
    assert refused.value.field == "allocations.1.amount"
    assert refused.value.message == (f"Affectation 1 : vous affectez 1{NB}500,00 € à la facture {inv.number} alors "
                                     f"qu'il n'en reste que 1{NB}200,00 € à payer.")
    nothing_written(org)

    with pytest.raises(BusinessError) as unallocated:
        pay(org, seller, martin, "1500", allocations=[(inv, "1200")])
    assert (unallocated.value.code, unallocated.value.field) == ("unallocated", "amount")
    assert unallocated.value.message.startswith("300,00 € ne sont affectés à aucune facture")
    nothing_written(org)

    receipt = pay(org, seller, martin, "1500", allocations=[(inv, "1200")], allow_credit=True)
    assert (receipt.amount, receipt.unallocated) == (D("1500.00"), D("300.00"))
    assert lines_of(receipt.entry) == [("5121", "1500.00", "0.00", "", "", ""),
                                       ("411", "0.00", "1200.00", "C001", "", ""),
                                       ("411", "0.00", "300.00", "C001", "", "")]
    credit_line = EntryLine.objects.get(entry=receipt.entry, account__code="411", credit=D("300.00"))
    assert matching_of(receivable_line(inv)) == "AA" and matching_of(credit_line) == ""
    assert invoice_open_amount(inv) == D("0.00")


def test_automatic_allocation_with_credit_accepted(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    receipt = pay(org, seller, martin, "1250", allow_credit=True)
    assert [(a.invoice_id, a.amount) for a in receipt.allocations.all()] == [(inv.pk, D("1200.00"))]
    assert receipt.unallocated == D("50.00")


def test_cash_receipt_goes_to_the_cash_journal_and_530(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "100", day=date(2026, 3, 10))  # 120,00 TTC
    receipt = pay(org, seller, martin, "120", method="cash", day=date(2026, 3, 12))
    assert (receipt.journal, receipt.entry.journal.code) == ("CA", "CA")
    assert lines_of(receipt.entry) == [("530", "120.00", "0.00", "", "", ""), ("411", "0.00", "120.00", "C001", "", "")]
    assert invoice_open_amount(inv) == D("0.00")


def test_deposit_slip_posts_bank_against_5112_and_matches_each_cheque(books):
    org, seller, martin, dupont = books
    a = invoice(org, seller, martin, "500", day=date(2026, 3, 2))   # 600,00
    b = invoice(org, seller, dupont, "300", day=date(2026, 3, 5))   # 360,00
    first = pay(org, seller, martin, "600", method="cheque", reference="0001234", drawee_bank="BNP Paribas",
                allocations=[(a, "600")], day=date(2026, 3, 18))
    second = pay(org, seller, dupont, "360", method="cheque", reference="0009876", drawee_bank="LCL",
                 allocations=[(b, "360")], day=date(2026, 3, 19))
    transfer = pay(org, seller, martin, "10", allow_credit=True, allocations=[], day=date(2026, 3, 19))

    with pytest.raises(BusinessError) as early:
        deposit_slip_create(actor=seller, organisation=org, receipts=[first, second], date=date(2026, 3, 18))
    assert (early.value.code, early.value.field) == ("deposit_before_receipt", "date")
    with pytest.raises(BusinessError) as wrong:
        deposit_slip_create(actor=seller, organisation=org, receipts=[first, transfer], date=date(2026, 3, 20))
    assert wrong.value.code == "not_a_cheque"
    assert DepositSlip.objects.count() == 0

    slip = deposit_slip_create(actor=seller, organisation=org, receipts=[first, second], date=date(2026, 3, 20))
    assert (slip.number, slip.total, slip.bank_journal) == ("RM-2026-00001", D("960.00"), "BQ1")
    assert lines_of(slip.entry) == [("5121", "960.00", "0.00", "", "", ""), ("5112", "0.00", "600.00", "", "", ""),
                                    ("5112", "0.00", "360.00", "", "", "")]
    assert slip.entry.journal.code == "BQ1" and slip.entry.date == date(2026, 3, 20)
    assert set(Receipt.objects.filter(deposit_slip=slip).values_list("pk", flat=True)) == {first.pk, second.pk}
    cheque_lines = EntryLine.objects.filter(organisation=org, account__code="5112")
    assert sum(x.debit - x.credit for x in cheque_lines) == D("0.00")
    assert sorted(matching_of(x) for x in cheque_lines) == ["AA", "AA", "AB", "AB"]

    with pytest.raises(BusinessError) as again:
        deposit_slip_create(actor=seller, organisation=org, receipts=[first], date=date(2026, 3, 21))
    assert again.value.code == "already_deposited"


def test_vat_on_receipts_moves_the_share_paid_from_44574_to_44571(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10), kind="service")
    assert ("44574", "0.00", "200.00", "", "output_vat", "08") in lines_of(inv.entry)

    first = pay(org, seller, martin, "600", allocations=[(inv, "600")])
    assert lines_of(first.entry) == [
        ("5121", "600.00", "0.00", "", "", ""),
        ("411", "0.00", "600.00", "C001", "", ""),
        ("44574", "100.00", "0.00", "", "", ""),
        ("44571", "0.00", "100.00", "", "output_vat", "08"),
    ]
    second = pay(org, seller, martin, "600", day=date(2026, 4, 2), allocations=[(inv, "600")])
    assert lines_of(second.entry)[2:] == [("44574", "100.00", "0.00", "", "", ""),
                                          ("44571", "0.00", "100.00", "", "output_vat", "08")]
    pending = EntryLine.objects.filter(organisation=org, account__code="44574")
    assert sum(x.credit - x.debit for x in pending) == D("0.00")
    moved = EntryLine.objects.filter(organisation=org, account__code="44571", entry__journal__code="BQ1")
    assert sum(x.credit for x in moved) == D("200.00")


def test_vat_on_receipts_rounds_each_payment_and_the_last_takes_the_remainder(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "100", day=date(2026, 3, 10), kind="service")  # 120 TTC, 20 pending
    moved = []
    for amount in ("35", "35", "50"):
        receipt = pay(org, seller, martin, amount, allocations=[(inv, amount)])
        moved.append(EntryLine.objects.get(entry=receipt.entry, account__code="44571").credit)
    # 20 × 35/120 = 5,833 → 5,83 ; 20 × 70/120 = 11,667 → 11,67 − 5,83 = 5,84 ; 20 − 11,67 = 8,33
    assert moved == [D("5.83"), D("5.84"), D("8.33")]
    assert sum(moved) == D("20.00")


def test_vat_share_pure_arithmetic():
    assert vat_share(D("200.00"), receivable=D("1200.00"), paid_before=D("0"), paid_now=D("600.00")) == D("100.00")
    assert vat_share(D("200.00"), receivable=D("1200.00"), paid_before=D("600"), paid_now=D("600.00")) == D("100.00")
    # half up: 0,10 × 25/100 = 0,025 → 0,03
    assert vat_share(D("0.10"), receivable=D("100.00"), paid_before=D("0"), paid_now=D("25.00")) == D("0.03")
    assert vat_share(D("0.10"), receivable=D("0"), paid_before=D("0"), paid_now=D("25.00")) == D("0.00")


def test_goods_invoice_moves_no_vat(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    receipt = pay(org, seller, martin, "600", allocations=[(inv, "600")])
    assert [x[0] for x in lines_of(receipt.entry)] == ["5121", "411"]


def test_credit_note_reduces_what_is_due(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    credit_note(seller, inv, day=date(2026, 3, 15))
    assert invoice_open_amount(inv) == D("0.00")
    assert list(open_invoices(organisation=org)) == []
    with pytest.raises(BusinessError) as refused:
        pay(org, seller, martin, "100", allocations=[(inv, "100")])
    assert refused.value.code == "paying_more_than_due"


@pytest.mark.parametrize(("changes", "code", "field", "message"), [
    ({"amount": "-10"}, "negative_amount", "amount",
     "Montant de l'encaissement : un montant négatif n'est pas accepté."),
    ({"amount": "0"}, "zero_amount", "amount", "Montant de l'encaissement : le montant doit être supérieur à zéro."),
    ({"amount": "douze"}, "invalid_amount", "amount", "Montant illisible : « douze »."),
    ({"method": "bitcoin"}, "unknown_method", "method", "Mode de règlement inconnu : « bitcoin »."),
    ({"journal": "VT"}, "not_treasury_journal", "journal",
     "Le journal VT n'est pas un journal de banque ou de caisse."),
    ({"allocations_amount": "-5"}, "negative_amount", "allocations.1.amount",
     "Affectation 1 : un montant négatif n'est pas accepté."),
    ({"date": date(2027, 3, 1)}, "no_period", "date", "Aucun exercice ne contient le 01/03/2027."),
])
def test_bad_input_refused_in_french_and_nothing_written(books, changes, code, field, message):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    args = {"amount": "100", "method": "transfer", "journal": "BQ1", "date": date(2026, 3, 20)}
    allocation = changes.pop("allocations_amount", "100")
    args.update(changes)
    with pytest.raises(BusinessError) as refused:
        receipt_record(actor=seller, organisation=org, party=martin, allocations=[(inv, allocation)], **args)
    assert (refused.value.code, refused.value.field, refused.value.message) == (code, field, message)
    nothing_written(org)


def test_invoice_of_another_customer_refused(books):
    org, seller, martin, dupont = books
    inv = invoice(org, seller, dupont, "1000", day=date(2026, 3, 10))
    with pytest.raises(BusinessError) as refused:
        pay(org, seller, martin, "100", allocations=[(inv, "100")])
    assert (refused.value.code, refused.value.field) == ("other_customer", "allocations.1.invoice")
    nothing_written(org)


def test_allocations_beyond_the_amount_refused(books):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    with pytest.raises(BusinessError) as refused:
        pay(org, seller, martin, "100", allocations=[(inv, "150")])
    assert (refused.value.code, refused.value.field) == ("over_allocated", "allocations")
    nothing_written(org)
