"""Recording moves through the service and reading the stock card: the three textbook cards, worked by hand,
back-dated moves, refusals (negative stock, location, frozen history), and the public interface."""

from datetime import date
from decimal import Decimal as D

import pytest

from agora.core.errors import BusinessError
from agora.stock.models import StockMove
from agora.stock.selectors.card import card_rows, card_totals
from agora.stock.selectors.items import tracked_product_ids
from agora.stock.services.items import location_create
from agora.stock.services.moves import MoveInput, stock_moves_record, stock_transfer_record

from .builders import deliver, make_item, make_product, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    return make_stock_books()


def _month(organisation, actor, item):
    """Opening 100 u at 10.00 on 28/02, then March: +50 at 12.30, −30, +80 at 11.00, −150."""
    receive(organisation, actor, item, 100, "10.00", date(2026, 2, 28), label="Stock initial")
    receive(organisation, actor, item, 50, "12.30", date(2026, 3, 5), label="Bon de réception R1")
    deliver(organisation, actor, item, 30, date(2026, 3, 10), label="Bon de livraison L1")
    receive(organisation, actor, item, 80, "11.00", date(2026, 3, 15), label="Bon de réception R2")
    deliver(organisation, actor, item, 150, date(2026, 3, 20), label="Bon de livraison L2")


def _cells(row):
    return (row.in_quantity, row.in_unit_cost, row.in_value, row.out_quantity, row.out_unit_cost, row.out_value,
            row.quantity, row.unit_cost, row.value)


def test_card_weighted_average_after_each_entry(books):
    organisation, actor = books
    item = make_item(organisation, "CUMP", method="wac_perpetual")
    _month(organisation, actor, item)
    rows = list(card_rows(item=item, date_from=date(2026, 3, 1)))
    # Date | Libellé | Entrées Qté PU Montant | Sorties Qté PU Montant | Stock Qté PU Montant
    assert [r.label for r in rows] == ["Stock initial", "Bon de réception R1", "Bon de livraison L1",
                                       "Bon de réception R2", "Bon de livraison L2"]
    assert _cells(rows[0])[6:] == (D("100.000"), D("10.0000"), D("1000.00"))
    # 1 000 + 615 = 1 615 for 150 u: CUMP 10.7666… → 10.77
    assert _cells(rows[1]) == (D("50.000"), D("12.3000"), D("615.00"), None, None, None,
                               D("150.000"), D("10.7700"), D("1615.00"))
    # 30 × 10.77 = 323.10; stock 120 × 10.77 = 1 292.40
    assert _cells(rows[2]) == (None, None, None, D("30.000"), D("10.7700"), D("323.10"),
                               D("120.000"), D("10.7700"), D("1292.40"))
    # 1 292.40 + 880 = 2 172.40 for 200 u: CUMP 10.862 → 10.86
    assert _cells(rows[3]) == (D("80.000"), D("11.0000"), D("880.00"), None, None, None,
                               D("200.000"), D("10.8600"), D("2172.40"))
    # 150 × 10.86 = 1 629.00; stock 50 × 10.86 = 543.00
    assert _cells(rows[4]) == (None, None, None, D("150.000"), D("10.8600"), D("1629.00"),
                               D("50.000"), D("10.8600"), D("543.00"))
    item.refresh_from_db()
    assert (item.quantity, item.value, item.unit_cost) == (D("50.000"), D("543.00"), D("10.8600"))
    totals = card_totals(item=item, date_from=date(2026, 3, 1))
    assert totals == {"in_quantity": D("130.000"), "in_value": D("1495.00"), "out_quantity": D("180.000"),
                      "out_value": D("1952.10")}  # 323.10 + 1 629.00


def test_card_fifo_shows_the_lots(books):
    organisation, actor = books
    item = make_item(organisation, "PEPS", method="fifo")
    _month(organisation, actor, item)
    rows = list(card_rows(item=item, date_from=date(2026, 3, 1)))
    assert rows[0].lots == [(D("100.000"), D("10.0000"), D("1000.00"))]
    assert rows[1].lots == [(D("100.000"), D("10.0000"), D("1000.00")), (D("50.000"), D("12.3000"), D("615.00"))]
    # 10/03: 30 taken from the 10.00 lot = 300.00; left 70 × 10.00 + 50 × 12.30 = 1 315.00
    assert rows[2].out_lots == [(D("30.000"), D("10.0000"), D("300.00"))]
    assert (rows[2].out_value, rows[2].value) == (D("300.00"), D("1315.00"))
    # 20/03: 150 = 70 × 10.00 + 50 × 12.30 + 30 × 11.00 = 700 + 615 + 330 = 1 645.00; left 50 × 11.00 = 550.00
    assert rows[4].out_lots == [(D("70.000"), D("10.0000"), D("700.00")), (D("50.000"), D("12.3000"), D("615.00")),
                                (D("30.000"), D("11.0000"), D("330.00"))]
    assert (rows[4].out_value, rows[4].quantity, rows[4].value) == (D("1645.00"), D("50.000"), D("550.00"))
    assert rows[4].lots == [(D("50.000"), D("11.0000"), D("550.00"))]


def test_card_periodic_weighted_average(books):
    organisation, actor = books
    item = make_item(organisation, "CUMPP", method="wac_periodic")
    _month(organisation, actor, item)
    rows = list(card_rows(item=item))
    # February: one entry, CUMP (0 + 1 000) / (0 + 100) = 10.00, closing 100 × 10.00
    assert rows[1].summary and (rows[1].unit_cost, rows[1].value) == (D("10.0000"), D("1000.00"))
    march = rows[2:]
    # CUMP of March = (1 000 + 615 + 880) / (100 + 50 + 80) = 2 495 / 230 = 10.8478… → 10.85
    exits = [r for r in march if r.out_quantity and not r.summary]
    assert [(r.out_quantity, r.out_unit_cost, r.out_value) for r in exits] == [
        (D("30.000"), D("10.8500"), D("325.50")), (D("150.000"), D("10.8500"), D("1627.50"))]
    summary = march[-1]
    assert summary.summary and summary.label.startswith("Fin de période 03/2026 : CUMP = (1000.00 + 1495.00)")
    # entries 130 u for 1 495.00; exits 180 × 10.85 = 1 953.00; final stock 50 × 10.85 = 542.50
    assert (summary.in_quantity, summary.in_value, summary.out_quantity, summary.out_value) == (
        D("130.000"), D("1495.00"), D("180.000"), D("1953.00"))
    assert (summary.quantity, summary.unit_cost, summary.value) == (D("50.000"), D("10.8500"), D("542.50"))


def test_back_dated_move_revalues_later_moves(books):
    organisation, actor = books
    item = make_item(organisation, "RETRO")
    receive(organisation, actor, item, 10, "10.00", date(2026, 3, 1))
    deliver(organisation, actor, item, 5, date(2026, 3, 10))
    # received late: 10 u at 13.00 on 05/03 → CUMP (100 + 130) / 20 = 11.50, the exit of 10/03 becomes 57.50
    receive(organisation, actor, item, 10, "13.00", date(2026, 3, 5))
    exit_move = StockMove.objects.get(item=item, kind="delivery")
    assert (exit_move.unit_cost, exit_move.value, exit_move.quantity_after, exit_move.value_after) == (
        D("11.5000"), D("-57.50"), D("15.000"), D("172.50"))
    item.refresh_from_db()
    assert (item.quantity, item.value, item.last_move_date) == (D("15.000"), D("172.50"), date(2026, 3, 10))
    # a back-dated exit that would have emptied the stock at an earlier date is refused
    with pytest.raises(BusinessError) as error:
        deliver(organisation, actor, item, 12, date(2026, 3, 2))
    assert error.value.code == "insufficient_stock"


def test_refusals_write_nothing(books):
    organisation, actor = books
    item = make_item(organisation, "REFUS")
    other = make_item(organisation, "AUTRE")
    receive(organisation, actor, item, 3, "5.00", date(2026, 3, 1))
    with pytest.raises(BusinessError) as error:  # the second move fails: the first is not kept either
        stock_moves_record(actor=actor, organisation=organisation, moves=[
            MoveInput(product_id=other.product_id, quantity=D(2), kind="receipt", date=date(2026, 3, 2),
                      unit_cost=D(1)),
            MoveInput(product_id=item.product_id, quantity=D(4), kind="delivery", date=date(2026, 3, 2))])
    assert error.value.code == "insufficient_stock" and "REFUS" in error.value.message
    assert StockMove.objects.filter(item=other).count() == 0
    untracked = make_product(organisation, "LIBRE")
    with pytest.raises(BusinessError) as error:
        stock_moves_record(actor=actor, organisation=organisation, moves=[
            MoveInput(product_id=untracked.pk, quantity=D(1), kind="receipt", date=date(2026, 3, 2))])
    assert error.value.field == "moves.1.product_id"
    with pytest.raises(BusinessError):
        stock_moves_record(actor=actor, organisation=organisation, moves=[
            MoveInput(product_id=item.product_id, quantity=D(-1), kind="receipt", date=date(2026, 3, 2))])
    assert tracked_product_ids(organisation=organisation, product_ids=[item.product_id, untracked.pk, None]) == {
        item.product_id}


def test_negative_stock_when_allowed_and_transfers_between_locations(books):
    organisation, actor = books
    item = make_item(organisation, "NEG", allow_negative=True)
    deliver(organisation, actor, item, 2, date(2026, 3, 1))
    item.refresh_from_db()
    assert item.quantity == D("-2.000")
    receive(organisation, actor, item, 10, "4.00", date(2026, 3, 2))
    shelf = location_create(actor=actor, organisation=organisation, code="R2", label="Rayon 2")
    moves = stock_transfer_record(actor=actor, organisation=organisation, product_id=item.product_id,
                                  quantity=D(5), from_location_id=item.default_location_id,
                                  to_location_id=shelf.pk, day=date(2026, 3, 3))
    assert [m.quantity_after for m in moves] == [D("8.000"), D("8.000")]  # the item's balance does not move
    strict = make_item(organisation, "STRICT")
    receive(organisation, actor, strict, 4, "1.00", date(2026, 3, 1))
    with pytest.raises(BusinessError) as error:
        stock_transfer_record(actor=actor, organisation=organisation, product_id=strict.product_id, quantity=D(5),
                              from_location_id=strict.default_location_id, to_location_id=shelf.pk,
                              day=date(2026, 3, 3))
    assert error.value.code == "insufficient_location_stock"
