"""A supplier credit note for goods sent back to the supplier takes them out of stock when it is validated (a
"return_out" move valued by the item's method, in the validation's transaction); a shortage refuses the
validation and writes nothing; a credit note without returned goods moves nothing."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agora.core.errors import BusinessError
from agora.core.services import api_token_create
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseStatus
from agora.purchasing.services.invoices import (
    credit_note_create_from_invoice,
    credit_note_validate,
    invoice_create_from_receipt,
    supplier_invoice_validate,
)
from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
from agora.stock.models import StockMove
from agora.stock.services.items import stock_item_create
from agora.stock.services.moves import MoveInput, stock_moves_record

from .builders import line, make_order, make_purchase_products, make_purchasing_books, make_supplier

pytestmark = pytest.mark.django_db
CREDIT_DAY = date(2026, 3, 20)


@pytest.fixture
def bought():
    """Paper tracked at perpetual weighted average cost, received and invoiced; the desk is not tracked.
    Stock card of the paper:
    01/03 opening receipt 40 × 4.30 = 172.00            → 40, 172.00, CUMP 4.30
    10/03 receipt BR-2026-00001 60 × (4.50 − 10 %) 4.05 = 243.00 → 100, 415.00, CUMP 4.15
    """
    organisation, buyer = make_purchasing_books()
    supplier = make_supplier(organisation)
    paper, desk = make_purchase_products(organisation)
    item = stock_item_create(actor=buyer, organisation=organisation, product=paper,
                             data={"valuation_method": "wac_perpetual", "category": "goods"})
    stock_moves_record(actor=buyer, organisation=organisation, moves=[MoveInput(
        product_id=paper.pk, quantity=Decimal(40), kind="receipt", date=date(2026, 3, 1), unit_cost=Decimal("4.30"))])
    order = make_order(organisation, buyer, supplier, [line(paper, 60, "4.50", discount_pct="10"),
                                                       line(desk, 1, "350")])
    receipt = receipt_validate(actor=buyer, receipt=receipt_create_from_order(actor=buyer, order=order,
                                                                              on=date(2026, 3, 10)))
    invoice = supplier_invoice_validate(actor=buyer, invoice=invoice_create_from_receipt(
        actor=buyer, receipt=receipt, data={"supplier_reference": "PR-1", "issue_date": date(2026, 3, 12)}))
    return organisation, buyer, supplier, paper, item, invoice


def _credit(buyer, invoice, quantities: dict, *, returns_goods: bool, reference: str = "AV-1"):
    paper_line, desk_line = invoice.lines.order_by("position")
    lines = {paper_line.pk: quantities.get("paper", "0"), desk_line.pk: quantities.get("desk", "0")}
    return credit_note_create_from_invoice(actor=buyer, invoice=invoice, lines=lines, reason="Ramettes abîmées",
                                           data={"supplier_reference": reference, "issue_date": CREDIT_DAY},
                                           returns_goods=returns_goods)


def test_goods_returned_to_the_supplier_leave_stock_at_validation(bought):
    _organisation, buyer, supplier, _paper, item, invoice = bought
    credit = _credit(buyer, invoice, {"paper": "20", "desk": "1"}, returns_goods=True)
    assert credit.returns_goods
    assert not StockMove.objects.filter(origin_type="purchasing.credit_note").exists()  # a draft moves nothing
    credit = credit_note_validate(actor=buyer, credit_note=credit)
    [move] = StockMove.objects.filter(origin_type="purchasing.credit_note", origin_id=credit.pk)  # desk: untracked
    # 20/03 return 20 × 4.15 (current CUMP) = −83.00 → 80, 332.00, CUMP 4.15
    assert (move.kind, move.item_id, move.date) == ("return_out", item.pk, CREDIT_DAY)
    assert (move.quantity, move.unit_cost, move.value) == (Decimal("-20.000"), Decimal("4.1500"), Decimal("-83.00"))
    assert (move.quantity_after, move.value_after, move.unit_cost_after) == (
        Decimal("80.000"), Decimal("332.00"), Decimal("4.1500"))
    assert move.label == f"Avoir fournisseur {credit.number} — retour {supplier.name}"
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("80.000"), Decimal("332.00"))


def test_a_shortage_refuses_the_validation_and_writes_nothing(bought):
    organisation, buyer, _supplier, paper, item, invoice = bought
    # 15/03 exit 90 × 4.15 = −373.50 → 10, 41.50
    stock_moves_record(actor=buyer, organisation=organisation, moves=[MoveInput(
        product_id=paper.pk, quantity=Decimal(90), kind="delivery", date=date(2026, 3, 15))])
    credit = _credit(buyer, invoice, {"paper": "20"}, returns_goods=True)
    with pytest.raises(BusinessError) as error:
        credit_note_validate(actor=buyer, credit_note=credit)
    assert error.value.code == "insufficient_stock"
    credit = PurchaseDocument.objects.get(pk=credit.pk)
    assert (credit.status, credit.number, credit.entry_id) == (PurchaseStatus.DRAFT, "", None)
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("10.000"), Decimal("41.50"))


def test_a_credit_note_without_returned_goods_moves_nothing(bought):
    _organisation, buyer, _supplier, _paper, item, invoice = bought
    credit = credit_note_validate(actor=buyer, credit_note=_credit(buyer, invoice, {"paper": "5"},
                                                                   returns_goods=False))
    assert credit.status == PurchaseStatus.VALIDATED and not credit.returns_goods
    assert not StockMove.objects.filter(origin_type="purchasing.credit_note").exists()
    item.refresh_from_db()
    assert item.quantity == Decimal("100.000")


def test_the_form_and_the_api_carry_the_returned_goods_flag(bought):
    _organisation, buyer, _supplier, _paper, item, invoice = bought
    paper_line, desk_line = invoice.lines.order_by("position")
    client = Client()
    client.force_login(buyer)
    detail = client.get(reverse("purchasing:document_detail", kwargs={"org": "durand", "pk": invoice.pk}))
    assert 'name="returns_goods"' in detail.content.decode()
    action = reverse("purchasing:document_action", kwargs={"org": "durand", "pk": invoice.pk, "action": "credit"})
    response = client.post(action, {"reason": "Retour", "supplier_reference": "AV-F", "issue_date": "2026-03-20",
                                    "returns_goods": "on", f"credit-{paper_line.pk}": "10",
                                    f"credit-{desk_line.pk}": "0"})
    assert response.status_code == 302
    by_form = PurchaseDocument.objects.get(kind=PurchaseKind.CREDIT_NOTE, supplier_reference="AV-F")
    assert by_form.returns_goods
    validate = reverse("purchasing:document_action", kwargs={"org": "durand", "pk": by_form.pk,
                                                             "action": "validate_credit"})
    assert client.post(validate).status_code == 302
    # 10 × 4.15 = −41.50 → 90, 373.50
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("90.000"), Decimal("373.50"))

    _, raw = api_token_create(user=buyer, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.post(f"/api/v1/orgs/durand/purchase-invoices/{invoice.pk}/credit-note",
                        content_type="application/json",
                        data=json.dumps({"lines": {str(paper_line.pk): "30"}, "reason": "Retour",
                                         "supplier_reference": "AV-A", "issue_date": "2026-03-21",
                                         "returns_goods": True}))
    assert response.status_code == 201, response.json()
    assert response.json()["returns_goods"] is True
    response = api.post(f"/api/v1/orgs/durand/purchase-credit-notes/{response.json()['id']}/validate")
    assert response.status_code == 200, response.json()
    # 30 × 4.15 = −124.50 → 60, 249.00
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("60.000"), Decimal("249.00"))
