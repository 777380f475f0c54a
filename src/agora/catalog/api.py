"""Catalogue routes of the JSON API, under /api/v1/orgs/{org}/: products (list, get, create, update) and VAT
categories. Reading needs "sales.view" or "catalog.manage"; writing needs "catalog.manage". Unit prices leave as
strings with four decimals ("12.3456"), rates with two."""

from decimal import Decimal
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import PlainSerializer

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.permissions import has_perm

from . import selectors, services
from .models import Product, VatCategory

router = Router(tags=["catalogue"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
READ = ("sales.view", "catalog.manage")

Price = Annotated[Decimal, PlainSerializer(lambda value: f"{Decimal(value):.4f}", return_type=str)]


class VatCategoryOut(Schema):
    id: int
    code: str
    label: str
    rate: Money
    exemption_mention: str
    output_account: str
    pending_output_account: str
    input_account: str
    vat_box: str
    active: bool


class ProductOut(Schema):
    id: int
    reference: str
    label: str
    description: str
    kind: str
    unit: str
    sale_price: Price
    vat_category: str
    vat_rate: Money
    revenue_account: str
    active: bool


class ProductPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProductOut]


class ProductIn(Schema):
    """An article's fields; on update only the fields sent change. `vat_category` is a VAT category code
    ("TVA20", "EXO261"…), `kind` is "goods" or "service", `sale_price` a string with up to 4 decimals."""

    reference: str | None = None
    label: str | None = None
    description: str | None = None
    kind: str | None = None
    unit: str | None = None
    sale_price: AmountIn | None = None
    vat_category: str | None = None
    revenue_account: str | None = None
    active: bool | None = None


class ProductFilters(Schema):
    search: str | None = None
    kind: str | None = None
    active: bool | None = None
    limit: int = 50
    offset: int = 0


def _readable(request, org: str):
    organisation = organisation_for(request, org)
    if not any(has_perm(request.auth, organisation, p) for p in READ):
        raise PermissionDenied()
    return organisation


def _product_out(product: Product) -> dict:
    data = {name: getattr(product, name) for name in ProductOut.model_fields if name not in {"vat_category",
                                                                                             "vat_rate"}}
    return {**data, "vat_category": product.vat_category.code, "vat_rate": product.vat_category.rate}


def _data(organisation, payload: ProductIn) -> dict:
    data = {key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None}
    if "kind" in data and data["kind"] not in Product.Kind.values:
        raise BusinessError("invalid_kind", "Nature d'article inconnue : « goods » ou « service ».", field="kind")
    if "vat_category" in data:
        category = VatCategory.objects.filter(organisation=organisation, code=data["vat_category"]).first()
        if category is None:
            raise BusinessError("unknown_vat_category", f"Taux de TVA inconnu : « {data['vat_category']} ».",
                                field="vat_category")
        data["vat_category"] = category
    return data


@router.get(PREFIX + "/products", response={200: ProductPageOut, **ERRORS}, summary="Articles")
def product_list(request, org: str, filters: Query[ProductFilters]):
    """Articles by reference; `search` matches the reference or the label; limit/offset (limit ≤ 500)."""
    organisation = _readable(request, org)
    if filters.kind and filters.kind not in Product.Kind.values:
        raise BusinessError("invalid_kind", "Nature d'article inconnue : « goods » ou « service ».", field="kind")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    if filters.offset < 0:
        raise BusinessError("invalid_offset", "« offset » est positif ou nul.", field="offset")
    products = selectors.product_list(organisation=organisation, search=filters.search or "",
                                      kind=filters.kind or "", active=filters.active)
    page = products[filters.offset:filters.offset + filters.limit]
    return {"count": products.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_product_out(p) for p in page]}


@router.get(PREFIX + "/products/{product_id}", response={200: ProductOut, **ERRORS}, summary="Un article")
def product_get(request, org: str, product_id: int):
    organisation = _readable(request, org)
    return _product_out(selectors.product_get(organisation=organisation, pk=product_id))


@router.post(PREFIX + "/products", response={201: ProductOut, **BODY_ERRORS}, summary="Créer un article")
def product_create(request, org: str, payload: ProductIn):
    organisation = organisation_for(request, org, "catalog.manage")
    product = services.product_create(actor=request.auth, organisation=organisation,
                                      data=_data(organisation, payload))
    return Status(201, _product_out(selectors.product_get(organisation=organisation, pk=product.pk)))


@router.patch(PREFIX + "/products/{product_id}", response={200: ProductOut, **BODY_ERRORS},
              summary="Modifier un article")
def product_update(request, org: str, product_id: int, payload: ProductIn):
    """Only the fields sent change."""
    organisation = organisation_for(request, org, "catalog.manage")
    product = selectors.product_get(organisation=organisation, pk=product_id)
    services.product_update(actor=request.auth, product=product, data=_data(organisation, payload))
    return _product_out(selectors.product_get(organisation=organisation, pk=product.pk))


@router.get(PREFIX + "/vat-categories", response={200: list[VatCategoryOut], **ERRORS},
            summary="Catégories de TVA")
def vat_category_list(request, org: str):
    organisation = _readable(request, org)
    return list(selectors.vat_category_list(organisation=organisation))
