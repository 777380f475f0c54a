"""Reads on physical counts: the list with line counts and variance totals (one query), one count's lines."""

from django.db.models import Count, Q, Sum

from ..models import StockCount

SHEET_HEADER = ["Référence", "Désignation", "Unité", "Emplacement", "Quantité théorique", "Quantité comptée"]
LINES_HEADER = ["Référence", "Désignation", "Unité", "Quantité théorique", "Quantité comptée", "Écart (qté)",
                "Coût unitaire", "Écart (valeur)"]


def count_list(*, organisation, status: str = ""):
    queryset = (StockCount.objects.filter(organisation=organisation).select_related("location", "entry")
                .annotate(line_count=Count("lines"),
                          counted=Count("lines", filter=Q(lines__counted_quantity__isnull=False)),
                          variance=Sum("lines__variance_value"))
                .order_by("-date", "-id"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def count_get(*, organisation, pk: int) -> StockCount:
    return StockCount.objects.select_related("location", "entry").get(organisation=organisation, pk=pk)


def count_lines(*, count: StockCount):
    return count.lines.select_related("item__product", "item__default_location").order_by("item__product__reference")


def count_summary(*, count: StockCount) -> dict:
    sums = count.lines.aggregate(
        shortage=Sum("variance_value", filter=Q(variance_value__lt=0)),
        surplus=Sum("variance_value", filter=Q(variance_value__gt=0)),
        counted=Count("id", filter=Q(counted_quantity__isnull=False)), lines=Count("id"))
    return {"shortage": sums["shortage"] or 0, "surplus": sums["surplus"] or 0, "counted": sums["counted"],
            "lines": sums["lines"], "net": (sums["shortage"] or 0) + (sums["surplus"] or 0)}
