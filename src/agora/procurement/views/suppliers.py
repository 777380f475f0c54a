"""Supplier screens: the supplier catalogue (who sells which product at what terms, with exports), the comparison
of suppliers for one product, the supplier file (rating, offers, documents, URSSAF vigilance), and the
procurement settings."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.catalog.models import Product
from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, today
from agora.parties.models import Party
from agora.procurement.forms import RatingForm, SettingsForm, SupplierProductFilterForm, SupplierProductForm
from agora.procurement.models import SupplierProduct
from agora.procurement.selectors import suppliers as selectors
from agora.procurement.selectors.settings import settings_of
from agora.procurement.services import setup as setup_services
from agora.procurement.services import suppliers as services

from ._lines import decimal_text

EXPORT_HEADER = ["Article (réf.)", "Article", "Fournisseur (code)", "Fournisseur", "Référence fournisseur",
                 "Prix unitaire HT", "Quantité minimale", "Délai (jours)", "Préféré", "Note", "Actif"]


@org_view("purchasing.view")
def supplier_product_list(request, org):
    organisation = request.organisation
    form = SupplierProductFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        filters = {"supplier": form.cleaned_data["supplier"], "search": form.cleaned_data["q"].strip()}
    queryset = selectors.supplier_product_list(organisation=organisation, active=None, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([i.product.reference, i.product.label, i.supplier.code, i.supplier.name, i.supplier_reference,
                 i.unit_price, i.minimum_quantity, i.lead_time_days, i.preferred, selectors.rating_of(i.supplier),
                 i.active]
                for i in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"catalogue-fournisseurs.{export}", EXPORT_HEADER, rows)
    return render(request, "procurement/suppliers/products.html", {
        "form": form, "page": paginate(request, queryset), "can_write": can(request, "purchasing.write")})


def _item(request, pk) -> SupplierProduct:
    try:
        return selectors.supplier_product_get(organisation=request.organisation, pk=pk)
    except SupplierProduct.DoesNotExist:
        raise Http404("Introuvable") from None


def _product_form(request, org, item: SupplierProduct | None):
    organisation = request.organisation
    if request.method == "POST":
        form = SupplierProductForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                if item is None:
                    saved = services.supplier_product_create(actor=request.user, organisation=organisation,
                                                             data=form.cleaned_data)
                else:
                    saved = services.supplier_product_update(actor=request.user, item=item, data=form.cleaned_data)
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, f"Conditions de {saved.supplier.name} pour {saved.product.reference} "
                                          "enregistrées.")
                return redirect("procurement:supplier_product_compare", org=org, product=saved.product_id)
    elif item is None:
        initial = {key: request.GET[key] for key in ("supplier", "product") if request.GET.get(key, "").isdigit()}
        form = SupplierProductForm(organisation=organisation, initial={"active": True, "minimum_quantity": "1",
                                                                       "lead_time_days": "0", **initial})
    else:
        form = SupplierProductForm(organisation=organisation, initial={
            "supplier": item.supplier_id, "product": item.product_id, "supplier_reference": item.supplier_reference,
            "unit_price": decimal_text(item.unit_price), "minimum_quantity": decimal_text(item.minimum_quantity),
            "lead_time_days": item.lead_time_days, "preferred": item.preferred, "active": item.active})
    return render(request, "procurement/suppliers/product_form.html", {"form": form, "item": item},
                  status=422 if form.errors else 200)


@org_view("purchasing.write", write="purchasing.write")
def supplier_product_new(request, org):
    return _product_form(request, org, None)


@org_view("purchasing.write", write="purchasing.write")
def supplier_product_edit(request, org, pk):
    return _product_form(request, org, _item(request, pk))


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def supplier_product_delete(request, org, pk):
    item = _item(request, pk)
    product = item.product_id
    services.supplier_product_delete(actor=request.user, item=item)
    messages.success(request, "Ligne du catalogue fournisseur supprimée.")
    return redirect("procurement:supplier_product_compare", org=org, product=product)


@org_view("purchasing.view")
def supplier_product_compare(request, org, product):
    """Offers for one product, ranked: price, then lead time, then rating."""
    item = Product.objects.filter(organisation=request.organisation, pk=product).first()
    if item is None:
        raise Http404("Article introuvable")
    return render(request, "procurement/suppliers/compare.html", {
        "product": item, "offers": selectors.supplier_comparison(organisation=request.organisation, product=item,
                                                                 today=today()),
        "can_write": can(request, "purchasing.write")})


# --- the supplier file --------------------------------------------------------------------------------------------

def _supplier(request, pk) -> Party:
    party = selectors.suppliers(organisation=request.organisation).filter(pk=pk).first()
    if party is None:
        raise Http404("Fournisseur introuvable")
    return party


def _supplier_page(request, party, *, rating_form=None, status=200):
    organisation = request.organisation
    profile = selectors.supplier_profile_of(organisation=organisation, supplier=party)
    settings = settings_of(organisation=organisation)
    if rating_form is None:
        rating_form = RatingForm(initial={name: getattr(profile, name) or "" for name in
                                          ("rating_quality", "rating_delays", "rating_price", "comment")}
                                 if profile else None)
    return render(request, "procurement/suppliers/supplier.html", {
        "party": party, "profile": profile, "rating_form": rating_form,
        "offers": selectors.supplier_product_list(organisation=organisation, supplier=party, active=None),
        "documents": selectors.supplier_document_list(organisation=organisation, supplier=party, today=today(),
                                                      warning_days=settings.document_warning_days),
        "vigilance_missing": bool(selectors.vigilance_missing(organisation=organisation, supplier_ids={party.pk},
                                                              today=today())),
        "can_write": can(request, "purchasing.write"),
        "history": history_of(organisation=organisation, obj=profile) if profile else []}, status=status)


@org_view("purchasing.view")
def supplier_file(request, org, pk):
    return _supplier_page(request, _supplier(request, pk))


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def supplier_rate(request, org, pk):
    party = _supplier(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.supplier_rate(actor=request.user, organisation=request.organisation, supplier=party,
                                   data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Évaluation enregistrée.")
            return redirect("procurement:supplier_file", org=org, pk=pk)
    return _supplier_page(request, party, rating_form=form, status=422)


# --- settings ---------------------------------------------------------------------------------------------------

@org_view("purchasing.view", write="purchasing.approve")
def procurement_settings(request, org):
    organisation = request.organisation
    current = settings_of(organisation=organisation)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                setup_services.procurement_settings_update(actor=request.user, organisation=organisation,
                                                           data=form.cleaned_data)
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, "Paramètres de l'approvisionnement enregistrés.")
                return redirect("procurement:settings", org=org)
    else:
        form = SettingsForm(initial={"approval_threshold": str(current.approval_threshold).replace(".", ","),
                                     "document_warning_days": current.document_warning_days})
    return render(request, "procurement/settings.html", {"form": form,
                                                         "can_edit": can(request, "purchasing.approve")},
                  status=422 if form.errors else 200)


urlpatterns = [
    path("catalogue-fournisseurs/", supplier_product_list, name="supplier_products"),
    path("catalogue-fournisseurs/nouveau/", supplier_product_new, name="supplier_product_new"),
    path("catalogue-fournisseurs/<int:pk>/modifier/", supplier_product_edit, name="supplier_product_edit"),
    path("catalogue-fournisseurs/<int:pk>/supprimer/", supplier_product_delete, name="supplier_product_delete"),
    path("catalogue-fournisseurs/article/<int:product>/comparer/", supplier_product_compare,
         name="supplier_product_compare"),
    path("fournisseurs/<int:pk>/", supplier_file, name="supplier_file"),
    path("fournisseurs/<int:pk>/evaluer/", supplier_rate, name="supplier_rate"),
    path("parametres/", procurement_settings, name="settings"),
]
