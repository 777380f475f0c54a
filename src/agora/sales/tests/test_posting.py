"""Sales entries worked by hand: two VAT rates with trade reductions and escompte, services on receipts,
credit notes posting the reverse, a deposit invoice then the final invoice deducting it."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create
from agora.core.totals import LineIn, Reduction, document_totals
from agora.ledger.models import Account, Entry
from agora.sales.models import DocumentKind, DocumentState
from agora.sales.services.documents import (
    credit_note_from_invoice,
    credit_note_validate,
    deposit_invoice_create,
    invoice_from,
    invoice_validate,
    order_deliver,
)
from agora.sales.services.posting import revenue_by_account

from .builders import (
    DAY,
    entry_lines,
    line,
    make_customer,
    make_document,
    make_invoice,
    make_products,
    make_sales_books,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    return organisation, seller, customer, *make_products(organisation)


def two_rate_invoice(books):
    """10 chairs at 100 less 10 % (900) at 20 %; 25 kg coffee at 20 (500) at 5.5 %; remise 5 %; escompte 2 %.

    Remise: 45 + 25 → commercial net 855 + 475 = 1 330. Escompte: 17.10 + 9.50 = 26.60 → 837.90 + 465.50.
    VAT: 837.90 × 20 % = 167.58; 465.50 × 5.5 % = 25.6025 → 25.60. TTC 1 303.40 + 193.18 = 1 496.58.
    """
    organisation, seller, customer, goods, food, _service = books
    return make_invoice(organisation, seller, customer, [line(goods, 10, discount_pct="10"), line(food, "25")],
                        reductions=[{"label": "Remise", "pct": "5"}], cash_discount_pct="2")


def test_two_rates_with_escompte(books):
    organisation, seller, *_ = books
    invoice = two_rate_invoice(books)
    assert (invoice.lines_total, invoice.commercial_net, invoice.financial_net) == (
        Decimal("1400.00"), Decimal("1330.00"), Decimal("1303.40"))
    assert (invoice.tax_total, invoice.total, invoice.net_to_pay) == (
        Decimal("193.18"), Decimal("1496.58"), Decimal("1496.58"))
    assert [(t.rate, t.base, t.tax) for t in invoice.tax_rows.all()] == [
        (Decimal("20.00"), Decimal("837.90"), Decimal("167.58")),
        (Decimal("5.50"), Decimal("465.50"), Decimal("25.60"))]
    invoice = invoice_validate(actor=seller, invoice=invoice)
    assert invoice.number == "FA-2026-00001"
    assert invoice.state == DocumentState.VALIDATED
    assert invoice.due_date == date(2026, 4, 9)  # 30 days
    assert invoice.customer_name == "Martin Industries SAS" and invoice.customer_siren == "552100554"
    assert entry_lines(invoice) == [
        ("411", "1496.58", "0.00", "C001", ""),
        ("665", "26.60", "0.00", "", ""),
        ("707", "0.00", "1330.00", "", ""),
        ("44571", "0.00", "167.58", "", "08"),
        ("44571", "0.00", "25.60", "", "09"),
    ]
    entry = invoice.entry
    assert (entry.journal.code, entry.date, entry.reference) == ("VT", DAY, "FA-2026-00001")
    assert (entry.origin_type, entry.origin_id) == ("sales.salesdocument", str(invoice.pk))
    vat_lines = entry.lines.filter(account__code="44571")
    assert set(vat_lines.values_list("tax_role", flat=True)) == {"output_vat"}
    assert entry.lines.get(account__code="411").due_date == date(2026, 4, 9)


def test_services_without_debit_option_wait_on_44574(books):
    organisation, seller, customer, _goods, _food, service = books
    invoice = make_invoice(organisation, seller, customer, [line(service, 5)])  # 5 h × 60 = 300, VAT 60
    invoice = invoice_validate(actor=seller, invoice=invoice)
    assert invoice.operation_category == "services"
    assert entry_lines(invoice) == [
        ("411", "360.00", "0.00", "C001", ""),
        ("706", "0.00", "300.00", "", ""),
        ("44574", "0.00", "60.00", "", "08"),
    ]


def test_mixed_invoice_splits_vat_between_goods_and_services(books):
    organisation, seller, customer, goods, _food, service = books
    # chair 100 + 5 h at 60 = 300, both at 20 %: VAT 80 → goods 80 × 100 / 400 = 20, services 60
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1), line(service, 5)])
    invoice = invoice_validate(actor=seller, invoice=invoice)
    assert entry_lines(invoice) == [
        ("411", "480.00", "0.00", "C001", ""),
        ("706", "0.00", "300.00", "", ""),
        ("707", "0.00", "100.00", "", ""),
        ("44571", "0.00", "20.00", "", "08"),
        ("44574", "0.00", "60.00", "", "08"),
    ]


def test_services_with_debit_option_post_to_44571():
    organisation, seller = make_sales_books(vat_on_debits=True)
    customer = make_customer(organisation)
    _goods, _food, service = make_products(organisation)
    invoice = invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer,
                                                                  [line(service, 5)]))
    assert invoice.vat_on_debits is True
    assert entry_lines(invoice)[-1] == ("44571", "0.00", "60.00", "", "08")


def test_full_credit_note_posts_the_reverse(books):
    organisation, seller, *_ = books
    invoice = invoice_validate(actor=seller, invoice=two_rate_invoice(books))
    credit = credit_note_from_invoice(actor=seller, invoice=invoice, reason="Commande annulée",
                                      kind_of_credit="cancellation")
    assert credit.credited_invoice_id == invoice.pk and credit.source_id == invoice.pk
    assert (credit.credit_kind, credit.credit_reason) == ("cancellation", "Commande annulée")
    credit = credit_note_validate(actor=seller, credit_note=credit)
    assert credit.number == "AV-2026-00001"
    assert credit.total == Decimal("1496.58")
    assert entry_lines(credit) == [
        ("411", "0.00", "1496.58", "C001", ""),
        ("665", "0.00", "26.60", "", ""),
        ("707", "1330.00", "0.00", "", ""),
        ("44571", "167.58", "0.00", "", "08"),
        ("44571", "25.60", "0.00", "", "09"),
    ]


def test_partial_credit_note_for_a_return(books):
    organisation, seller, *_ = books
    invoice = invoice_validate(actor=seller, invoice=two_rate_invoice(books))
    chairs = invoice.lines.get(line_no=1)
    credit = credit_note_from_invoice(actor=seller, invoice=invoice, quantities={chairs.pk: Decimal(2)},
                                      reason="2 chaises abîmées", kind_of_credit="return")
    # 2 × 100 = 200 − 10 % = 180; remise 5 % → 171; escompte 2 % (3.42) → 167.58; VAT 33.516 → 33.52
    assert (credit.commercial_net, credit.financial_net, credit.tax_total, credit.total) == (
        Decimal("171.00"), Decimal("167.58"), Decimal("33.52"), Decimal("201.10"))
    credit = credit_note_validate(actor=seller, credit_note=credit)
    assert entry_lines(credit) == [
        ("411", "0.00", "201.10", "C001", ""),
        ("665", "0.00", "3.42", "", ""),
        ("707", "171.00", "0.00", "", ""),
        ("44571", "33.52", "0.00", "", "08"),
    ]
    # 8 chairs and all the coffee are left to credit; 9 chairs are refused
    with pytest.raises(Exception) as error:
        credit_note_from_invoice(actor=seller, invoice=invoice, quantities={chairs.pk: Decimal(9)},
                                 reason="Erreur", kind_of_credit="claim")
    assert error.value.field == f"quantities.{chairs.pk}"
    assert "supérieure au reste (8" in error.value.message


def test_deposit_then_final_invoice_deducting_it(books):
    organisation, seller, customer, goods, *_ = books
    order = make_document(organisation, seller, customer, DocumentKind.ORDER, [line(goods, 10)])  # 1 000 + 200
    deposit = deposit_invoice_create(actor=seller, order=order, pct=Decimal(30))
    assert deposit.is_deposit and deposit.source_id == order.pk
    assert (deposit.untaxed_total, deposit.tax_total, deposit.total) == (
        Decimal("300.00"), Decimal("60.00"), Decimal("360.00"))
    deposit = invoice_validate(actor=seller, invoice=deposit)
    assert deposit.number == "FA-2026-00001"
    assert entry_lines(deposit) == [
        ("411", "360.00", "0.00", "C001", ""),
        ("4191", "0.00", "300.00", "", ""),
        ("44571", "0.00", "60.00", "", "08"),
    ]
    delivery = order_deliver(actor=seller, order=order, on=DAY)
    final = invoice_from(actor=seller, source=delivery)
    assert (final.total, final.deposit_deducted, final.net_to_pay) == (
        Decimal("1200.00"), Decimal("360.00"), Decimal("840.00"))
    final = invoice_validate(actor=seller, invoice=final)
    assert final.number == "FA-2026-00002"
    assert entry_lines(final) == [
        ("411", "840.00", "0.00", "C001", ""),
        ("4191", "300.00", "0.00", "", ""),
        ("707", "0.00", "1000.00", "", ""),
        ("44571", "0.00", "140.00", "", "08"),
    ]
    assert Entry.objects.filter(organisation=organisation, journal__code="VT").count() == 2


def test_shipping_goes_to_7085_or_708(books):
    organisation, seller, customer, goods, *_ = books
    # 1 chair 100 + shipping 15 at the goods' rate: HT 115, VAT 23, TTC 138
    invoice = invoice_validate(actor=seller, invoice=make_invoice(
        organisation, seller, customer, [line(goods, 1)], shipping="15"))
    assert invoice.total == Decimal("138.00")
    assert entry_lines(invoice) == [
        ("411", "138.00", "0.00", "C001", ""),
        ("707", "0.00", "100.00", "", ""),
        ("7085", "0.00", "15.00", "", ""),
        ("44571", "0.00", "23.00", "", "08"),
    ]


def test_shipping_falls_back_to_708_without_7085(books):
    """A chart seeded before 7085 was added has only 708."""
    organisation, seller, customer, goods, *_ = books
    Account.objects.filter(organisation=organisation, code="7085").delete()
    invoice = invoice_validate(actor=seller, invoice=make_invoice(
        organisation, seller, customer, [line(goods, 1)], shipping="15"))
    assert ("708", "0.00", "15.00", "", "") in entry_lines(invoice)


def test_revenue_without_reductions_is_the_sum_of_line_nets_per_account():
    """The batch's short cut (line nets summed per account) gives what the per-rate computation gives."""
    def row(quantity, price, rate, discount, account):
        return SimpleNamespace(quantity=Decimal(quantity), unit_price=Decimal(price), vat_rate=Decimal(rate),
                               discount_pct=Decimal(discount), revenue_account=account)

    lines = [row("3", "33.333", "20", "7.5", "707"), row("1.5", "19.99", "20", "0", "706"),
             row("2", "0.005", "5.5", "0", "707"), row("7", "12.3456", "20", "12", "7071")]
    nets = [x.net for x in document_totals(lines=[LineIn(x.quantity, x.unit_price, x.vat_rate, x.discount_pct)
                                                  for x in lines]).lines]
    assert revenue_by_account(lines, [], nets) == revenue_by_account(lines, [])
    # 707: 3 × 33.333 = 100.00 (99.999) − 7.50 = 92.50, plus 2 × 0.005 = 0.01; 706: 29.99 (29.985);
    # 7071: 86.42 (86.4192) − 10.37 (10.3704) = 76.05
    assert revenue_by_account(lines, [], nets) == {"707": Decimal("92.51"), "706": Decimal("29.99"),
                                                   "7071": Decimal("76.05")}
    reductions = [Reduction("Remise", Decimal("5"))]
    assert revenue_by_account(lines, reductions, nets) == revenue_by_account(lines, reductions)


def test_untaxed_bases_carry_their_vat_return_box(books):
    """An export (E1) and an intra-EU supply (F2) share the 0 % rate: the product's category names the box, so
    the CA3 finds the untaxed bases (it works taxed bases back from the VAT). 2 chairs exported 200,00, 1 to a
    Belgian business 100,00, 1 chair in France 100,00 + 20,00 VAT; the taxed base carries no box."""
    organisation, seller, customer, goods, *_ = books
    categories = {c.code: c for c in VatCategory.objects.filter(organisation=organisation)}
    export, intra = (product_create(actor=None, organisation=organisation, data={
        "reference": reference, "label": "Chaise de bureau", "kind": "goods", "sale_price": "100",
        "vat_category": categories[code].pk, "revenue_account": "707"})
        for reference, code in (("CHAISE-EXP", "EXPORT"), ("CHAISE-UE", "INTRAUE")))
    invoice = invoice_validate(actor=seller, invoice=make_invoice(
        organisation, seller, customer, [line(export, 2), line(intra, 1), line(goods, 1)]))
    rows = [(x.account.code, x.credit, x.tax_role, x.vat_box)
            for x in invoice.entry.lines.select_related("account").exclude(account__code="411").order_by("line_no")]
    assert rows == [("707", Decimal("100.00"), "", ""), ("707", Decimal("200.00"), "base", "E1"),
                    ("707", Decimal("100.00"), "base", "F2"), ("44571", Decimal("20.00"), "output_vat", "08")]
