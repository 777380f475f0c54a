"""The reorder list: items at or below their reorder point (stock d'alerte) or their minimum stock, with the
quantity to order, the preferred supplier, the average daily demand and, where the history allows it, the
economic order quantity. The procurement app turns these proposals into purchase requests.

What is already on order counts with what is in stock (the stock position): an item whose open purchase orders
bring it above its reorder point is not proposed again. Purchase orders live in purchasing, above stock, so the
purchasing app registers the function that reads them (`register_on_order`) rather than stock importing it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Min, Q, Sum
from django.utils import timezone

from ..domain.orders import DAYS_PER_YEAR, MIN_HISTORY_DAYS, economic_order_quantity, quantity_to_order
from ..domain.valuation import round_qty
from ..models import MoveKind, StockItem, StockMove

DEMAND_DAYS = 90
DEMAND_KINDS = [MoveKind.DELIVERY, MoveKind.PRODUCTION_OUT]
_on_order_sources: list[Callable] = []


def register_on_order(source: Callable) -> None:
    """Add a reader of quantities on order: source(organisation, product_ids) -> {product id: quantity}."""
    if source not in _on_order_sources:
        _on_order_sources.append(source)


def quantities_on_order(organisation, product_ids: set[int]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for source in _on_order_sources:
        for product_id, quantity in source(organisation, product_ids).items():
            out[product_id] = out.get(product_id, Decimal(0)) + quantity
    return out


@dataclass
class ReorderProposal:
    product: object
    item: StockItem
    on_hand: Decimal
    on_order: Decimal  # ordered from suppliers, not received yet
    reorder_point: Decimal
    safety_stock: Decimal
    minimum: Decimal
    quantity_to_order: Decimal
    eoq: Decimal | None
    average_daily_demand: Decimal
    preferred_supplier: object | None
    days_of_history: int


def _demand(items: list[StockItem], today: date) -> dict[int, tuple[Decimal, int]]:
    """item id → (average daily demand over the last DEMAND_DAYS days, days of history counted)."""
    since = today - timedelta(days=DEMAND_DAYS - 1)
    rows = (StockMove.objects.filter(item__in=items, date__lte=today).order_by().values("item")
            .annotate(out=Sum("quantity", filter=Q(kind__in=DEMAND_KINDS, date__gte=since)), first=Min("date")))
    demand = {}
    for row in rows:
        days = min(DEMAND_DAYS, (today - row["first"]).days + 1)
        out = -Decimal(str(row["out"] or 0))  # SQLite sums decimals as floats
        demand[row["item"]] = (round_qty(out / days) if days > 0 else Decimal("0.000"), days)
    return demand


def reorder_proposals(*, organisation, today: date | None = None) -> list[ReorderProposal]:
    """One proposal per active item whose stock is at or below its reorder point, or below its minimum."""
    today = today or timezone.localdate()
    items = list(StockItem.objects.filter(organisation=organisation, active=True)
                 .filter(Q(reorder_point__gt=0, quantity__lte=F("reorder_point"))
                         | Q(quantity__lt=F("minimum_stock")))
                 .select_related("product", "preferred_supplier").order_by("product__reference"))
    on_order = quantities_on_order(organisation, {item.product_id for item in items})
    items = [item for item in items
             if item.quantity + on_order.get(item.product_id, 0) <= item.reorder_point and item.reorder_point > 0
             or item.quantity + on_order.get(item.product_id, 0) < item.minimum_stock]
    demand = _demand(items, today)
    proposals = []
    for item in items:
        ordered = round_qty(on_order.get(item.product_id, Decimal(0)))
        daily, days = demand.get(item.pk, (Decimal("0.000"), 0))
        eoq = None
        if days >= MIN_HISTORY_DAYS:
            eoq = economic_order_quantity(annual_demand=daily * DAYS_PER_YEAR, order_cost=item.order_cost,
                                          unit_cost=item.unit_cost, holding_rate_pct=item.holding_rate)
        proposals.append(ReorderProposal(
            product=item.product, item=item, on_hand=item.quantity, on_order=ordered, reorder_point=item.reorder_point,
            safety_stock=item.safety_stock, minimum=item.minimum_stock,
            quantity_to_order=quantity_to_order(available=item.quantity + ordered, reorder_point=item.reorder_point,
                                                maximum_stock=item.maximum_stock, eoq=eoq),
            eoq=eoq, average_daily_demand=daily, preferred_supplier=item.preferred_supplier, days_of_history=days))
    return proposals
