"""Stock valuation at a date (inventaire en valeur): items with quantity, unit cost and value, totals per stock
account, CSV/XLSX."""

from django.shortcuts import render
from django.urls import path

from agora.core import exports
from agora.core.views import org_view, paginate, today

from ..forms import DateForm
from ..selectors import valuation as selectors


@org_view("stock.view")
def valuation(request, org):
    organisation = request.organisation
    form = DateForm(request.GET or None, initial={"day": today()})
    day, filters = today(), {}
    if form.is_valid():
        day = form.cleaned_data["day"] or today()
        filters = {"search": form.cleaned_data["q"].strip(), "category": form.cleaned_data["category"]}
    moves = selectors.valuation_moves(organisation=organisation, day=day, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"valorisation-stock-{day:%Y-%m-%d}.{export}", selectors.CSV_HEADER, selectors.csv_rows(moves))
    return render(request, "stock/valuation/list.html", {
        "form": form, "day": day, "page": paginate(request, moves),
        "totals": selectors.valuation_totals(organisation=organisation, day=day, **filters)})


urlpatterns = [path("valorisation/", valuation, name="valuation")]
