"""Validated goods receipts record stock entries for stock-tracked products (accepted quantities only)."""

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
from agora.stock.models import StockMove
from agora.stock.services.items import stock_item_create

pytestmark = pytest.mark.django_db


def test_receipt_records_stock_entries_of_tracked_products():
    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, desk = make_purchase_products(org)
    stock_item_create(actor=None, organisation=org, product=paper, data={"valuation_method": "wac_perpetual",
                                                                       "category": "goods"})
    order = make_order(org, buyer, supplier, [line(paper, 100, "4.50", discount_pct="10"), line(desk, 1, "350")])
    paper_line, desk_line = order.lines.order_by("position")
    receipt = receipt_create_from_order(actor=buyer, order=order, quantities={paper_line.pk: "60", desk_line.pk: "1"},
                                        rejected={paper_line.pk: "4"})
    assert not StockMove.objects.exists()  # a draft receipt moves nothing
    receipt = receipt_validate(actor=buyer, receipt=receipt)
    move = StockMove.objects.get()  # the desk is not tracked in stock
    # 56 accepted at 4.50 − 10 % = 4.05 (line net 60 × 4.05 = 243.00 / 60)
    assert (move.quantity, move.unit_cost, move.value) == (Decimal("56.000"), Decimal("4.0500"), Decimal("226.80"))
    assert (move.kind, move.origin_type, move.origin_id) == ("receipt", "purchasing.receipt", receipt.pk)
    assert move.label == "Réception BR-2026-00001"
