"""SIG, CAF (both methods), financial balance (FR, BFR, net cash and its check), ratios with their plain-French
reading and the chart over the months; on screen and PDF."""

from django.shortcuts import render
from django.urls import path

from agora.core.views import org_view, query_with

from ..charts import months_chart
from ..selectors.monthly import monthly_series
from ..selectors.statements import year_analysis
from .common import pdf, year_form


@org_view("financials.view")
def analysis(request, org):
    form = year_form(request)
    context = {"form": form, "pdf_query": query_with(request, format="pdf")}
    if form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        report = year_analysis(organisation=request.organisation, fiscal_year=year)
        context.update(report=report, fiscal_year=year)
        if request.GET.get("format") == "pdf":
            return pdf(request, "financials/pdf/analysis.html", context, "analyse-financiere")
        months = monthly_series(organisation=request.organisation, fiscal_year=year)
        context.update(months=months, chart=months_chart(months, year.code))
    return render(request, "financials/analysis.html", context, status=200 if form.is_valid() else 422)


urlpatterns = [path("analyse/", analysis, name="analysis")]
