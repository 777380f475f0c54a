"""Physical count screens: the list, a new count, the count page (enter counted quantities, variances in
quantity and value, validate = record the variances and post the stock variation entry), the count sheet to
print (PDF, or XLSX with a blank counted column) and the lines as CSV/XLSX."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, today

from ..forms import CountFilterForm, CountForm
from ..models import StockCount
from ..selectors import counts as selectors
from ..services.counts import count_create, count_quantities_enter, count_validate


def _count(request, pk) -> StockCount:
    try:
        return selectors.count_get(organisation=request.organisation, pk=pk)
    except StockCount.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("stock.view")
def count_list(request, org):
    form = CountFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    return render(request, "stock/counts/list.html", {
        "form": form, "page": paginate(request, selectors.count_list(organisation=request.organisation,
                                                                     status=status)),
        "can_write": can(request, "stock.write")})


@org_view("stock.write", write="stock.write")
def count_new(request, org):
    form = CountForm(request.POST or None, organisation=request.organisation, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = count_create(actor=request.user, organisation=request.organisation, day=data["date"],
                                 location=data["location"], label=data["label"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Inventaire créé : imprimez la feuille de comptage, puis saisissez les "
                                      "quantités comptées.")
            return redirect("stock:count_detail", org=org, pk=count.pk)
    return render(request, "stock/counts/form.html", {"form": form}, status=422 if form.errors else 200)


@org_view("stock.view", write="stock.write")
def count_detail(request, org, pk):
    count = _count(request, pk)
    error = None
    if request.method == "POST":
        quantities = {key[5:]: value for key, value in request.POST.items() if key.startswith("line-")}
        try:
            count_quantities_enter(actor=request.user, count=count, quantities=quantities)
        except BusinessError as failure:
            error = failure.message
        else:
            messages.success(request, "Quantités comptées enregistrées.")
            return redirect("stock:count_detail", org=org, pk=pk)
    lines = selectors.count_lines(count=count)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([line.item.product.reference, line.item.product.label, line.item.product.unit,
                 line.expected_quantity, line.counted_quantity, line.variance_quantity, line.unit_cost,
                 line.variance_value] for line in lines)
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"inventaire-{count.pk}.{export}", selectors.LINES_HEADER, rows)
    return render(request, "stock/counts/detail.html", {
        "count": count, "lines": lines, "summary": selectors.count_summary(count=count), "error": error,
        "draft": count.status == StockCount.Status.DRAFT, "can_write": can(request, "stock.write"),
        "can_validate": can(request, "stock.validate"),
        "history": history_of(organisation=request.organisation, obj=count)}, status=422 if error else 200)


@require_POST
@org_view("stock.validate", write="stock.validate")
def count_validate_view(request, org, pk):
    count = _count(request, pk)
    try:
        count = count_validate(actor=request.user, count=count, post=request.POST.get("post", "1") == "1")
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        entry = f" ; écriture {count.entry.display_number} passée au journal OD" if count.entry else ""
        messages.success(request, f"Inventaire validé{entry}.")
    return redirect("stock:count_detail", org=org, pk=pk)


@org_view("stock.view")
def count_sheet(request, org, pk):
    """The count sheet: PDF to print, or XLSX; the counted column is left blank to be filled on the shelves."""
    count = _count(request, pk)
    lines = selectors.count_lines(count=count)
    location = count.location.code if count.location else ""
    if request.GET.get("format") == "xlsx":
        rows = ([line.item.product.reference, line.item.product.label, line.item.product.unit,
                 location or (line.item.default_location.code if line.item.default_location else ""),
                 line.expected_quantity, None] for line in lines)
        return exports.xlsx_response(f"feuille-inventaire-{count.pk}.xlsx", selectors.SHEET_HEADER, rows,
                                     title="Feuille de comptage")
    return exports.pdf_response("stock/counts/sheet_pdf.html", {"count": count, "rows": lines,
                                                                 "organisation": request.organisation},
                                f"feuille-inventaire-{count.pk}.pdf")


urlpatterns = [
    path("inventaires/", count_list, name="counts"),
    path("inventaires/nouveau/", count_new, name="count_new"),
    path("inventaires/<int:pk>/", count_detail, name="count_detail"),
    path("inventaires/<int:pk>/valider/", count_validate_view, name="count_validate"),
    path("inventaires/<int:pk>/feuille/", count_sheet, name="count_sheet"),
]
