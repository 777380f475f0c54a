"""Figures of the stock dashboard, over the twelve months ending with the month of `as_of`:

- stock value at each month end (the stock app's valuation at a date: one SQL statement per month) and the cost
  of goods sold per month (exits to customers and to production, valued by each item's method; one GROUP BY);
- rotation = cost of goods sold over the 12 months / average stock (mean of the 12 month-end values), and days
  of stock = 365 / rotation;
- items at or below their reorder point, and slow movers: items in stock with no exit for `slow_days` days.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Max, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from agora.core.money import ZERO, round_money
from agora.ledger.domain import add_months
from agora.stock.models import MoveKind, StockItem, StockMove
from agora.stock.selectors.valuation import valuation_totals

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
EXIT_KINDS = [MoveKind.DELIVERY, MoveKind.PRODUCTION_OUT]
SHOWN = 20


@dataclass
class StockMonth:
    year: int
    month: int
    value: Decimal  # stock value at the month end (or at `as_of` for its month)
    cogs: Decimal  # cost of the goods that left stock during the month

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}"


@dataclass
class StockDashboard:
    as_of: date
    slow_days: int
    months: list[StockMonth]
    value: Decimal
    below_reorder_count: int
    below_reorder: list = field(default_factory=list)
    slow_movers: list = field(default_factory=list)
    slow_value: Decimal = ZERO

    @property
    def cogs(self) -> Decimal:
        return sum((m.cogs for m in self.months), ZERO)

    @property
    def average_stock(self) -> Decimal:
        return round_money(sum((m.value for m in self.months), ZERO) / len(self.months))

    @property
    def rotation(self) -> Decimal | None:
        """Times the average stock was sold over the 12 months."""
        total = sum((m.value for m in self.months), ZERO)
        if not total:
            return None
        return (self.cogs * len(self.months) / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def days_of_stock(self) -> Decimal | None:
        total = sum((m.value for m in self.months), ZERO)
        if not self.cogs:
            return None
        return (total * 365 / (len(self.months) * self.cogs)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month_end(year: int, month: int) -> date:
    first = date(year, month, 1)
    return add_months(first, 1) - timedelta(days=1)


def monthly_stock(*, organisation, as_of: date) -> list[StockMonth]:
    start = add_months(date(as_of.year, as_of.month, 1), -11)
    sums = (StockMove.objects.filter(organisation=organisation, kind__in=EXIT_KINDS, date__gte=start,
                                     date__lte=as_of)
            .annotate(y=ExtractYear("date"), m=ExtractMonth("date")).order_by().values("y", "m")
            .annotate(value=Sum("value")))
    cogs = {(row["y"], row["m"]): -round_money(row["value"] or ZERO) for row in sums}
    months = []
    for n in range(12):
        first = add_months(start, n)
        end = min(_month_end(first.year, first.month), as_of)
        value = valuation_totals(organisation=organisation, day=end)["value"]
        months.append(StockMonth(first.year, first.month, value, cogs.get((first.year, first.month), ZERO)))
    return months


def slow_movers(*, organisation, as_of: date, slow_days: int):
    """Items in stock whose latest exit (or first entry, if none) is more than `slow_days` days old."""
    since = as_of - timedelta(days=slow_days)
    return (StockItem.objects.filter(organisation=organisation, quantity__gt=0)
            .annotate(last_exit=Max("moves__date", filter=Q(moves__kind__in=EXIT_KINDS, moves__date__lte=as_of)),
                      first_move=Max("moves__date", filter=Q(moves__date__lte=since)))
            .filter(Q(last_exit__lt=since) | Q(last_exit__isnull=True, first_move__isnull=False))
            .select_related("product").order_by("-value", "product__reference"))


def stock_dashboard(*, organisation, as_of: date, slow_days: int = 90) -> StockDashboard:
    below = (StockItem.objects.filter(organisation=organisation, active=True, reorder_point__gt=0,
                                      quantity__lte=F("reorder_point"))
             .select_related("product").order_by("product__reference"))
    slow = slow_movers(organisation=organisation, as_of=as_of, slow_days=slow_days)
    months = monthly_stock(organisation=organisation, as_of=as_of)
    return StockDashboard(
        as_of=as_of, slow_days=slow_days, months=months, value=months[-1].value,
        below_reorder_count=below.count(), below_reorder=list(below[:SHOWN]), slow_movers=list(slow[:SHOWN]),
        slow_value=round_money(slow.order_by().aggregate(v=Sum("value"))["v"] or ZERO))
