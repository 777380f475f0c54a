"""Reads on requests for quotation: the list, one RFQ, and the comparison of the answers (per supplier: total HT,
lead time, rating, URSSAF vigilance; per line: the best price marked)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from agora.procurement.models import RequestForQuotation, RfqLine, RfqQuote, RfqSupplier
from agora.procurement.selectors.suppliers import ratings_of, vigilance_missing


def rfq_list(*, organisation, status: str = "", supplier=None, search: str = "") -> QuerySet:
    queryset = (RequestForQuotation.objects.filter(organisation=organisation)
                .select_related("request", "order", "chosen__supplier")
                .annotate(supplier_count=Count("suppliers", distinct=True),
                          answer_count=Count("suppliers", filter=Q(suppliers__responded_at__isnull=False),
                                             distinct=True)))
    if status:
        queryset = queryset.filter(status=status)
    if supplier is not None:
        queryset = queryset.filter(suppliers__supplier=supplier)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(subject__icontains=search))
    return queryset.order_by("-issue_date", "-id")


def rfq_get(*, organisation, pk: int) -> RequestForQuotation:
    return (RequestForQuotation.objects.select_related("organisation", "request", "order", "chosen__supplier",
                                                       "chosen_by", "created_by")
            .get(organisation=organisation, pk=pk))


def rfq_supplier_get(*, rfq, pk: int) -> RfqSupplier:
    return RfqSupplier.objects.select_related("supplier", "rfq__organisation").get(rfq=rfq, pk=pk)


@dataclass
class Column:
    """One consulted supplier in the comparison."""

    consulted: RfqSupplier
    rating: Decimal | None
    vigilance_missing: bool
    total: Decimal | None = None
    complete: bool = False
    lead_time_days: int | None = None
    cheapest: bool = False
    rank: int | None = None


@dataclass
class Cell:
    quote: RfqQuote | None
    best: bool = False


@dataclass
class Row:
    line: RfqLine
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]


def rfq_comparison(*, rfq, today: date) -> Comparison:
    """The answers side by side. Complete offers (every line priced) are ranked by total HT, then lead time, then
    rating; the cheapest complete offer is marked, and on each line the lowest unit price (✓)."""
    lines = list(rfq.lines.select_related("product").order_by("line_no"))
    consulted = list(rfq.suppliers.select_related("supplier").order_by("id"))
    quotes = {(q.rfq_supplier_id, q.line_id): q for q in RfqQuote.objects.filter(rfq_supplier__rfq=rfq)}
    ids = {c.supplier_id for c in consulted}
    ratings = ratings_of(organisation=rfq.organisation, supplier_ids=ids)
    missing = vigilance_missing(organisation=rfq.organisation, supplier_ids=ids, today=today)
    columns = []
    for c in consulted:
        column = Column(consulted=c, rating=ratings.get(c.supplier_id), vigilance_missing=c.supplier_id in missing)
        mine = [quotes[(c.pk, line.pk)] for line in lines if (c.pk, line.pk) in quotes]
        if c.responded_at and not c.declined:
            column.total = c.total_untaxed
            column.complete = len(mine) == len(lines)
            times = [q.lead_time_days for q in mine if q.lead_time_days is not None]
            column.lead_time_days = c.lead_time_days if c.lead_time_days is not None else (max(times) if times
                                                                                           else None)
        columns.append(column)
    ranked = sorted((col for col in columns if col.complete),
                    key=lambda col: (col.total, col.lead_time_days if col.lead_time_days is not None else 9999,
                                     -(col.rating or 0)))
    for n, column in enumerate(ranked, start=1):
        column.rank = n
        column.cheapest = column.total == ranked[0].total
    rows = []
    for line in lines:
        cells = [Cell(quote=quotes.get((col.consulted.pk, line.pk)) if not col.consulted.declined else None)
                 for col in columns]
        prices = [cell.quote.unit_price for cell in cells if cell.quote is not None]
        for cell in cells:
            cell.best = cell.quote is not None and cell.quote.unit_price == min(prices)
        rows.append(Row(line=line, cells=cells))
    return Comparison(columns=columns, rows=rows)
