"""Bilan et compte de résultat of a fiscal year, with the previous year beside; on screen, PDF, CSV and XLSX."""

from django.shortcuts import render
from django.urls import path

from agora.core import exports
from agora.core.views import org_view, query_with

from ..selectors.statements import statements_table, year_statements
from .common import pdf, year_form


@org_view("financials.view")
def statements(request, org):
    form = year_form(request)
    context = {"form": form, "exports": {kind: query_with(request, format=kind) for kind in ("csv", "xlsx", "pdf")}}
    if form.is_valid():
        report = year_statements(organisation=request.organisation, fiscal_year=form.cleaned_data["fiscal_year"])
        context.update(report=report, fiscal_year=report.fiscal_year)
        kind = request.GET.get("format")
        if kind in ("csv", "xlsx"):
            header, rows = statements_table(report)
            make = exports.csv_response if kind == "csv" else exports.xlsx_response
            return make(f"bilan-compte-de-resultat-{request.organisation.slug}-{report.fiscal_year.code}.{kind}",
                        header, rows)
        if kind == "pdf":
            return pdf(request, "financials/pdf/statements.html", context, "bilan-compte-de-resultat")
    return render(request, "financials/statements.html", context, status=200 if form.is_valid() else 422)


urlpatterns = [path("", statements, name="statements")]
