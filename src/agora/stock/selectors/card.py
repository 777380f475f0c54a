"""The stock card (fiche de stock) of one item, in the textbook layout:
Date | Libellé | Entrées (Qté, PU, Montant) | Sorties (Qté, PU, Montant) | Stock (Qté, PU, Montant).

One indexed read of the item's moves (their running balances were computed at insert), streamed. FIFO rows
show the lots an exit took and the lots left in stock. Periodic CUMP rows value the month's exits at the
month's final CUMP (read from the month's last move, hence a month's rows are held until the month ends) and
close each month with a summary row: (opening value + entries) / (opening quantity + entries) = CUMP.
Internal transfers are left out: they move stock between locations without changing the item's balance.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice

from django.db.models import Q, Sum

from agora.core.money import ZERO, round_money

from ..domain.valuation import TRANSFERS, period_of, round_qty
from ..models import Method, MoveKind, StockItem, StockMove

KIND_LABELS = dict(MoveKind.choices)
FIELDS = ["date", "kind", "label", "origin_type", "origin_id", "quantity", "unit_cost", "value", "quantity_after",
          "value_after", "unit_cost_after", "state_after"]
CSV_HEADER = ["Date", "Libellé", "Nature", "Entrée qté", "Entrée PU", "Entrée montant", "Sortie qté", "Sortie PU",
              "Sortie montant", "Stock qté", "Stock PU", "Stock montant"]


@dataclass
class CardRow:
    date: date | None
    label: str
    kind: str = ""
    in_quantity: Decimal | None = None
    in_unit_cost: Decimal | None = None
    in_value: Decimal | None = None
    out_quantity: Decimal | None = None
    out_unit_cost: Decimal | None = None
    out_value: Decimal | None = None
    quantity: Decimal | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    out_lots: list = field(default_factory=list)  # FIFO: [(quantity, unit cost, value)] taken by an exit
    lots: list = field(default_factory=list)  # FIFO: lots left in stock
    summary: bool = False  # opening row or a periodic month's closing row

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "")

    def csv(self) -> list:
        return [self.date, self.label, self.kind_label, self.in_quantity, self.in_unit_cost, self.in_value,
                self.out_quantity, self.out_unit_cost, self.out_value, self.quantity, self.unit_cost, self.value]


def _lots(pairs) -> list:
    return [(Decimal(q), Decimal(c), round_money(Decimal(q) * Decimal(c))) for q, c in pairs]


def opening_row(item: StockItem, before: date) -> CardRow:
    """The balance before `before`, as the card's first row."""
    move = item.moves.filter(date__lt=before).order_by("-date", "-id").first()
    if move is None:
        return CardRow(before, "Stock initial", quantity=Decimal("0.000"), unit_cost=None, value=ZERO, summary=True)
    return CardRow(before, "Stock initial", quantity=move.quantity_after, unit_cost=move.unit_cost_after,
                   value=move.value_after, lots=_lots(move.state_after.get("layers", [])), summary=True)


def _row(item: StockItem, values: tuple) -> CardRow:
    day, kind, label, _origin_type, _origin_id, quantity, unit_cost, value, q_after, v_after, c_after, state = values
    row = CardRow(day, label, kind, quantity=q_after, unit_cost=c_after, value=v_after)
    if quantity > 0:
        row.in_quantity, row.in_unit_cost, row.in_value = quantity, unit_cost, value
    else:
        row.out_quantity, row.out_unit_cost, row.out_value = -quantity, unit_cost, -value
    if item.valuation_method == Method.FIFO and state:
        row.lots = _lots(state.get("layers", []))
        row.out_lots = _lots(state.get("consumed", []))
    return row


def _periodic(rows: Iterator[CardRow], opening: CardRow | None) -> Iterator[CardRow]:
    """Hold each month's rows until its end, then value its exits at the month's final CUMP and add the
    month's summary row."""
    month: list[CardRow] = []
    start_quantity = opening.quantity if opening else Decimal("0.000")
    start_value = opening.value if opening else ZERO

    def close(rows_of_month: list[CardRow]):
        nonlocal start_quantity, start_value
        last = rows_of_month[-1]
        day, cump, closing_quantity, closing_value = last.date, last.unit_cost, last.quantity, last.value
        in_quantity = sum((r.in_quantity or 0 for r in rows_of_month), Decimal("0.000"))
        in_value = sum((r.in_value or 0 for r in rows_of_month), ZERO)
        out_quantity = sum((r.out_quantity or 0 for r in rows_of_month), Decimal("0.000"))
        for r in rows_of_month:
            if r.out_quantity is not None:
                r.out_unit_cost, r.out_value = cump, round_money(r.out_quantity * cump)
            r.unit_cost = r.value = None  # mid-period, only the quantity is known for sure
            yield r
        yield CardRow(day, f"Fin de période {day:%m/%Y} : CUMP = ({start_value} + {in_value}) / "
                      f"({start_quantity:f} + {in_quantity:f}) = {cump}", in_quantity=in_quantity, in_value=in_value,
                      in_unit_cost=cump, out_quantity=out_quantity, out_unit_cost=cump,
                      out_value=round_money(out_quantity * cump), quantity=closing_quantity, unit_cost=cump,
                      value=closing_value, summary=True)
        start_quantity, start_value = closing_quantity, closing_value

    for row in rows:
        if month and period_of(row.date) != period_of(month[-1].date):
            yield from close(month)
            month = []
        month.append(row)
    if month:
        yield from close(month)


def card_rows(*, item: StockItem, date_from: date | None = None, date_to: date | None = None) -> Iterator[CardRow]:
    """The card's rows in order (opening row first when `date_from` is given), streamed."""
    opening = opening_row(item, date_from) if date_from else None
    queryset = StockMove.objects.filter(item=item).exclude(kind__in=TRANSFERS).order_by("date", "id")
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    rows = (_row(item, values) for values in queryset.values_list(*FIELDS).iterator(chunk_size=5000))
    if opening is not None:
        yield opening
    if item.valuation_method == Method.WAC_PERIODIC:
        yield from _periodic(rows, opening)
    else:
        yield from rows


def card_totals(*, item: StockItem, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Entries and exits of the period in quantity and value (one aggregate; periodic exits at stored values)."""
    queryset = StockMove.objects.filter(item=item).exclude(kind__in=TRANSFERS)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    entries, exits = Q(quantity__gt=0), Q(quantity__lt=0)
    sums = queryset.aggregate(in_q=Sum("quantity", filter=entries), in_v=Sum("value", filter=entries),
                              out_q=Sum("quantity", filter=exits), out_v=Sum("value", filter=exits))
    return {"in_quantity": round_qty(sums["in_q"] or 0), "in_value": round_money(sums["in_v"] or 0),
            "out_quantity": -round_qty(sums["out_q"] or 0), "out_value": -round_money(sums["out_v"] or 0)}


def card_page_rows(*, item: StockItem, date_from=None, date_to=None, offset: int = 0, limit: int = 200) -> list:
    """A window of the card for the screen (the full card goes to CSV/XLSX/PDF). A perpetual card reads just
    that window; a periodic one reads from the start (its rows wait for their month's end)."""
    if item.valuation_method != Method.WAC_PERIODIC:
        opening = [opening_row(item, date_from)] if date_from else []
        queryset = StockMove.objects.filter(item=item).exclude(kind__in=TRANSFERS).order_by("date", "id")
        if date_from:
            queryset = queryset.filter(date__gte=date_from)
        if date_to:
            queryset = queryset.filter(date__lte=date_to)
        start = max(0, offset - len(opening))
        rows = [_row(item, values) for values in queryset.values_list(*FIELDS)[start:offset + limit - len(opening)]]
        return (opening + rows)[offset - start:] if offset < len(opening) else rows
    return list(islice(card_rows(item=item, date_from=date_from, date_to=date_to), offset, offset + limit))
