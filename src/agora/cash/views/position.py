"""The cash position (situation de trésorerie) at a date: banks, cash registers, transfers in transit, total."""

from django.shortcuts import render
from django.urls import path

from agora.core import exports
from agora.core.views import org_view, today

from ..forms import PositionForm
from ..selectors.balances import cash_position

HEADER = ["Nature", "Libellé", "Compte", "Solde comptable", "Solde du dernier relevé", "Date du relevé"]
KINDS = {"bank": "Banque", "cash": "Caisse", "transit": "Virements internes", "other": "Autre compte"}


@org_view("treasury.view")
def position(request, org):
    form = PositionForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or today()
    result = cash_position(request.organisation, on)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = [[KINDS[row.kind], row.label, row.account_code, row.balance, row.bank_balance,
                 row.bank_balance_date] for row in result.rows]
        rows.append(["Total", "", "", result.total, None, None])
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"situation-tresorerie-{on:%Y%m%d}.{export}", HEADER, rows)
    return render(request, "cash/position.html", {"form": form, "position": result, "on": on})


urlpatterns = [path("situation/", position, name="position")]
