"""Reads on stocked items and locations: which products are tracked, the item list, one item, per-location
quantities."""

from decimal import Decimal

from django.db.models import F, Q, Sum

from ..domain.valuation import round_qty
from ..models import Location, StockItem, StockMove


def tracked_product_ids(*, organisation, product_ids) -> set[int]:
    """Which of these products have a stock item (purchasing and sales record moves only for those)."""
    ids = {pk for pk in product_ids if pk}
    if not ids:
        return set()
    return set(StockItem.objects.filter(organisation=organisation, product_id__in=ids, active=True)
               .values_list("product_id", flat=True))


def item_list(*, organisation, search: str = "", category: str = "", location=None, below_reorder: bool = False,
              active: bool | None = True):
    """Stocked items with their product, quantity and value (stored balance: no per-row query)."""
    queryset = (StockItem.objects.filter(organisation=organisation)
                .select_related("product", "default_location", "preferred_supplier")
                .order_by("product__reference"))
    if active is not None:
        queryset = queryset.filter(active=active)
    if search:
        queryset = queryset.filter(Q(product__reference__icontains=search) | Q(product__label__icontains=search))
    if category:
        queryset = queryset.filter(category=category)
    if location is not None:
        queryset = queryset.filter(Q(default_location=location) | Q(moves__location=location)).distinct()
    if below_reorder:
        queryset = queryset.filter(quantity__lte=F("reorder_point"), reorder_point__gt=0)
    return queryset


def item_totals(queryset) -> dict:
    totals = queryset.order_by().aggregate(value=Sum("value"))
    return {"value": totals["value"] or Decimal("0.00")}


def item_get(*, organisation, pk: int) -> StockItem:
    return (StockItem.objects.select_related("product", "default_location", "preferred_supplier")
            .get(organisation=organisation, pk=pk))


def quantities_by_location(*, item: StockItem) -> list[dict]:
    """[{location, quantity}] where the item has stock (one GROUP BY)."""
    rows = (StockMove.objects.filter(item=item).order_by().values("location").annotate(quantity=Sum("quantity"))
            .filter(~Q(quantity=0)))
    locations = {loc.pk: loc for loc in Location.objects.filter(pk__in=[r["location"] for r in rows])}
    return [{"location": locations[r["location"]], "quantity": round_qty(r["quantity"])} for r in rows]


def location_list(*, organisation, active: bool | None = None):
    queryset = Location.objects.filter(organisation=organisation).order_by("code")
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset
