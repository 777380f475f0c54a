"""Validating a delivery note takes its stock-tracked goods out of stock in the same transaction; a shortage
refuses the validation and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.sales.models import DocumentKind, SalesDocument
from agora.sales.services.documents import delivery_validate, order_deliver
from agora.stock.models import StockMove
from agora.stock.services.items import stock_item_create
from agora.stock.services.moves import MoveInput, stock_moves_record

from .builders import line, make_customer, make_document, make_products, make_sales_books

pytestmark = pytest.mark.django_db


def test_delivery_validation_records_the_exits_of_tracked_goods():
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    chair, coffee, service = make_products(organisation)
    item = stock_item_create(actor=seller, organisation=organisation, product=chair, data={})
    stock_moves_record(actor=seller, organisation=organisation, moves=[MoveInput(
        product_id=chair.pk, quantity=Decimal(5), kind="receipt", date=date(2026, 3, 1), unit_cost=Decimal(40))])
    order = make_document(organisation, seller, customer, DocumentKind.ORDER,
                          [line(chair, 3), line(coffee, 2), line(service, 1)])
    delivery = delivery_validate(actor=seller, delivery=order_deliver(actor=seller, order=order,
                                                                      on=date(2026, 3, 12)))
    [move] = StockMove.objects.filter(origin_type="sales.delivery", origin_id=delivery.pk)
    # only the tracked chairs leave stock (coffee is not tracked, the service is no goods): 3 × 40.00
    assert (move.item_id, move.quantity, move.value, move.date) == (item.pk, Decimal("-3.000"), Decimal("-120.00"),
                                                                    date(2026, 3, 12))
    assert move.label.startswith(f"Bon de livraison {delivery.number}")
    again = make_document(organisation, seller, customer, DocumentKind.ORDER, [line(chair, 3)])
    draft = order_deliver(actor=seller, order=again, on=date(2026, 3, 13))
    with pytest.raises(BusinessError) as error:
        delivery_validate(actor=seller, delivery=draft)
    assert error.value.code == "insufficient_stock"
    assert SalesDocument.objects.get(pk=draft.pk).state == "draft"
    item.refresh_from_db()
    assert item.quantity == Decimal("2.000")
