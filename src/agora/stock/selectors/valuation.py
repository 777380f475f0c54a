"""Stock valuation at a date (inventaire en valeur): for every item, the balance stored on its latest move on
or before that date — one SQL statement whatever the number of items (an index seek per item on
(item, date, id)), with totals per stock account aggregated in SQL."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from agora.core.money import ZERO, round_money

from ..models import StockItem, StockMove

CSV_HEADER = ["Référence", "Désignation", "Catégorie", "Méthode", "Compte de stock", "Unité", "Quantité",
              "Coût unitaire", "Valeur"]


def _items(organisation, *, category: str = "", search: str = ""):
    items = StockItem.objects.filter(organisation=organisation)
    if category:
        items = items.filter(category=category)
    if search:
        items = items.filter(Q(product__reference__icontains=search) | Q(product__label__icontains=search))
    return items


def valuation_moves(*, organisation, day: date, category: str = "", search: str = "", nonzero: bool = True):
    """The latest move of each item on or before `day` (its *_after columns are the balance at that date)."""
    latest = (StockMove.objects.filter(item=OuterRef("pk"), date__lte=day).order_by("-date", "-id")
              .values("pk")[:1])
    ids = _items(organisation, category=category, search=search).annotate(latest=Subquery(latest)).values("latest")
    queryset = (StockMove.objects.filter(pk__in=ids).select_related("item__product")
                .order_by("item__product__reference"))
    if nonzero:
        queryset = queryset.exclude(quantity_after=0, value_after=0)
    return queryset


def valuation_totals(*, organisation, day: date, category: str = "", search: str = "") -> dict:
    """Total value and per stock account, in one GROUP BY."""
    rows = (valuation_moves(organisation=organisation, day=day, category=category, search=search, nonzero=False)
            .order_by().values("item__stock_account").annotate(value=Sum("value_after"), items=Count("id"))
            .order_by("item__stock_account"))
    accounts = [{"account": r["item__stock_account"], "value": round_money(r["value"] or ZERO),
                 "items": r["items"]} for r in rows]
    return {"accounts": accounts, "value": sum((a["value"] for a in accounts), ZERO)}


def value_by_account(*, organisation, day: date, accounts: set[str]) -> dict[str, Decimal]:
    """Stock value at `day` of every item of each stock account (what the count's variation entry records)."""
    totals = valuation_totals(organisation=organisation, day=day)["accounts"]
    found = {row["account"]: row["value"] for row in totals}
    return {account: found.get(account, ZERO) for account in accounts}


def csv_rows(moves):
    for move in moves.iterator(chunk_size=2000):
        item = move.item
        yield [item.product.reference, item.product.label, item.get_category_display(),
               item.get_valuation_method_display(), item.stock_account, item.product.unit, move.quantity_after,
               move.unit_cost_after, move.value_after]
