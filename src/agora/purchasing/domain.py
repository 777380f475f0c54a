"""Pure purchasing rules (no ORM): quantities left on a line, the unit purchase cost that enters stock, and the
three-way match of a supplier invoice.

The three-way match compares, per order line, what was ordered, what was received (accepted after the quality
check) and what is invoiced (by earlier validated invoices plus this one), and the invoiced net unit price with
the ordered one. Each difference is a `Discrepancy` the assistant must see, and accept explicitly, before the
invoice is validated.
"""

from dataclasses import dataclass
from decimal import Decimal

from agora.core.money import format_amount

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PRICE_PLACES = Decimal("0.0001")


def remaining(quantity: Decimal, done: Decimal) -> Decimal:
    """What is left to receive / invoice / credit on a line (never below zero)."""
    left = Decimal(quantity) - Decimal(done)
    return left if left > ZERO else ZERO


def net_unit_price(unit_price: Decimal, discount_pct: Decimal) -> Decimal:
    """Unit price after the line discount, to 4 places (the precision of stored unit prices)."""
    return (Decimal(unit_price) * (HUNDRED - Decimal(discount_pct)) / HUNDRED).quantize(PRICE_PLACES)


def quantity_text(value: Decimal) -> str:
    """A quantity as a French reader expects it: no trailing zeros, a decimal comma."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class CostLine:
    """One line of a purchase document as the purchase cost sees it."""

    key: int
    net: Decimal  # line net excl. VAT, after the line discount
    quantity: Decimal
    in_stock: bool  # a stock-tracked product: it carries the ancillary costs


COST_PLACES = Decimal("0.0001")


def landed_unit_costs(lines: list[CostLine], *, reduction_pcts: list[Decimal],
                      shipping: Decimal) -> dict[int, Decimal]:
    """Unit purchase cost (coût d'achat) of each line, to 4 places: the line net after the document's successive
    reductions (remise, rabais, ristourne), plus the ancillary purchase costs (shipping…) spread over the
    stock-tracked lines pro rata of that net — PCG art. 213-8: purchase price net of commercial reductions plus
    costs directly attributable to the acquisition. The escompte is not deducted: the books take it as a
    financial income (765) when obtained."""
    factor = Decimal(1)
    for pct in reduction_pcts:
        factor *= (HUNDRED - Decimal(pct)) / HUNDRED
    commercial = {line.key: Decimal(line.net) * factor for line in lines}
    carriers = {line.key for line in lines if line.in_stock and line.quantity}
    base = sum((commercial[key] for key in carriers), ZERO)
    out = {}
    for line in lines:
        if not line.quantity:
            continue
        share = Decimal(shipping) * commercial[line.key] / base if line.key in carriers and base else ZERO
        out[line.key] = ((commercial[line.key] + share) / Decimal(line.quantity)).quantize(COST_PLACES)
    return out


@dataclass(frozen=True)
class OrderedLine:
    """What the order says about one order line, and what happened to it before this invoice."""

    quantity: Decimal
    net_unit_price: Decimal
    received: Decimal  # accepted on validated receipts
    invoiced_before: Decimal  # on other validated invoices, net of validated credit notes


@dataclass(frozen=True)
class InvoicedLine:
    position: int
    label: str
    quantity: Decimal
    net_unit_price: Decimal
    order_line_id: int | None
    ordered: OrderedLine | None


@dataclass(frozen=True)
class Discrepancy:
    code: str  # "not_received" | "over_ordered" | "price" | "not_on_order"
    position: int
    label: str
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None


def three_way_match(lines: list[InvoicedLine], *, linked_to_order: bool) -> list[Discrepancy]:
    """Discrepancies of an invoice, in line order. An invoice linked to no order (rent, energy…) has no match
    basis and no discrepancy; once linked, a line outside the order is itself a discrepancy."""
    out: list[Discrepancy] = []
    per_order_line: dict[int, list[InvoicedLine]] = {}
    for line in lines:
        if line.order_line_id is None or line.ordered is None:
            if linked_to_order:
                out.append(Discrepancy("not_on_order", line.position, line.label,
                                       f"Ligne {line.position} : « {line.label} » ne figure pas sur la commande."))
            continue
        per_order_line.setdefault(line.order_line_id, []).append(line)
        if line.net_unit_price != line.ordered.net_unit_price:
            out.append(Discrepancy(
                "price", line.position, line.label,
                f"Ligne {line.position} : prix facturé {format_amount(line.net_unit_price)} € HT ≠ prix commandé "
                f"{format_amount(line.ordered.net_unit_price)} € HT.",
                expected=line.ordered.net_unit_price, actual=line.net_unit_price))
    for group in per_order_line.values():
        first, ordered = group[0], group[0].ordered
        invoiced = ordered.invoiced_before + sum((x.quantity for x in group), ZERO)
        if invoiced > ordered.received:
            out.append(Discrepancy(
                "not_received", first.position, first.label,
                f"Ligne {first.position} : quantité facturée ({quantity_text(invoiced)}) supérieure à la quantité "
                f"reçue ({quantity_text(ordered.received)}).", expected=ordered.received, actual=invoiced))
        if invoiced > ordered.quantity:
            out.append(Discrepancy(
                "over_ordered", first.position, first.label,
                f"Ligne {first.position} : quantité facturée ({quantity_text(invoiced)}) supérieure à la quantité "
                f"commandée ({quantity_text(ordered.quantity)}).", expected=ordered.quantity, actual=invoiced))
    return sorted(out, key=lambda d: d.position)
