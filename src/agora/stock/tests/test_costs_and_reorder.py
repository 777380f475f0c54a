"""Textbook cost tables (purchase cost, production cost, full cost) and the reorder list with its EOQ, all
worked by hand."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from agora.core.errors import BusinessError
from agora.stock.domain.costs import PurchaseLine, purchase_costs
from agora.stock.models import StockMove
from agora.stock.selectors.costs import bill_cost_table
from agora.stock.selectors.reorder import reorder_proposals
from agora.stock.services.costs import bill_save, production_record

from .builders import deliver, make_item, make_stock_books, receive

pytestmark = pytest.mark.django_db


def test_purchase_cost_allocates_ancillary_costs_by_value_or_quantity():
    lines = [PurchaseLine("A", D(100), D("8.00")), PurchaseLine("B", D(40), D("30.00"))]
    # by value: 800 and 1 200 of 2 000 → 150 × 0.4 = 60.00 and 90.00; A 860.00 / 100 = 8.60, B 1 290 / 40 = 32.25
    by_value = purchase_costs(lines, ancillary=D("150.00"), basis="value")
    assert [(r.price_amount, r.ancillary, r.amount, r.unit_cost) for r in by_value] == [
        (D("800.00"), D("60.00"), D("860.00"), D("8.6000")), (D("1200.00"), D("90.00"), D("1290.00"), D("32.2500"))]
    # by quantity: 150 × 100 / 140 = 107.142… → 107.14, the last line takes the rest 42.86
    # A 907.14 / 100 = 9.0714; B 1 242.86 / 40 = 31.0715
    by_quantity = purchase_costs(lines, ancillary=D("150.00"), basis="quantity")
    assert [(r.ancillary, r.unit_cost) for r in by_quantity] == [(D("107.14"), D("9.0714")),
                                                                  (D("42.86"), D("31.0715"))]


def test_cost_table_and_production_run():
    organisation, actor = make_stock_books()
    table = make_item(organisation, "TABLE", category="finished")
    plank = make_item(organisation, "PLANCHE", category="raw_material")
    screw = make_item(organisation, "VIS", category="raw_material", method="fifo")
    receive(organisation, actor, plank, 100, "12.50", date(2026, 3, 1))
    receive(organisation, actor, screw, 1000, "0.05", date(2026, 3, 1))
    bill = bill_save(actor=actor, organisation=organisation, item=table, data={
        "batch_quantity": "1", "labour_hours": "1.5", "labour_rate": "22", "overhead_basis": "per_hour",
        "overhead_rate": "18", "distribution_cost": "6"},
        lines=[{"component": plank.pk, "quantity": "4"}, {"component": screw.pk, "quantity": "16"}])
    rows = bill_cost_table(bill=bill, quantity=D(10))
    # 10 tables: planks 40 × 12.50 = 500.00, screws 160 × 0.05 = 8.00 → materials 508.00
    # labour 15 h × 22.00 = 330.00; overheads 15 h × 18.00 = 270.00 → production 1 108.00 (110.80 each)
    # distribution 10 × 6.00 = 60.00 → full cost 1 168.00 (116.80 each)
    assert [(r.label.split(" :")[0], r.quantity, r.unit_cost, r.amount) for r in rows] == [
        ("Matière consommée", D("40.000"), D("12.5000"), D("500.00")),
        ("Matière consommée", D("160.000"), D("0.0500"), D("8.00")),
        ("Coût d'achat des matières consommées", None, None, D("508.00")),
        ("Main-d'œuvre directe (heures)", D("15.000"), D("22.0000"), D("330.00")),
        ("Charges indirectes de production (unité d'œuvre", D("15.000"), D("18.0000"), D("270.00")),
        ("Coût de production des produits fabriqués", D(10), D("110.8000"), D("1108.00")),
        ("Coût de distribution", D(10), D("6.0000"), D("60.00")),
        ("Coût de revient", D(10), D("116.8000"), D("1168.00"))]
    moves = production_record(actor=actor, organisation=organisation, bill=bill, quantity="10", day=date(2026, 3, 2))
    assert [(m.kind, m.quantity, m.value) for m in moves] == [
        ("production_out", D("-40.000"), D("-500.00")), ("production_out", D("-160.000"), D("-8.00")),
        ("production_in", D("10.000"), D("1108.00"))]
    table.refresh_from_db()
    assert (table.quantity, table.unit_cost) == (D("10.000"), D("110.8000"))
    with pytest.raises(BusinessError):
        bill_save(actor=actor, organisation=organisation, item=plank, data={}, lines=[])


def test_reorder_proposal_with_economic_order_quantity():
    organisation, actor = make_stock_books()
    today = date(2026, 6, 30)
    item = make_item(organisation, "ALERTE", reorder_point="20", safety_stock="5", order_cost="50",
                     holding_rate="20")
    quiet = make_item(organisation, "CALME", reorder_point="5")
    receive(organisation, actor, quiet, 10, "1.00", today - timedelta(days=10))
    start = today - timedelta(days=89)
    receive(organisation, actor, item, 200, "10.00", start)
    for n in range(9):  # 9 × 20 = 180 delivered over the last 90 days
        deliver(organisation, actor, item, 20, start + timedelta(days=10 * n + 5))
    [proposal] = reorder_proposals(organisation=organisation, today=today)
    # on hand 200 − 180 = 20 ≤ reorder point 20; demand 180 / 90 days = 2.000 a day → 730 a year
    # EOQ = √(2 × 730 × 50 / (10.00 × 20 %)) = √36 500 = 191.05 → 192
    # to order: max(2 × 20 − 20, 192) = 192
    assert proposal.item == item and proposal.on_hand == D("20.000")
    assert (proposal.average_daily_demand, proposal.eoq, proposal.quantity_to_order) == (D("2.000"), D(192), D(192))
    assert StockMove.objects.filter(item=item).count() == 10
