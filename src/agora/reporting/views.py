"""Dashboards, under /o/<org>/tableaux-de-bord/. The sales dashboard is open to "sales.view" or "reports.view"."""

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import render
from django.utils import timezone

from agora.core.permissions import has_perm

from . import charts, selectors
from .stock import stock_dashboard as stock_figures

SALES_DASHBOARD = ("sales.view", "reports.view")
STOCK_DASHBOARD = ("stock.view", "reports.view")


def dashboard_view(*permissions: str):
    """Log-in and permission gate: any one of `permissions`; refused → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(has_perm(request.user, request.organisation, p) for p in permissions):
                raise Forbidden("Vous n'avez pas les droits nécessaires pour cette action.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, choices=())

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, str(y)) for y in years]


@dashboard_view(*SALES_DASHBOARD)
def sales_dashboard(request, org):
    organisation = request.organisation
    today = timezone.localdate()
    years = selectors.dashboard_years(organisation=organisation, today=today)
    form = YearForm(request.GET or None, years=years, initial={"annee": today.year})
    year = form.cleaned_data["annee"] if form.is_bound and form.is_valid() else today.year
    report = selectors.sales_dashboard(organisation=organisation, year=year,
                                       as_of=selectors.dashboard_as_of(year, today))
    top_products = report.products[:selectors.RANKED]
    top_customers = report.customers[:selectors.RANKED]
    return render(request, "reporting/sales_dashboard.html", {
        "form": form, "report": report, "year": year,
        "top_products": top_products, "top_customers": top_customers,
        "monthly_chart": charts.monthly_turnover_chart(report.months, year),
        "products_chart": charts.ranking_chart(
            f"Chiffre d'affaires HT par article — {year}",
            [(f"{r.reference} {r.label}".strip(), r.turnover) for r in top_products]),
        "customers_chart": charts.ranking_chart(
            f"Chiffre d'affaires HT par client — {year}", [(f"{r.code} {r.name}", r.turnover) for r in top_customers]),
    })


class StockDashboardForm(forms.Form):
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    jours = forms.IntegerField(label="Sans sortie depuis (jours)", required=False, min_value=1, max_value=3650)


@dashboard_view(*STOCK_DASHBOARD)
def stock_dashboard(request, org):
    """Stock value over twelve months, rotation and days of stock, items to reorder, slow movers."""
    today = timezone.localdate()
    form = StockDashboardForm(request.GET or None, initial={"au": today, "jours": 90})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    report = stock_figures(organisation=request.organisation, as_of=data.get("au") or today,
                           slow_days=data.get("jours") or 90)
    return render(request, "reporting/stock_dashboard.html", {
        "form": form, "report": report, "value_chart": charts.stock_value_chart(report.months),
        "slow_chart": charts.ranking_chart(
            "Valeur des articles sans sortie récente",
            [(f"{i.product.reference} {i.product.label}", i.value) for i in report.slow_movers[:10]],
            series="Valeur en stock"),
    })
