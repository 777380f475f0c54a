"""Stock move screens: the journal of moves (filters, totals, CSV/XLSX), a manual move (receipt, delivery,
return, adjustment) and an internal transfer between locations."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, today

from ..forms import MoveFilterForm, MoveForm, TransferForm
from ..selectors import moves as selectors
from ..services.moves import MoveInput, stock_moves_record, stock_transfer_record


@org_view("stock.view")
def move_list(request, org):
    organisation = request.organisation
    form = MoveFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"search": data["q"].strip(), "kind": data["kind"], "location": data["location"],
                   "date_from": data["date_from"], "date_to": data["date_to"]}
    queryset = selectors.move_list(organisation=organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"mouvements-de-stock.{export}", selectors.CSV_HEADER, selectors.csv_rows(queryset))
    return render(request, "stock/moves/list.html", {
        "form": form, "page": paginate(request, queryset), "totals": selectors.move_totals(queryset),
        "can_write": can(request, "stock.write")})


def _field(error: BusinessError) -> BusinessError:
    """moves.1.quantity → quantity (the form has one move)."""
    if error.field and error.field.startswith("moves."):
        error.field = {"product_id": "item", "location_id": "location"}.get(error.field.split(".")[-1],
                                                                             error.field.split(".")[-1])
    return error


@org_view("stock.write", write="stock.write")
def move_new(request, org):
    organisation = request.organisation
    form = MoveForm(request.POST or None, organisation=organisation,
                    initial={"date": today(), "item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = stock_moves_record(actor=request.user, organisation=organisation, moves=[MoveInput(
                product_id=data["item"].product_id, quantity=data["quantity"], kind=data["kind"], date=data["date"],
                unit_cost=data["unit_cost"] or None, location_id=data["location"].pk if data["location"] else None,
                origin_type="stock.manual", label=data["label"])])[0]
        except BusinessError as error:
            add_business_error(form, _field(error))
        else:
            messages.success(request, f"Mouvement enregistré : {move.get_kind_display().lower()} de "
                                      f"{abs(move.quantity):f} {data['item'].product.unit}.")
            return redirect("stock:item_detail", org=org, pk=data["item"].pk)
    return render(request, "stock/moves/form.html", {"form": form, "title": "Saisir un mouvement de stock"},
                  status=422 if form.errors else 200)


@org_view("stock.write", write="stock.write")
def transfer_new(request, org):
    organisation = request.organisation
    form = TransferForm(request.POST or None, organisation=organisation, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stock_transfer_record(actor=request.user, organisation=organisation,
                                  product_id=data["item"].product_id, quantity=data["quantity"],
                                  from_location_id=data["from_location"].pk, to_location_id=data["to_location"].pk,
                                  day=data["date"], label=data["label"])
        except BusinessError as error:
            if error.field == "to_location_id":
                error.field = "to_location"
            add_business_error(form, _field(error))
        else:
            messages.success(request, "Transfert enregistré.")
            return redirect("stock:moves", org=org)
    return render(request, "stock/moves/form.html", {"form": form, "title": "Transfert entre emplacements"},
                  status=422 if form.errors else 200)


urlpatterns = [
    path("mouvements/", move_list, name="moves"),
    path("mouvements/nouveau/", move_new, name="move_new"),
    path("mouvements/transfert/", transfer_new, name="transfer_new"),
]
