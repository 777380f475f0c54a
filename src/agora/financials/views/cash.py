"""The periodic cash statement (état de trésorerie) by month or quarter; CSV, XLSX and PDF."""

from django.shortcuts import render
from django.urls import path

from agora.core import exports
from agora.core.views import org_view, query_with

from ..forms import CashStatementForm
from ..selectors.cash import cash_statement, cash_statement_rows, cash_statement_table
from .common import pdf, year_form


@org_view("financials.view")
def cash_statement_view(request, org):
    form = year_form(request, CashStatementForm)
    context = {"form": form, "exports": {kind: query_with(request, format=kind) for kind in ("csv", "xlsx", "pdf")}}
    if form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        report = cash_statement(organisation=request.organisation, fiscal_year=year,
                                period=form.cleaned_data["period"] or "month")
        context.update(report=report, fiscal_year=year, rows=cash_statement_rows(report))
        kind = request.GET.get("format")
        stem = f"etat-de-tresorerie-{request.organisation.slug}-{year.code}"
        if kind in ("csv", "xlsx"):
            header, rows = cash_statement_table(report)
            make = exports.csv_response if kind == "csv" else exports.xlsx_response
            return make(f"{stem}.{kind}", header, rows)
        if kind == "pdf":
            return pdf(request, "financials/pdf/cash_statement.html", context, "etat-de-tresorerie")
    return render(request, "financials/cash_statement.html", context, status=200 if form.is_valid() else 422)


urlpatterns = [path("tresorerie/", cash_statement_view, name="cash_statement")]
