"""The year-end depreciation screen: each fiscal year, what is due (asset by asset) or what was posted, and the
button that posts the year's annuities once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.core.views import can, org_view
from agora.ledger.models import FiscalYear

from ..forms import RunForm
from ..selectors.assets import annuities_due, run_list
from ..services.depreciation import depreciation_run


@org_view("assets.view", write="assets.write")
def runs(request, org):
    organisation = request.organisation
    years = list(FiscalYear.objects.filter(organisation=organisation).order_by("-start_date"))
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year = next((y for y in years if y.pk == form.cleaned_data["fiscal_year"]), None)
        if year is None:
            messages.error(request, "Exercice introuvable.")
        else:
            try:
                run = depreciation_run(actor=request.user, organisation=organisation, fiscal_year=year)
            except BusinessError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Dotations {year.code} comptabilisées : {run.asset_count} "
                                          f"immobilisations, {run.total} €.")
        return redirect("assets:runs", org=org)
    done = {run.fiscal_year_id: run for run in run_list(organisation=organisation)}
    selected = next((y for y in years if str(y.pk) == request.GET.get("year")), None) or next(
        (y for y in years if y.pk not in done and y.state == "open"), years[0] if years else None)
    due = annuities_due(organisation=organisation, fiscal_year=selected) if selected else []
    return render(request, "assets/runs.html", {
        "years": [(year, done.get(year.pk)) for year in years], "selected": selected, "due": due,
        "due_total": sum((amount for _, amount in due), ZERO), "selected_run": done.get(selected.pk) if selected
        else None, "can_write": can(request, "assets.write")})


urlpatterns = [path("dotations/", runs, name="runs")]
