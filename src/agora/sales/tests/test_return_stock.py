"""A sales credit note for goods the customer sent back puts them back into stock when it is validated (a
"return_in" move valued at the item's current cost, in the validation's transaction); a credit note without
returned goods moves nothing."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agora.core.errors import BusinessError
from agora.core.services import api_token_create
from agora.sales.models import DocumentKind, SalesDocument
from agora.sales.services.documents import (
    credit_note_from_invoice,
    credit_note_validate,
    delivery_validate,
    invoice_from,
    invoice_validate,
    order_deliver,
)
from agora.stock.models import StockMove
from agora.stock.services.items import stock_item_create
from agora.stock.services.moves import MoveInput, stock_moves_record

from .builders import line, make_customer, make_document, make_products, make_sales_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    """Chairs tracked at perpetual weighted average cost; coffee is not tracked. Stock card of the chairs:
    01/03 receipt 10 × 40.00 = 400.00 → 10, 400.00, CUMP 40.00
    05/03 receipt 10 × 46.00 = 460.00 → 20, 860.00, CUMP 43.00
    """
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    chair, coffee, service = make_products(organisation)
    item = stock_item_create(actor=seller, organisation=organisation, product=chair,
                             data={"valuation_method": "wac_perpetual"})
    stock_moves_record(actor=seller, organisation=organisation, moves=[
        MoveInput(product_id=chair.pk, quantity=Decimal(10), kind="receipt", date=date(2026, 3, 1),
                  unit_cost=Decimal("40")),
        MoveInput(product_id=chair.pk, quantity=Decimal(10), kind="receipt", date=date(2026, 3, 5),
                  unit_cost=Decimal("46"))])
    return organisation, seller, customer, chair, coffee, service, item


def _invoiced_delivery(organisation, seller, customer, lines):
    order = make_document(organisation, seller, customer, DocumentKind.ORDER, lines)
    delivery = delivery_validate(actor=seller, delivery=order_deliver(actor=seller, order=order,
                                                                      on=date(2026, 3, 10)))
    return invoice_validate(actor=seller, invoice=invoice_from(actor=seller, source=delivery))


def test_returned_goods_reenter_stock_at_the_current_cost(shop):
    organisation, seller, customer, chair, coffee, service, item = shop
    invoice = _invoiced_delivery(organisation, seller, customer, [line(chair, 6), line(coffee, 2), line(service, 1)])
    # 10/03 delivery 6 × 43.00 = −258.00 → 14, 602.00, CUMP 43.00
    # 11/03 receipt 4 × 50.00 = 200.00 → 18, 802.00, CUMP 802.00 / 18 = 44.555… → 44.56
    stock_moves_record(actor=seller, organisation=organisation, moves=[MoveInput(
        product_id=chair.pk, quantity=Decimal(4), kind="receipt", date=date(2026, 3, 11), unit_cost=Decimal(50))])
    chair_line, coffee_line, _service_line = invoice.lines.order_by("line_no")
    credit = credit_note_from_invoice(actor=seller, invoice=invoice, quantities={chair_line.pk: "2",
                                                                                 coffee_line.pk: "1"},
                                      reason="Chaises en trop renvoyées", kind_of_credit="return",
                                      returns_goods=True)
    assert credit.returns_goods
    assert not StockMove.objects.filter(origin_type="sales.credit_note").exists()  # a draft moves nothing
    credit = credit_note_validate(actor=seller, credit_note=credit)
    [move] = StockMove.objects.filter(origin_type="sales.credit_note", origin_id=credit.pk)  # coffee: not tracked
    # return 2 × 44.56 (current CUMP) = 89.12 → 20, 802.00 + 89.12 = 891.12, CUMP 891.12 / 20 = 44.556 → 44.56
    assert (move.kind, move.item_id, move.date) == ("return_in", item.pk, credit.date)
    assert (move.quantity, move.unit_cost, move.value) == (Decimal("2.000"), Decimal("44.5600"), Decimal("89.12"))
    assert (move.quantity_after, move.value_after, move.unit_cost_after) == (
        Decimal("20.000"), Decimal("891.12"), Decimal("44.5600"))
    assert move.label == f"Avoir {credit.number} — retour {customer.name}"
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("20.000"), Decimal("891.12"))


def test_a_credit_note_without_returned_goods_moves_nothing(shop):
    organisation, seller, customer, chair, _coffee, _service, item = shop
    invoice = _invoiced_delivery(organisation, seller, customer, [line(chair, 6)])
    with pytest.raises(BusinessError) as error:
        credit_note_from_invoice(actor=seller, invoice=invoice, reason="Geste commercial", kind_of_credit="rebate",
                                 returns_goods=True)
    assert (error.value.code, error.value.field) == ("rebate_returns_goods", "returns_goods")
    credit = credit_note_validate(actor=seller, credit_note=credit_note_from_invoice(
        actor=seller, invoice=invoice, reason="Chaise rayée", kind_of_credit="claim"))
    assert not credit.returns_goods
    assert not StockMove.objects.filter(origin_type="sales.credit_note").exists()
    item.refresh_from_db()
    assert item.quantity == Decimal("14.000")  # 20 received − 6 delivered


def test_the_form_and_the_api_carry_the_returned_goods_flag(shop):
    organisation, seller, customer, chair, _coffee, _service, item = shop
    invoice = _invoiced_delivery(organisation, seller, customer, [line(chair, 6)])
    client = Client()
    client.force_login(seller)
    detail = client.get(reverse("sales:document_detail", kwargs={"org": "durand", "pk": invoice.pk}))
    assert "Marchandises retournées (remise en stock)" in detail.content.decode()
    action = reverse("sales:document_action", kwargs={"org": "durand", "pk": invoice.pk, "action": "credit"})
    chair_line = invoice.lines.get()
    response = client.post(action, {"kind_of_credit": "return", "reason": "Retour", "returns_goods": "on",
                                    f"qty-{chair_line.pk}": "1"})
    assert response.status_code == 302
    by_form = SalesDocument.objects.get(credited_invoice=invoice)
    assert by_form.returns_goods
    validate = reverse("sales:document_action", kwargs={"org": "durand", "pk": by_form.pk,
                                                        "action": "validate_credit"})
    assert client.post(validate).status_code == 302
    # 1 chair back at the current CUMP 43.00 → 15, 645.00
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("15.000"), Decimal("645.00"))

    _, raw = api_token_create(user=seller, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.post(f"/api/v1/orgs/durand/invoices/{invoice.pk}/credit-note", content_type="application/json",
                        data=json.dumps({"reason": "Retour", "kind_of_credit": "return", "returns_goods": True,
                                         "quantities": {str(chair_line.pk): "2"}}))
    assert response.status_code == 201, response.json()
    assert response.json()["returns_goods"] is True
    response = api.post(f"/api/v1/orgs/durand/credit-notes/{response.json()['id']}/validate")
    assert response.status_code == 200, response.json()
    # 2 chairs back at 43.00 = 86.00 → 17, 731.00
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("17.000"), Decimal("731.00"))
