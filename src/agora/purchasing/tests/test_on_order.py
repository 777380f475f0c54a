"""The reorder list counts what is on order: stock position = on hand + ordered and not received yet.

Paper: reorder point 50, maximum 200, 40 in stock. Nothing on order → proposed, 200 − 40 = 160 to order.
An order of 5 confirmed: position 45 ≤ 50 → still proposed, 200 − 45 = 155, 5 shown on order. A second order
of 100: position 145 > 50 → not proposed any more. 60 of it received: 100 in stock, 45 on order → not proposed.
"""

from datetime import date
from decimal import Decimal

import pytest

from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
from agora.purchasing.tests.builders import (
    line,
    make_order,
    make_purchase_products,
    make_purchasing_books,
    make_supplier,
)
from agora.stock.selectors.reorder import reorder_proposals
from agora.stock.services.items import stock_item_create
from agora.stock.tests.builders import receive

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


def test_reorder_list_counts_open_orders():
    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, _desk = make_purchase_products(org)
    item = stock_item_create(actor=None, organisation=org, product=paper, data={
        "valuation_method": "wac_perpetual", "category": "goods", "reorder_point": "50", "maximum_stock": "200"})
    receive(org, buyer, item, 40, "4.00", date(2026, 3, 1))

    def proposal():
        found = [p for p in reorder_proposals(organisation=org, today=TODAY) if p.item.pk == item.pk]
        return (found[0].on_hand, found[0].on_order, found[0].quantity_to_order) if found else None

    assert proposal() == (Decimal("40.000"), Decimal("0.000"), Decimal("160"))
    make_order(org, buyer, supplier, [line(paper, 5, "4")])
    assert proposal() == (Decimal("40.000"), Decimal("5.000"), Decimal("155"))
    big = make_order(org, buyer, supplier, [line(paper, 100, "4")])
    make_order(org, buyer, supplier, [line(paper, 500, "4")], confirm=False)  # a draft order is not on order
    assert proposal() is None
    [big_line] = big.lines.all()
    receipt_validate(actor=buyer, receipt=receipt_create_from_order(actor=buyer, order=big,
                                                                    quantities={big_line.pk: "60"}, on=TODAY))
    assert proposal() is None
