"""The year-end checklist: each point's state with the screen that fixes it; an accountant
(`financials.override`) lifts a point not met with a reason, or withdraws that override."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from agora.core.errors import BusinessError
from agora.core.views import can, org_view

from ..forms import OverrideForm
from ..models import ChecklistOverride
from ..selectors.checklist import year_checklist
from ..services.checklist import checklist_override_create, checklist_override_withdraw
from .common import year_form


def _page(request, year):
    return f"{reverse('financials:checklist', kwargs={'org': request.organisation.slug})}?fiscal_year={year.pk}"


@org_view("financials.view", write="financials.override")
def checklist(request, org):
    form = year_form(request)
    context = {"form": form, "can_override": can(request, "financials.override")}
    if not form.is_valid():
        return render(request, "financials/checklist.html", context, status=422)
    year = form.cleaned_data["fiscal_year"]
    override_form, status = OverrideForm(), 200
    if request.method == "POST":
        override_form = OverrideForm(request.POST)
        if override_form.is_valid():
            try:
                checklist_override_create(actor=request.user, organisation=request.organisation, fiscal_year=year,
                                          item=override_form.cleaned_data["item"],
                                          reason=override_form.cleaned_data["reason"])
                messages.success(request, "Dérogation enregistrée : ce point ne bloque plus la clôture.")
                return redirect(_page(request, year))
            except BusinessError as error:
                override_form.add_error("reason" if error.field == "reason" else None, error.message)
        status = 422
    checks = year_checklist(organisation=request.organisation, fiscal_year=year)
    context.update(fiscal_year=year, checks=checks, override_form=override_form,
                   failed_item=override_form.data.get("item") if override_form.is_bound else None,
                   blocking=sum(1 for c in checks if c.blocking))
    return render(request, "financials/checklist.html", context, status=status)


@org_view("financials.view", write="financials.override")
def override_withdraw(request, org, pk):
    override = get_object_or_404(ChecklistOverride.objects.select_related("fiscal_year"),
                                 organisation=request.organisation, pk=pk)
    if request.method != "POST":
        return redirect(_page(request, override.fiscal_year))
    try:
        checklist_override_withdraw(actor=request.user, override=override)
        messages.success(request, "Dérogation retirée.")
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect(_page(request, override.fiscal_year))


urlpatterns = [path("controles/", checklist, name="checklist"),
               path("controles/derogations/<int:pk>/retirer/", override_withdraw, name="override_withdraw")]
