"""The valuation step of each method against hand-worked textbook cards (pure, no database).

The same month for the three methods (quantities in units, costs in euros):
    28/02 entry 100 u at 10.00 | 05/03 entry 50 u at 12.30 | 10/03 exit 30 u | 15/03 entry 80 u at 11.00
    20/03 exit 150 u
"""

from datetime import date
from decimal import Decimal as D

from agora.stock.domain.valuation import FIFO, WAC_PERIODIC, WAC_PERPETUAL, Balance, value_move

MOVES = [(date(2026, 2, 28), "receipt", D(100), D("10.00")), (date(2026, 3, 5), "receipt", D(50), D("12.30")),
         (date(2026, 3, 10), "delivery", D(-30), None), (date(2026, 3, 15), "receipt", D(80), D("11.00")),
         (date(2026, 3, 20), "delivery", D(-150), None)]


def _play(method):
    balance, rows = Balance(), []
    for day, kind, quantity, cost in MOVES:
        valued = value_move(method, balance, kind=kind, quantity=quantity, unit_cost=cost, day=day)
        balance = valued.balance
        rows.append((valued.unit_cost, valued.value, balance.quantity, balance.unit_cost, balance.value,
                     valued.consumed))
    return rows


def test_weighted_average_after_each_entry():
    rows = _play(WAC_PERPETUAL)
    # 28/02: 100 × 10.00 = 1 000.00 → stock 100 | 10.00 | 1 000.00
    assert rows[0][:5] == (D("10.0000"), D("1000.00"), D("100.000"), D("10.0000"), D("1000.00"))
    # 05/03: +50 × 12.30 = 615.00 → 150 u, 1 615.00, CUMP 1 615 / 150 = 10.7666… → 10.77
    assert rows[1][:5] == (D("12.3000"), D("615.00"), D("150.000"), D("10.7700"), D("1615.00"))
    # 10/03: −30 × 10.77 = 323.10 → 120 u × 10.77 = 1 292.40
    assert rows[2][:5] == (D("10.7700"), D("-323.10"), D("120.000"), D("10.7700"), D("1292.40"))
    # 15/03: +80 × 11.00 = 880.00 → 200 u, 1 292.40 + 880 = 2 172.40, CUMP 10.862 → 10.86
    assert rows[3][:5] == (D("11.0000"), D("880.00"), D("200.000"), D("10.8600"), D("2172.40"))
    # 20/03: −150 × 10.86 = 1 629.00 → 50 u × 10.86 = 543.00
    assert rows[4][:5] == (D("10.8600"), D("-1629.00"), D("50.000"), D("10.8600"), D("543.00"))


def test_fifo_takes_the_oldest_lots_first():
    rows = _play(FIFO)
    assert rows[1][4] == D("1615.00")  # lots 100 × 10.00 + 50 × 12.30
    # 10/03: 30 from the 10.00 lot = 300.00 → lots 70 × 10.00 + 50 × 12.30 = 1 315.00
    assert rows[2][1] == D("-300.00") and rows[2][4] == D("1315.00")
    assert rows[2][5] == [(D("30.000"), D("10.0000"))]
    # 15/03: + 80 × 11.00 → 700 + 615 + 880 = 2 195.00
    assert rows[3][4] == D("2195.00")
    # 20/03: 150 = 70 × 10.00 (700) + 50 × 12.30 (615) + 30 × 11.00 (330) = 1 645.00 → 50 × 11.00 = 550.00
    assert rows[4][1] == D("-1645.00") and rows[4][2] == D("50.000") and rows[4][4] == D("550.00")
    assert rows[4][5] == [(D("70.000"), D("10.0000")), (D("50.000"), D("12.3000")), (D("30.000"), D("11.0000"))]
    # check: 1 000 + 615 + 880 − 300 − 1 645 = 550 ✓


def test_periodic_weighted_average_of_the_month():
    rows = _play(WAC_PERIODIC)
    # February closes at 100 × 10.00 = 1 000.00.
    # March: CUMP so far after 05/03 = (1 000 + 615) / 150 = 10.77 (provisional)
    assert rows[1][3] == D("10.7700")
    # after 15/03: (1 000 + 615 + 880) / (100 + 50 + 80) = 2 495 / 230 = 10.8478… → 10.85 (final for March)
    assert rows[3][3] == D("10.8500") and rows[3][4] == D("2170.00")  # 200 × 10.85
    # 20/03: exit 150 × 10.85 = 1 627.50 → 50 × 10.85 = 542.50 (final stock of March)
    assert rows[4][:5] == (D("10.8500"), D("-1627.50"), D("50.000"), D("10.8500"), D("542.50"))


def test_transfers_leave_the_balance_unchanged_and_negative_stock_is_made_good():
    before = Balance(quantity=D("10.000"), value=D("100.00"), unit_cost=D("10.0000"))
    moved = value_move(WAC_PERPETUAL, before, kind="transfer_out", quantity=D(-4), unit_cost=None,
                       day=date(2026, 3, 1))
    assert moved.value == D("-40.00") and moved.balance.quantity == D("10.000")
    short = value_move(WAC_PERPETUAL, before, kind="delivery", quantity=D(-12), unit_cost=None, day=date(2026, 3, 1))
    assert short.balance.quantity == D("-2.000") and short.balance.value == D("-20.00")
    # an entry of 5 at 11.00 on −2 units: stock 3 at the entry's cost
    back = value_move(WAC_PERPETUAL, short.balance, kind="receipt", quantity=D(5), unit_cost=D(11),
                      day=date(2026, 3, 2))
    assert back.balance.quantity == D("3.000") and back.balance.value == D("33.00")
    fifo = value_move(FIFO, Balance(quantity=D("1.000"), value=D("10.00"), unit_cost=D("10.0000"),
                                    layers=[(D("1.000"), D("10.0000"))]),
                      kind="delivery", quantity=D(-3), unit_cost=None, day=date(2026, 3, 1))
    assert fifo.value == D("-30.00") and fifo.balance.layers == [(D("-2.000"), D("10.0000"))]
    refill = value_move(FIFO, fifo.balance, kind="receipt", quantity=D(5), unit_cost=D(12), day=date(2026, 3, 2))
    assert refill.balance.layers == [(D("3.000"), D("12.0000"))] and refill.balance.value == D("36.00")
