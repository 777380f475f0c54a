"""The three valuation methods of the stock card, as one pure step: balance before + one move → balance after.

Rounding, as French textbooks do it, applied the same way everywhere:
- weighted average cost (CUMP), perpetual or periodic, is rounded to the cent (half up);
- after an entry, the stock value is the previous value plus the entry's value, and the CUMP is recomputed
  from it; after an exit (valued quantity × CUMP), the stock value is the quantity left × CUMP — so the
  "Stock" column always reads quantity × unit cost, as on a textbook card;
- FIFO (PEPS) keeps lots (quantity, unit cost as given, to 4 decimals); an exit takes the oldest lots first,
  each portion valued and rounded to the cent; the stock value is the sum of the lots' rounded values;
- periodic CUMP: the period is the calendar month; CUMP of the period = (value of the opening stock + value
  of the period's entries) / (opening quantity + entries' quantity). Mid-period, the figure is provisional
  (entries so far); at the month's last move it is final, and the month's exits are valued at it when read.
Internal transfers move stock between locations of the same item: they leave the item's balance unchanged.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from agora.core.money import ZERO, round_money

QTY = Decimal("0.001")
COST4 = Decimal("0.0001")
ZERO_QTY = Decimal("0.000")

WAC_PERPETUAL, WAC_PERIODIC, FIFO = "wac_perpetual", "wac_periodic", "fifo"
TRANSFERS = {"transfer_in", "transfer_out"}


def round_qty(value) -> Decimal:
    return Decimal(value).quantize(QTY, rounding=ROUND_HALF_UP)


def round_cost(value) -> Decimal:
    return Decimal(value).quantize(COST4, rounding=ROUND_HALF_UP)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class Balance:
    """An item's stock after a move: quantity, value, unit cost, and the method's own state."""

    quantity: Decimal = ZERO_QTY
    value: Decimal = ZERO
    unit_cost: Decimal = Decimal("0.0000")
    layers: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # FIFO lots (quantity, unit cost)
    basis_quantity: Decimal = ZERO_QTY  # periodic: opening stock + entries of the period so far
    basis_value: Decimal = ZERO
    period: str = ""  # periodic: "YYYY-MM" of the latest move

    def state(self) -> dict:
        """JSON-safe method state (decimals as strings)."""
        data = {}
        if self.layers:
            data["layers"] = [[str(q), str(c)] for q, c in self.layers]
        if self.period:
            data["period"] = self.period
            data["basis"] = [str(self.basis_quantity), str(self.basis_value)]
        return data

    @classmethod
    def restore(cls, quantity, value, unit_cost, state: dict | None) -> "Balance":
        state = state or {}
        basis = state.get("basis") or ["0", "0"]
        return cls(quantity=Decimal(quantity), value=Decimal(value), unit_cost=Decimal(unit_cost),
                   layers=[(Decimal(q), Decimal(c)) for q, c in state.get("layers", [])],
                   basis_quantity=Decimal(basis[0]), basis_value=Decimal(basis[1]), period=state.get("period", ""))


@dataclass
class Valued:
    """One move valued: its unit cost and signed value, the FIFO lots an exit took, the balance after it."""

    unit_cost: Decimal
    value: Decimal
    balance: Balance
    consumed: list[tuple[Decimal, Decimal]] = field(default_factory=list)


def _layers_value(layers) -> Decimal:
    return sum((round_money(q * c) for q, c in layers), ZERO)


def _cent_cost(value: Decimal) -> Decimal:
    """A CUMP: rounded to the cent, stored with four places."""
    return round_money(value).quantize(COST4)


def value_move(method: str, before: Balance, *, kind: str, quantity: Decimal, unit_cost: Decimal | None,
               day: date) -> Valued:
    """Value one move. `quantity` is signed (+ entry, − exit); `unit_cost` is given for costed entries, None
    for exits and for entries valued at the current cost (returns, positive adjustments)."""
    quantity = round_qty(quantity)
    if kind in TRANSFERS:
        cost = before.unit_cost
        return Valued(cost, round_money(quantity * cost), _copy(before))
    if method == FIFO:
        return _fifo(before, quantity, unit_cost)
    if method == WAC_PERIODIC:
        return _periodic(before, quantity, unit_cost, period_of(day))
    return _perpetual(before, quantity, unit_cost)


def _copy(balance: Balance) -> Balance:
    return Balance(balance.quantity, balance.value, balance.unit_cost, list(balance.layers), balance.basis_quantity,
                   balance.basis_value, balance.period)


def _perpetual(before: Balance, quantity: Decimal, unit_cost: Decimal | None) -> Valued:
    after = _copy(before)
    after.quantity = before.quantity + quantity
    if quantity > 0:
        cost = round_cost(unit_cost if unit_cost is not None else before.unit_cost)
        value = round_money(quantity * cost)
        if before.quantity < 0:  # negative stock (allowed by setting) is made good at the entry's cost
            after.unit_cost = _cent_cost(cost)
            after.value = round_money(after.quantity * after.unit_cost)
        else:
            after.value = before.value + value
            after.unit_cost = _cent_cost(after.value / after.quantity) if after.quantity else before.unit_cost
        return Valued(cost, value, after)
    cost = before.unit_cost
    value = round_money(quantity * cost)
    after.value = round_money(after.quantity * cost)
    return Valued(cost, value, after)


def _periodic(before: Balance, quantity: Decimal, unit_cost: Decimal | None, period: str) -> Valued:
    after = _copy(before)
    if before.period != period:  # a new month opens on the previous month's closing stock
        after.period = period
        after.basis_quantity, after.basis_value = before.quantity, before.value
    after.quantity = before.quantity + quantity
    if quantity > 0:
        cost = round_cost(unit_cost if unit_cost is not None else before.unit_cost)
        value = round_money(quantity * cost)
        after.basis_quantity += quantity
        after.basis_value += value
        after.unit_cost = (_cent_cost(after.basis_value / after.basis_quantity) if after.basis_quantity > 0
                           else _cent_cost(cost))
        after.value = round_money(after.quantity * after.unit_cost)
        return Valued(cost, value, after)
    cost = after.unit_cost
    after.value = round_money(after.quantity * cost)
    return Valued(cost, round_money(quantity * cost), after)


def _fifo(before: Balance, quantity: Decimal, unit_cost: Decimal | None) -> Valued:
    after = _copy(before)
    after.quantity = before.quantity + quantity
    layers = after.layers
    if quantity > 0:
        last = layers[-1][1] if layers else before.unit_cost
        cost = round_cost(unit_cost if unit_cost is not None else last)
        left = quantity
        if layers and layers[0][0] < 0:  # a shortfall (negative stock) is filled first
            short, short_cost = layers.pop(0)
            filled = min(left, -short)
            left -= filled
            if -short > filled:
                layers.insert(0, (short + filled, short_cost))
        if left > 0:
            layers.append((left, cost))
        after.value = _layers_value(layers)
        after.unit_cost = round_cost(after.value / after.quantity) if after.quantity > 0 else cost
        return Valued(cost, round_money(quantity * cost), after)
    wanted = -quantity
    consumed: list[tuple[Decimal, Decimal]] = []
    while wanted > 0 and layers and layers[0][0] > 0:
        lot_quantity, lot_cost = layers[0]
        taken = min(wanted, lot_quantity)
        consumed.append((taken, lot_cost))
        wanted -= taken
        if taken == lot_quantity:
            layers.pop(0)
        else:
            layers[0] = (lot_quantity - taken, lot_cost)
    if wanted > 0:  # negative stock allowed: the shortfall is valued at the latest known cost
        last = consumed[-1][1] if consumed else (layers[0][1] if layers else before.unit_cost)
        consumed.append((wanted, last))
        if layers and layers[0][0] < 0:
            layers[0] = (layers[0][0] - wanted, layers[0][1])
        else:
            layers.insert(0, (-wanted, last))
    value = -sum((round_money(q * c) for q, c in consumed), ZERO)
    after.value = _layers_value(layers)
    if after.quantity > 0:
        after.unit_cost = round_cost(after.value / after.quantity)
    elif consumed:
        after.unit_cost = consumed[-1][1]
    cost = round_cost(-value / -quantity) if quantity else before.unit_cost
    return Valued(cost, value, after, consumed)
