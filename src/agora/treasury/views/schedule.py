"""The supplier payment schedule (échéancier): open supplier items by due date, overdue ones highlighted,
totals per week or month summed by the database, filters, CSV/XLSX."""

from django.shortcuts import render
from django.urls import path

from agora.core import exports
from agora.core.views import org_view, paginate, today
from agora.treasury.forms import ScheduleFilterForm
from agora.treasury.selectors.items import open_items, schedule_rows, schedule_summary, schedule_totals

EXPORT_HEADER = ["Échéance", "Fournisseur (code)", "Fournisseur", "Pièce", "Date", "Libellé", "Montant",
                 "Reste dû", "En retard"]


@org_view("treasury.view")
def payment_schedule(request, org):
    form = ScheduleFilterForm(request.GET or None)
    filters, period, day = {}, "month", today()
    if form.is_valid():
        data = form.cleaned_data
        filters = {"search": data["q"], "date_from": data["date_from"], "date_to": data["date_to"],
                   "overdue_on": day if data["overdue"] else None}
        period = data["period"] or "month"
    queryset = open_items(organisation=request.organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([line.due_date, line.party.code, line.party.name, line.entry.reference, line.date, line.label,
                 line.credit, line.open_amount, "oui" if line.due_date < day else "non"]
                for line in schedule_rows(queryset).iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"echeancier-fournisseurs-{day:%Y%m%d}.{export}", EXPORT_HEADER, rows)
    return render(request, "treasury/schedule.html", {
        "form": form, "page": paginate(request, schedule_rows(queryset)), "today": day, "period": period,
        "totals": schedule_totals(queryset, period=period), "summary": schedule_summary(queryset, today=day)})


urlpatterns = [path("echeancier/", payment_schedule, name="payment_schedule")]
