"""Stocked item screens: the list (quantity and value, filters, CSV/XLSX), the create/edit form, the detail page
(quantities per location, latest moves) and the stock card (screen window, full card as CSV/XLSX/PDF)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate

from ..exports import card_csv_lines
from ..forms import CardFilterForm, ItemFilterForm, ItemForm
from ..models import StockItem
from ..selectors import card as card_selectors
from ..selectors import items as selectors
from ..selectors.moves import move_list
from ..services.items import stock_item_create, stock_item_update

EXPORT_HEADER = ["Référence", "Désignation", "Catégorie", "Méthode", "Unité", "Emplacement par défaut", "Quantité",
                 "Coût unitaire", "Valeur", "Stock d'alerte", "Stock de sécurité", "Stock minimum",
                 "Fournisseur habituel"]
CARD_PAGE = 200


def _item(request, pk) -> StockItem:
    try:
        return selectors.item_get(organisation=request.organisation, pk=pk)
    except StockItem.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("stock.view")
def item_list(request, org):
    organisation = request.organisation
    form = ItemFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"search": data["q"].strip(), "category": data["category"], "location": data["location"],
                   "below_reorder": data["alert"]}
    queryset = selectors.item_list(organisation=organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([i.product.reference, i.product.label, i.get_category_display(), i.get_valuation_method_display(),
                 i.product.unit, i.default_location.code if i.default_location else "", i.quantity, i.unit_cost,
                 i.value, i.reorder_point, i.safety_stock, i.minimum_stock,
                 i.preferred_supplier.name if i.preferred_supplier else ""] for i in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"articles-en-stock.{export}", EXPORT_HEADER, rows)
    return render(request, "stock/items/list.html", {
        "form": form, "page": paginate(request, queryset), "totals": selectors.item_totals(queryset),
        "can_write": can(request, "stock.write")})


def _item_data(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k != "product"}


@org_view("stock.write", write="stock.write")
def item_new(request, org):
    organisation = request.organisation
    initial = {"product": request.GET.get("product")} if request.GET.get("product") else {}
    form = ItemForm(request.POST or None, organisation=organisation, initial={"active": True, **initial})
    if request.method == "POST" and form.is_valid():
        try:
            item = stock_item_create(actor=request.user, organisation=organisation,
                                     product=form.cleaned_data["product"], data=_item_data(form.cleaned_data))
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"{item.product.reference} est désormais suivi en stock.")
            return redirect("stock:item_detail", org=org, pk=item.pk)
    return render(request, "stock/items/form.html", {"form": form}, status=422 if form.errors else 200)


@org_view("stock.write", write="stock.write")
def item_edit(request, org, pk):
    item = _item(request, pk)
    initial = {name: getattr(item, name) for name in ItemForm.base_fields if name != "product"}
    initial.update(default_location=item.default_location_id, preferred_supplier=item.preferred_supplier_id)
    form = ItemForm(request.POST or None, organisation=request.organisation, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            stock_item_update(actor=request.user, item=item, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Paramètres de stock enregistrés.")
            return redirect("stock:item_detail", org=org, pk=item.pk)
    return render(request, "stock/items/form.html", {"form": form, "item": item}, status=422 if form.errors else 200)


@org_view("stock.view")
def item_detail(request, org, pk):
    item = _item(request, pk)
    return render(request, "stock/items/detail.html", {
        "item": item, "locations": selectors.quantities_by_location(item=item),
        "moves": move_list(organisation=request.organisation, item=item)[:20],
        "can_write": can(request, "stock.write"),
        "history": history_of(organisation=request.organisation, obj=item)})


@org_view("stock.view")
def item_card(request, org, pk):
    """The stock card: a window of rows on screen; CSV, XLSX and PDF carry the whole card of the period."""
    item = _item(request, pk)
    form = CardFilterForm(request.GET or None)
    period = {}
    if form.is_valid():
        period = {"date_from": form.cleaned_data["date_from"], "date_to": form.cleaned_data["date_to"]}
    export = request.GET.get("export")
    filename = f"fiche-de-stock-{item.product.reference}"
    if export == "csv":
        return exports.csv_text_response(f"{filename}.csv", card_csv_lines(item=item, **period))
    if export == "xlsx":
        rows = (row.csv() for row in card_selectors.card_rows(item=item, **period))
        return exports.xlsx_response(f"{filename}.xlsx", card_selectors.CSV_HEADER, rows)
    if export == "pdf":
        try:
            rows = card_selectors.card_rows(item=item, **period)
            return exports.pdf_response("stock/items/card_pdf.html", {
                "item": item, "rows": rows, "organisation": request.organisation, **period},
                f"{filename}.pdf", max_rows=5000)
        except BusinessError as error:
            messages.error(request, error.message)
            return redirect("stock:card", org=org, pk=pk)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    rows = card_selectors.card_page_rows(item=item, offset=offset, limit=CARD_PAGE + 1, **period)
    return render(request, "stock/items/card.html", {
        "item": item, "form": form, "rows": rows[:CARD_PAGE], "offset": offset,
        "next_offset": offset + CARD_PAGE if len(rows) > CARD_PAGE else None,
        "previous_offset": max(0, offset - CARD_PAGE) if offset else None,
        "totals": card_selectors.card_totals(item=item, **period)})


urlpatterns = [
    path("articles/", item_list, name="items"),
    path("articles/nouveau/", item_new, name="item_new"),
    path("articles/<int:pk>/", item_detail, name="item_detail"),
    path("articles/<int:pk>/modifier/", item_edit, name="item_edit"),
    path("articles/<int:pk>/fiche/", item_card, name="card"),
]
