"""Catalogue screens, under /o/<org>/catalogue/: articles (list, create, edit) and VAT categories (read-only).
Reading needs "sales.view" (or "catalog.manage", which purchasing holds); writing needs "catalog.manage"."""

from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.exports import csv_response, xlsx_response
from agora.core.money import NARROW_NBSP
from agora.core.permissions import has_perm
from agora.core.views import query_with

from . import selectors, services
from .forms import ProductFilterForm, ProductForm
from .models import Product

PAGE_SIZE = 50
READ = ("sales.view", "catalog.manage")
WRITE = "catalog.manage"


def catalog_view(*, manage: bool = False):
    """Log-in and permission gate: any of READ to look, WRITE to change (or to open a form); refused → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user, organisation = request.user, request.organisation
            if not any(has_perm(user, organisation, p) for p in READ):
                raise Forbidden("Vous n'avez pas les droits nécessaires pour cette action.")
            if (manage or request.method == "POST") and not has_perm(user, organisation, WRITE):
                raise Forbidden("Vous n'avez pas les droits nécessaires pour cette action.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def format_price(value: Decimal) -> str:
    """A unit price the French way with 2 to 4 decimals: 12,50 · 12,3456 · 1 234,00."""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, min(4, -exponent if isinstance(exponent, int) else 2))
    text = f"{abs(value):,.{places}f}".replace(",", NARROW_NBSP).replace(".", ",")
    return f"-{text}" if value < 0 else text


def _get(request, pk) -> Product:
    try:
        return selectors.product_get(organisation=request.organisation, pk=pk)
    except Product.DoesNotExist as missing:
        raise Http404("Article introuvable") from missing


def _add_error(form, error: BusinessError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@catalog_view()
def product_list(request, org):
    form = ProductFilterForm(request.GET)
    queryset = selectors.product_list(organisation=request.organisation, **form.filters())
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        header, rows = selectors.product_export_rows(queryset)
        if export == "csv":
            return csv_response(f"catalogue-{org}.csv", header, rows)
        return xlsx_response(f"catalogue-{org}.xlsx", header, rows, title="Catalogue")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/product_list.html", {
        "form": form, "page": page, "rows": [(p, format_price(p.sale_price)) for p in page],
        "can_manage": has_perm(request.user, request.organisation, WRITE),
        "exports": {"csv": query_with(request, format="csv"), "xlsx": query_with(request, format="xlsx")},
    })


def _form(request, initial: dict) -> ProductForm:
    return ProductForm(request.POST if request.method == "POST" else None, initial=initial,
                       organisation=request.organisation,
                       revenue_accounts=selectors.revenue_accounts(organisation=request.organisation))


@catalog_view(manage=True)
def product_new(request, org):
    kind = request.GET.get("kind", Product.Kind.GOODS)
    form = _form(request, {"kind": kind, "unit": "u", "active": True, "sale_price": "0",
                           "revenue_account": "706" if kind == Product.Kind.SERVICE else "707"})
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, organisation=request.organisation,
                                              data=form.cleaned_data)
        except BusinessError as error:
            _add_error(form, error)
        else:
            return redirect(reverse("catalog:products", kwargs={"org": org}) + f"?q={product.reference}")
    return render(request, "catalog/product_form.html", {"form": form, "product": None})


@catalog_view(manage=True)
def product_edit(request, org, pk):
    product = _get(request, pk)
    form = _form(request, ProductForm.initial_of(product))
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, data=form.cleaned_data)
        except BusinessError as error:
            _add_error(form, error)
        else:
            return redirect(reverse("catalog:products", kwargs={"org": org}) + f"?q={product.reference}")
    return render(request, "catalog/product_form.html", {
        "form": form, "product": product, "history": history_of(organisation=request.organisation, obj=product)})


@catalog_view()
def vat_categories(request, org):
    return render(request, "catalog/vat_categories.html", {
        "categories": selectors.vat_category_list(organisation=request.organisation)})
