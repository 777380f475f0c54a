"""The purchase chain: order → partial receipts with quality check → invoice, three-way match, credit note."""

from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseLine, PurchaseStatus
from agora.purchasing.services.documents import purchase_document_delete, purchase_order_cancel
from agora.purchasing.services.invoices import (
    credit_note_create_from_invoice,
    credit_note_validate,
    invoice_create_from_order,
    invoice_create_from_receipt,
    invoice_match_report,
    supplier_invoice_validate,
)
from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
from agora.purchasing.tests.builders import (
    line,
    make_document,
    make_order,
    make_purchase_products,
    make_purchasing_books,
    make_supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, desk = make_purchase_products(org)
    order = make_order(org, buyer, supplier, [line(paper, 100, "4.50"), line(desk, 2, "350")])
    paper_line, desk_line = order.lines.order_by("position")
    return org, buyer, supplier, order, paper_line, desk_line


def counts():
    return PurchaseDocument.objects.count(), PurchaseLine.objects.count(), AuditEvent.objects.count()


def test_order_confirm_numbers_it(chain):
    _org, _buyer, _supplier, order, _p, _d = chain
    assert (order.number, order.status) == ("CF-2026-00001", PurchaseStatus.CONFIRMED)
    assert order.total_untaxed == Decimal("1150.00")  # 100 × 4.50 + 2 × 350


def test_partial_receipt_with_rejection(chain):
    _org, buyer, _supplier, order, paper_line, desk_line = chain
    receipt = receipt_create_from_order(actor=buyer, order=order, quantities={paper_line.pk: "60"},
                                        rejected={paper_line.pk: "5"}, notes={paper_line.pk: "5 ramettes mouillées"})
    received = receipt.lines.get()
    assert (received.quantity, received.quantity_accepted, received.quantity_rejected) == (
        Decimal("60.000"), Decimal("55.000"), Decimal("5.000"))
    assert received.quality_note == "5 ramettes mouillées"
    paper_line.refresh_from_db()
    assert paper_line.quantity_received == 0  # a draft receipt counts for nothing yet
    receipt = receipt_validate(actor=buyer, receipt=receipt)
    assert receipt.number == "BR-2026-00001"
    paper_line.refresh_from_db()
    desk_line.refresh_from_db()
    assert (paper_line.quantity_received, desk_line.quantity_received) == (Decimal("55.000"), Decimal("0.000"))
    # the rest: 45 ramettes and 2 desks
    second = receipt_create_from_order(actor=buyer, order=order)
    assert sorted((x.order_line_id, x.quantity) for x in second.lines.all()) == [
        (paper_line.pk, Decimal("45.000")), (desk_line.pk, Decimal("2.000"))]


def test_receipt_above_order_refused_without_confirmation(chain):
    _org, buyer, _supplier, order, paper_line, _desk_line = chain
    before = counts()
    with pytest.raises(BusinessError) as error:
        receipt_create_from_order(actor=buyer, order=order, quantities={paper_line.pk: "120"})
    assert error.value.code == "quantity_exceeded"
    assert error.value.field == f"quantities.{paper_line.pk}"
    assert "supérieure au reste à recevoir de la commande (100)" in error.value.message
    assert "confirmer la réception au-delà de la commande" in error.value.message
    assert counts() == before
    receipt = receipt_create_from_order(actor=buyer, order=order, quantities={paper_line.pk: "120"},
                                        confirm_excess=True)
    with pytest.raises(BusinessError):
        receipt_validate(actor=buyer, receipt=receipt)
    receipt_validate(actor=buyer, receipt=receipt, confirm_excess=True)
    paper_line.refresh_from_db()
    assert paper_line.quantity_received == Decimal("120")


def test_rejected_above_delivered_refused(chain):
    _org, buyer, _supplier, order, paper_line, _desk_line = chain
    before = counts()
    with pytest.raises(BusinessError) as error:
        receipt_create_from_order(actor=buyer, order=order, quantities={paper_line.pk: "10"},
                                  rejected={paper_line.pk: "11"})
    assert error.value.field == f"rejected.{paper_line.pk}"
    assert counts() == before


def _received(buyer, order, quantities):
    return receipt_validate(actor=buyer, receipt=receipt_create_from_order(actor=buyer, order=order,
                                                                           quantities=quantities))


def test_invoice_from_order_takes_what_was_received(chain):
    _org, buyer, _supplier, order, paper_line, desk_line = chain
    _received(buyer, order, {paper_line.pk: "40"})
    invoice = invoice_create_from_order(actor=buyer, order=order, data={"supplier_reference": "PR-1"})
    assert [(x.order_line_id, x.quantity) for x in invoice.lines.all()] == [(paper_line.pk, Decimal("40.000"))]
    assert invoice_match_report(invoice) == []
    invoice = supplier_invoice_validate(actor=buyer, invoice=invoice)
    paper_line.refresh_from_db()
    assert paper_line.quantity_invoiced == Decimal("40")
    with pytest.raises(BusinessError) as error:
        invoice_create_from_order(actor=buyer, order=order)
    assert error.value.code == "nothing_left"


def test_invoice_from_receipt(chain):
    _org, buyer, _supplier, order, paper_line, _desk_line = chain
    receipt = receipt_validate(actor=buyer, receipt=receipt_create_from_order(
        actor=buyer, order=order, quantities={paper_line.pk: "30"}, rejected={paper_line.pk: "2"}))
    invoice = invoice_create_from_receipt(actor=buyer, receipt=receipt, data={"supplier_reference": "PR-2"})
    assert [(x.order_line_id, x.quantity) for x in invoice.lines.all()] == [(paper_line.pk, Decimal("28.000"))]
    assert invoice.source == receipt
    assert invoice_match_report(invoice) == []


def test_each_discrepancy_kind(chain):
    org, buyer, supplier, order, paper_line, desk_line = chain
    _received(buyer, order, {paper_line.pk: "50"})
    invoice = make_document(org, buyer, supplier, PurchaseKind.INVOICE, [
        line(paper_line.product, 60, "4.50", order_line=paper_line),   # 60 invoiced > 50 received
        line(desk_line.product, 3, "360", order_line=desk_line),        # 3 > 0 received, > 2 ordered, price 360
        line(None, 1, "15", label="Frais de dossier", vat_category=paper_line.vat_category, account="6226"),
    ], supplier_reference="PR-9", source=order)
    report = invoice_match_report(invoice)
    assert [(d.code, d.position) for d in report] == [
        ("not_received", 1), ("price", 2), ("not_received", 2), ("over_ordered", 2), ("not_on_order", 3)]
    assert report[0].message == "Ligne 1 : quantité facturée (60) supérieure à la quantité reçue (50)."
    assert report[1].message == "Ligne 2 : prix facturé 360,00 € HT ≠ prix commandé 350,00 € HT."
    assert report[3].message == "Ligne 2 : quantité facturée (3) supérieure à la quantité commandée (2)."
    assert report[4].message == "Ligne 3 : « Frais de dossier » ne figure pas sur la commande."

    before = counts()
    with pytest.raises(BusinessError) as error:
        supplier_invoice_validate(actor=buyer, invoice=invoice)
    assert error.value.code == "discrepancies"
    assert error.value.field == "accept_discrepancies"
    assert "5 écart(s)" in error.value.message and "valider malgré les écarts" in error.value.message
    assert counts() == before
    invoice.refresh_from_db()
    assert invoice.status == PurchaseStatus.DRAFT and invoice.entry_id is None

    invoice = supplier_invoice_validate(actor=buyer, invoice=invoice, accept_discrepancies=True)
    assert invoice.status == PurchaseStatus.VALIDATED
    assert invoice.discrepancies_accepted_by == buyer
    event = AuditEvent.objects.filter(action="purchasing.invoice.validate").get()
    assert len(event.before["discrepancies"]) == 5
    assert len(invoice_match_report(invoice)) == 5  # the validated invoice still shows them


def test_invoice_without_order_has_no_match_basis(chain):
    org, buyer, supplier, _order, paper_line, _desk_line = chain
    invoice = make_document(org, buyer, supplier, PurchaseKind.INVOICE, [
        line(None, 1, "120", label="Loyer mars", vat_category=paper_line.vat_category, account="6132")],
        supplier_reference="L-03")
    assert invoice_match_report(invoice) == []


def test_duplicate_supplier_invoice_refused(chain):
    org, buyer, supplier, _order, paper_line, _desk_line = chain
    rows = [line(None, 1, "120", label="Loyer mars", vat_category=paper_line.vat_category, account="6132")]
    make_document(org, buyer, supplier, PurchaseKind.INVOICE, rows, supplier_reference="L-03")
    before = counts()
    with pytest.raises(BusinessError) as error:
        make_document(org, buyer, supplier, PurchaseKind.INVOICE, rows, supplier_reference="L-03")
    assert error.value.code == "duplicate_supplier_reference"
    assert error.value.field == "supplier_reference"
    assert counts() == before
    other = make_supplier(org, code="F002", name="Autre SARL")
    make_document(org, buyer, other, PurchaseKind.INVOICE, rows, supplier_reference="L-03")  # another supplier


def test_invoice_needs_the_supplier_number(chain):
    org, buyer, supplier, _order, paper_line, _desk_line = chain
    invoice = make_document(org, buyer, supplier, PurchaseKind.INVOICE, [
        line(None, 1, "120", label="Loyer", vat_category=paper_line.vat_category, account="6132")])
    with pytest.raises(BusinessError) as error:
        supplier_invoice_validate(actor=buyer, invoice=invoice)
    assert error.value.field == "supplier_reference"


def test_credit_note_gives_back_invoiced_quantities(chain):
    _org, buyer, _supplier, order, paper_line, _desk_line = chain
    _received(buyer, order, {paper_line.pk: "40"})
    invoice = supplier_invoice_validate(actor=buyer, invoice=invoice_create_from_order(
        actor=buyer, order=order, data={"supplier_reference": "PR-1"}))
    invoice_line = invoice.lines.get()
    credit = credit_note_create_from_invoice(actor=buyer, invoice=invoice, lines={invoice_line.pk: "10"},
                                             reason="Retour de 10 ramettes")
    with pytest.raises(BusinessError):
        credit_note_create_from_invoice(actor=buyer, invoice=invoice, lines={invoice_line.pk: "31"},
                                        reason="Trop")
    credit_note_validate(actor=buyer, credit_note=credit)
    paper_line.refresh_from_db()
    assert paper_line.quantity_invoiced == Decimal("30")
    # 10 × 4.50 = 45.00 HT + 9.00 VAT: 401 debit 54.00
    assert credit.total_incl_tax == Decimal("54.00")


def test_bad_input_writes_nothing(chain):
    org, buyer, supplier, _order, paper_line, _desk_line = chain
    before = counts()
    cases = [
        ([line(paper_line.product, "-2")], {}, "lines.1.quantity"),
        ([line(paper_line.product, "abc")], {}, "lines.1.quantity"),
        ([line(paper_line.product, 1, account="512")], {}, "lines.1.account"),
        ([line(paper_line.product, 1, account="6999")], {}, "lines.1.account"),
        ([line(None, 1, "5")], {}, "lines.1.label"),
        ([line(paper_line.product, 1)], {"escompte_offered_pct": "2"}, "escompte_deadline"),
        ([], {}, "lines"),
    ]
    for rows, data, field in cases:
        with pytest.raises(BusinessError) as error:
            make_document(org, buyer, supplier, PurchaseKind.INVOICE, rows, **data)
        assert error.value.field == field, (rows, data)
    customer_only = make_supplier(org, code="C9", name="Client", is_supplier=False, is_customer=True)
    with pytest.raises(BusinessError) as error:
        make_document(org, buyer, customer_only, PurchaseKind.ORDER, [line(paper_line.product, 1)])
    assert error.value.field == "party"
    assert counts()[:2] == before[:2]


def test_delete_and_cancel(chain):
    org, buyer, supplier, order, paper_line, _desk_line = chain
    draft = make_order(org, buyer, supplier, [line(paper_line.product, 1)], confirm=False)
    purchase_document_delete(actor=buyer, document=draft)
    assert not PurchaseDocument.objects.filter(pk=draft.pk).exists()
    with pytest.raises(BusinessError):
        purchase_document_delete(actor=buyer, document=order)
    _received(buyer, order, {paper_line.pk: "1"})
    with pytest.raises(BusinessError):
        purchase_order_cancel(actor=buyer, order=order)
    other = make_order(org, buyer, supplier, [line(paper_line.product, 1)])
    assert purchase_order_cancel(actor=buyer, order=other).status == PurchaseStatus.CANCELLED
