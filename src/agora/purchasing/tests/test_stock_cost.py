"""The stock cost of purchased goods: the order's purchase cost at receipt, set right by each supplier invoice.

Hand working (paper tracked at weighted average cost after each entry, CUMP):
  Order: paper 10 × 50,00 − 10 % = 450,00; desk (not in stock) 1 × 100,00; remise 5 %; shipping 90,00.
  Commercial nets: paper 427,50, desk 95,00; the shipping goes to the stock lines only → paper
  (427,50 + 90,00) / 10 = 51,75 a ream.
  R1 12/03: 6 reams at 51,75 = 310,50 · exit 14/03: 5 reams · R2 16/03: 4 reams at 51,75.
  Invoice 1 (4 reams at 55,00 − 10 %, remise 5 %, shipping 30,00): 4 × 49,50 × 0,95 = 188,10 + 30,00 = 218,10
    → 54,525 a ream. It covers 4 of R1's 6: R1 = (4 × 54,525 + 2 × 51,75) / 6 = 321,60 / 6 = 53,60.
    The exit is re-valued at 53,60: 268,00. R2 still 51,75.
  Invoice 2 (6 reams at 50,00 − 10 %, remise 5 %, no shipping): 6 × 45 × 0,95 = 256,50 → 42,75 a ream; it
    covers R1's last 2 and R2's 4: R1 = (4 × 54,525 + 2 × 42,75) / 6 = 303,60 / 6 = 50,60; R2 = 42,75.
    Card: R1 6 × 50,60 = 303,60 · exit 5 × 50,60 = 253,00 (1 left, 50,60) · R2 4 × 42,75 = 171,00 →
    5 reams, 221,60, CUMP 44,32.
"""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.models import AuditEvent
from agora.purchasing.models import PurchaseKind
from agora.purchasing.services.invoices import supplier_invoice_validate
from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
from agora.purchasing.tests.builders import (
    line,
    make_document,
    make_order,
    make_purchase_products,
    make_purchasing_books,
    make_supplier,
)
from agora.stock.models import StockItem, StockMove
from agora.stock.services.counts import count_create, count_quantities_enter, count_validate
from agora.stock.services.items import stock_item_create
from agora.stock.services.moves import MoveInput, stock_moves_record

pytestmark = pytest.mark.django_db
D = Decimal
REMISE = [{"label": "Remise", "pct": "5"}]


@pytest.fixture
def received():
    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, desk = make_purchase_products(org)
    stock_item_create(actor=None, organisation=org, product=paper, data={"valuation_method": "wac_perpetual",
                                                                       "category": "goods"})
    order = make_order(org, buyer, supplier, [line(paper, 10, "50", discount_pct="10"), line(desk, 1, "100")],
                       reductions=REMISE, shipping="90")
    paper_line, desk_line = order.lines.order_by("position")
    r1 = receipt_validate(actor=buyer, receipt=receipt_create_from_order(
        actor=buyer, order=order, quantities={paper_line.pk: "6", desk_line.pk: "1"}, on=date(2026, 3, 12)))
    stock_moves_record(actor=buyer, organisation=org, moves=[MoveInput(
        product_id=paper.pk, quantity=D(5), kind="delivery", date=date(2026, 3, 14))])
    r2 = receipt_validate(actor=buyer, receipt=receipt_create_from_order(
        actor=buyer, order=order, quantities={paper_line.pk: "4"}, on=date(2026, 3, 16)))
    return org, buyer, supplier, paper, paper_line, r1, r2


def invoice(org, buyer, supplier, paper, paper_line, quantity, price, *, shipping, reference, day):
    draft = make_document(org, buyer, supplier, PurchaseKind.INVOICE,
                          [line(paper, quantity, price, discount_pct="10", order_line=paper_line.pk)],
                          day=day, reductions=REMISE, shipping=shipping, supplier_reference=reference)
    return supplier_invoice_validate(actor=buyer, invoice=draft, accept_discrepancies=True)


def card(paper):
    return [(m.kind, m.quantity, m.unit_cost, m.value, m.quantity_after, m.value_after)
            for m in StockMove.objects.filter(item__product=paper).order_by("date", "id")]


def test_receipt_enters_stock_at_the_orders_purchase_cost(received):
    *_, paper, _, _, _ = received
    assert card(paper) == [
        ("receipt", D("6.000"), D("51.7500"), D("310.50"), D("6.000"), D("310.50")),
        ("delivery", D("-5.000"), D("51.7500"), D("-258.75"), D("1.000"), D("51.75")),
        ("receipt", D("4.000"), D("51.7500"), D("207.00"), D("5.000"), D("258.75"))]


def test_each_invoice_sets_the_cost_of_what_it_covers(received):
    org, buyer, supplier, paper, paper_line, _, _ = received
    invoice(org, buyer, supplier, paper, paper_line, 4, "55", shipping="30", reference="PR-1", day=date(2026, 3, 20))
    assert card(paper) == [
        ("receipt", D("6.000"), D("53.6000"), D("321.60"), D("6.000"), D("321.60")),
        ("delivery", D("-5.000"), D("53.6000"), D("-268.00"), D("1.000"), D("53.60")),
        ("receipt", D("4.000"), D("51.7500"), D("207.00"), D("5.000"), D("260.60"))]

    invoice(org, buyer, supplier, paper, paper_line, 6, "50", shipping="0", reference="PR-2", day=date(2026, 3, 25))
    assert card(paper) == [
        ("receipt", D("6.000"), D("50.6000"), D("303.60"), D("6.000"), D("303.60")),
        ("delivery", D("-5.000"), D("50.6000"), D("-253.00"), D("1.000"), D("50.60")),
        ("receipt", D("4.000"), D("42.7500"), D("171.00"), D("5.000"), D("221.60"))]
    item = StockItem.objects.get(product=paper)
    assert (item.quantity, item.value, item.unit_cost) == (D("5.000"), D("221.60"), D("44.3200"))
    assert AuditEvent.objects.filter(organisation=org, action="stock.move.recost").count() == 3  # R1, then R1 and R2


def test_a_count_since_the_receipt_keeps_the_history_and_says_so(received):
    org, buyer, supplier, paper, paper_line, _, _ = received
    count = count_create(actor=buyer, organisation=org, day=date(2026, 3, 18))
    [count_line] = count.lines.all()
    count_quantities_enter(actor=buyer, count=count, quantities={count_line.pk: "5"})
    count_validate(actor=buyer, count=count, post=False)
    before = card(paper)
    validated = invoice(org, buyer, supplier, paper, paper_line, 4, "55", shipping="30", reference="PR-1",
                        day=date(2026, 3, 20))
    assert card(paper) == before
    event = AuditEvent.objects.filter(organisation=org, action="purchasing.invoice.validate",
                                      object_id=str(validated.pk)).get()
    assert event.before["stock_cost_not_corrected"] == ["RAMETTE : inventorié le 18/03/2026, coût d'entrée non "
                                                       "corrigé"]
