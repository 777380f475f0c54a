"""Fixed asset screens: the register (filters, totals, CSV/XLSX), an asset with its schedule (PDF, XLSX), the
creation and correction forms, the disposal, and the supplier invoice lines waiting to be registered."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, query_with

from .. import exports
from ..forms import AssetForm, DisposalForm, FromInvoiceForm
from ..models import FixedAsset
from ..selectors.assets import (
    asset_candidates,
    asset_get,
    asset_list,
    asset_schedule,
    posted_depreciation,
    register_totals,
)
from ..services.assets import asset_create, asset_create_from_invoice_line, asset_delete, asset_update
from ..services.depreciation import asset_dispose


def _asset(request, pk) -> FixedAsset:
    try:
        return asset_get(organisation=request.organisation, pk=pk)
    except FixedAsset.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("assets.view")
def register(request, org):
    """The register: every asset with its cost, what is depreciated in the books and its net book value."""
    filters = {"state": request.GET.get("state", ""), "account": request.GET.get("account", "").strip(),
               "search": request.GET.get("q", "").strip()}
    if filters["state"] not in ("", *FixedAsset.State.values):
        filters["state"] = ""
    queryset = asset_list(organisation=request.organisation, **filters)
    kind = request.GET.get("format")
    if kind in ("csv", "xlsx"):
        return exports.register_response(kind, queryset.iterator(chunk_size=2000))
    return render(request, "assets/register.html", {
        "page": paginate(request, queryset), "filters": filters, "states": FixedAsset.State.choices,
        "totals": register_totals(organisation=request.organisation, **filters),
        "candidates": asset_candidates(organisation=request.organisation).count(),
        "can_write": can(request, "assets.write"),
        "csv": query_with(request, format="csv"), "xlsx": query_with(request, format="xlsx")})


def _asset_form_page(request, form, asset=None):
    return render(request, "assets/asset_form.html", {"form": form, "asset": asset},
                  status=422 if form.errors else 200)


@org_view("assets.write", write="assets.write")
def asset_new(request, org):
    form = AssetForm(request.POST or None, initial={"life_years": 5, "method": FixedAsset.Method.LINEAR})
    if request.method == "POST" and form.is_valid():
        try:
            asset = asset_create(actor=request.user, organisation=request.organisation, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Immobilisation {asset.display_number} enregistrée.")
            return redirect("assets:detail", org=org, pk=asset.pk)
    return _asset_form_page(request, form)


@org_view("assets.write", write="assets.write")
def asset_edit(request, org, pk):
    asset = _asset(request, pk)
    initial = {"label": asset.label, "account_code": asset.account.code, "acquisition_date": asset.acquisition_date,
               "in_service_date": asset.in_service_date, "cost": asset.cost, "residual_value": asset.residual_value,
               "life_months": asset.life_months, "method": asset.method,
               "non_deductible_vat": asset.non_deductible_vat,
               "opening_depreciation": asset.opening_depreciation if asset.opening_date else "",
               "opening_date": asset.opening_date,
               "supplier_code": asset.supplier.code if asset.supplier else ""}
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("life_years"):
            data["life_months"] = None
        try:
            asset_update(actor=request.user, asset=asset, data=data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Immobilisation mise à jour : le plan d'amortissement suit.")
            return redirect("assets:detail", org=org, pk=asset.pk)
    return _asset_form_page(request, form, asset)


@org_view("assets.view")
def asset_detail(request, org, pk):
    """The asset, its plan d'amortissement (the textbook table), what is posted, its exit."""
    asset = _asset(request, pk)
    rows = asset_schedule(asset)
    kind = request.GET.get("format")
    if kind == "pdf":
        return exports.schedule_pdf(asset, rows)
    if kind == "xlsx":
        return exports.schedule_xlsx(asset, rows)
    disposal = getattr(asset, "disposal", None)
    annuities = {a.fiscal_year.code: a for a in asset.annuities.select_related("fiscal_year", "entry")}
    posted = posted_depreciation(asset)
    return render(request, "assets/asset_detail.html", {
        "asset": asset, "lines": [(row, None if row.prior else annuities.get(row.year)) for row in rows],
        "posted": posted, "net": asset.cost - posted, "disposal": disposal, "posted_any": bool(annuities),
        "can_write": can(request, "assets.write"),
        "dispose_form": DisposalForm(initial={"kind": "sale", "vat_rate": "20"})})


@require_POST
@org_view("assets.write", write="assets.write")
def asset_remove(request, org, pk):
    asset = _asset(request, pk)
    try:
        asset_delete(actor=request.user, asset=asset)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("assets:detail", org=org, pk=pk)
    messages.success(request, f"Immobilisation {asset.display_number} supprimée.")
    return redirect("assets:list", org=org)


@org_view("assets.write", write="assets.write")
def asset_disposal(request, org, pk):
    asset = _asset(request, pk)
    form = DisposalForm(request.POST or None, initial={"kind": "sale", "vat_rate": "20"})
    if request.method == "POST" and form.is_valid():
        try:
            disposal = asset_dispose(actor=request.user, asset=asset, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            verdict = "plus-value" if disposal.result >= 0 else "moins-value"
            messages.success(request, f"Sortie enregistrée : {verdict} de {abs(disposal.result)} €.")
            return redirect("assets:detail", org=org, pk=pk)
    return render(request, "assets/disposal_form.html", {"form": form, "asset": asset},
                  status=422 if form.errors else 200)


@org_view("assets.view", write="assets.write")
def candidates(request, org):
    """Supplier invoice lines on class-2 accounts not registered yet: one click registers each."""
    form = FromInvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asset = asset_create_from_invoice_line(actor=request.user, organisation=request.organisation,
                                                   line_id=form.cleaned_data["line_id"], data=form.cleaned_data)
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Immobilisation {asset.display_number} créée depuis la facture.")
            return redirect("assets:detail", org=org, pk=asset.pk)
    return render(request, "assets/candidates.html", {
        "page": paginate(request, asset_candidates(organisation=request.organisation)),
        "methods": FixedAsset.Method.choices, "can_write": can(request, "assets.write")})


urlpatterns = [
    path("", register, name="list"),
    path("nouvelle/", asset_new, name="new"),
    path("a-immobiliser/", candidates, name="candidates"),
    path("<int:pk>/", asset_detail, name="detail"),
    path("<int:pk>/modifier/", asset_edit, name="edit"),
    path("<int:pk>/supprimer/", asset_remove, name="delete"),
    path("<int:pk>/sortie/", asset_disposal, name="dispose"),
]
