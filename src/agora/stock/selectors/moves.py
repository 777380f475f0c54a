"""Reads on stock moves: the filtered journal of moves (newest first) and its totals."""

from django.db.models import Q, Sum

from agora.core.money import ZERO, round_money

from ..models import StockMove

CSV_HEADER = ["Date", "Référence", "Article", "Emplacement", "Nature", "Quantité", "Coût unitaire", "Montant",
              "Stock après", "Origine", "Libellé"]


def move_list(*, organisation, item=None, kind: str = "", location=None, date_from=None, date_to=None,
              search: str = ""):
    queryset = (StockMove.objects.filter(organisation=organisation)
                .select_related("item__product", "location").order_by("-date", "-id"))
    if item is not None:
        queryset = queryset.filter(item=item)
    if kind:
        queryset = queryset.filter(kind=kind)
    if location is not None:
        queryset = queryset.filter(location=location)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if search:
        queryset = queryset.filter(Q(item__product__reference__icontains=search) | Q(label__icontains=search))
    return queryset


def move_totals(queryset) -> dict:
    sums = queryset.order_by().aggregate(entries=Sum("value", filter=Q(quantity__gt=0)),
                                         exits=Sum("value", filter=Q(quantity__lt=0)))
    return {"entries": round_money(sums["entries"] or ZERO), "exits": -round_money(sums["exits"] or ZERO)}


def csv_rows(queryset):
    for move in queryset.iterator(chunk_size=2000):
        yield [move.date, move.item.product.reference, move.item.product.label, move.location.code,
               move.get_kind_display(), move.quantity, move.unit_cost, move.value, move.quantity_after,
               move.origin_type, move.label]
