"""The cash forecast (budget de trésorerie): the table by week or month, its CSV/XLSX, the chart forecast vs
actual, and the recurring items and manual lines it adds to the open ledger items (treasury.write to edit)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, today

from ..charts import forecast_chart
from ..forms import ForecastForm, ForecastLineForm, RecurringForm
from ..selectors import registers as selectors
from ..selectors.forecast import forecast as forecast_of
from ..services import forecast as services
from ._common import forecast_line_or_404, recurring_or_404


def forecast_table(result) -> tuple[list[str], list[list]]:
    """The textbook layout as rows: receipts by category, payments by category, net, opening, closing."""
    header = ["", *[column.label for column in result.columns], "Total"]
    rows = [["Encaissements"]]
    rows += [[row.label, *row.amounts, row.total] for row in result.inflows]
    rows.append(["Total des encaissements", *result.inflow_totals, sum(result.inflow_totals)])
    rows.append(["Décaissements"])
    rows += [[row.label, *row.amounts, row.total] for row in result.outflows]
    rows.append(["Total des décaissements", *result.outflow_totals, sum(result.outflow_totals)])
    rows.append(["Solde de la période", *result.net, sum(result.net)])
    rows.append(["Trésorerie début", *result.openings, result.opening])
    rows.append(["Trésorerie fin", *result.closings, result.closings[-1]])
    return header, rows


@org_view("treasury.view")
def forecast(request, org):
    form = ForecastForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day = today()
    result = forecast_of(request.organisation, start=data.get("start") or day, unit=data.get("unit") or "week",
                         count=data.get("count"), today=day)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        header, rows = forecast_table(result)
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"budget-tresorerie-{result.start:%Y%m%d}.{export}", header, rows)
    return render(request, "cash/forecast.html", {
        "form": form, "forecast": result, "chart": forecast_chart(result), "today": day,
        "recurring": selectors.recurring_list(organisation=request.organisation),
        "lines": selectors.forecast_line_list(organisation=request.organisation).filter(date__gte=result.start),
        "recurring_form": RecurringForm(initial={"start_date": day}), "line_form": ForecastLineForm(),
        "can_write": can(request, "treasury.write")})


@org_view("treasury.write", write="treasury.write")
def recurring_new(request, org):
    form = RecurringForm(request.POST or None, initial={"start_date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.recurring_create(actor=request.user, organisation=request.organisation, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Échéance récurrente ajoutée au budget.")
            return redirect("cash:forecast", org=org)
    return render(request, "cash/simple_form.html", {"form": form, "title": "Nouvelle échéance récurrente"},
                  status=422 if form.errors else 200)


@org_view("treasury.write", write="treasury.write")
def recurring_edit(request, org, pk):
    item = recurring_or_404(request, pk)
    initial = {field: getattr(item, field) for field in services.RECURRING_FIELDS}
    form = RecurringForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recurring_update(actor=request.user, item=item, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Échéance récurrente mise à jour.")
            return redirect("cash:forecast", org=org)
    return render(request, "cash/simple_form.html", {"form": form, "title": f"Échéance récurrente « {item} »",
                                                     "delete_url": "cash:recurring_delete", "object": item},
                  status=422 if form.errors else 200)


@require_POST
@org_view("treasury.write", write="treasury.write")
def recurring_delete(request, org, pk):
    services.recurring_delete(actor=request.user, item=recurring_or_404(request, pk))
    messages.success(request, "Échéance récurrente supprimée.")
    return redirect("cash:forecast", org=org)


@org_view("treasury.write", write="treasury.write")
def forecast_line_new(request, org):
    form = ForecastLineForm(request.POST or None, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.forecast_line_create(actor=request.user, organisation=request.organisation,
                                          data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Ligne prévisionnelle ajoutée.")
            return redirect("cash:forecast", org=org)
    return render(request, "cash/simple_form.html", {"form": form, "title": "Nouvelle ligne prévisionnelle"},
                  status=422 if form.errors else 200)


@require_POST
@org_view("treasury.write", write="treasury.write")
def forecast_line_delete(request, org, pk):
    services.forecast_line_delete(actor=request.user, line=forecast_line_or_404(request, pk))
    messages.success(request, "Ligne prévisionnelle supprimée.")
    return redirect("cash:forecast", org=org)


urlpatterns = [
    path("budget/", forecast, name="forecast"),
    path("budget/recurrentes/nouvelle/", recurring_new, name="recurring_new"),
    path("budget/recurrentes/<int:pk>/", recurring_edit, name="recurring_edit"),
    path("budget/recurrentes/<int:pk>/supprimer/", recurring_delete, name="recurring_delete"),
    path("budget/lignes/nouvelle/", forecast_line_new, name="forecast_line_new"),
    path("budget/lignes/<int:pk>/supprimer/", forecast_line_delete, name="forecast_line_delete"),
]
