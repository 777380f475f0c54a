"""Stocked items and locations in the JSON API, under /api/v1/orgs/{org}/stock/: list, detail, create, update.
stock.view to read, stock.write to change."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for

from ..models import Location, StockItem
from ..selectors import items as selectors
from ..services.items import location_create, location_update, stock_item_create, stock_item_update

router = Router(tags=["stock — articles et emplacements"])
PREFIX = "/orgs/{org}/stock"
MAX_LIMIT = 500


class StockLocationIn(Schema):
    code: str
    label: str


class StockLocationUpdateIn(Schema):
    label: str
    active: bool = True


class StockLocationOut(Schema):
    id: int
    code: str
    label: str
    active: bool


class StockItemIn(Schema):
    category: str | None = None
    valuation_method: str | None = None
    stock_account: str | None = None
    variation_account: str | None = None
    minimum_stock: AmountIn | None = None
    reorder_point: AmountIn | None = None
    safety_stock: AmountIn | None = None
    maximum_stock: AmountIn | None = None
    lead_time_days: int | None = None
    order_cost: AmountIn | None = None
    holding_rate: AmountIn | None = None
    preferred_supplier: int | None = None
    allow_negative: bool | None = None
    default_location: int | None = None
    active: bool | None = None


class StockItemCreateIn(StockItemIn):
    product: int


class StockItemOut(Schema):
    id: int
    product: int
    reference: str
    label: str
    unit: str
    category: str
    valuation_method: str
    stock_account: str
    variation_account: str
    minimum_stock: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    maximum_stock: Decimal
    lead_time_days: int
    order_cost: Money
    holding_rate: Decimal
    preferred_supplier: int | None
    allow_negative: bool
    default_location: int | None
    active: bool
    quantity: Decimal
    unit_cost: Decimal
    value: Money
    last_move_date: date | None
    frozen_until: date | None


class StockItemPageOut(Schema):
    count: int
    results: list[StockItemOut]


class StockItemFilters(Schema):
    search: str | None = None
    category: str | None = None
    below_reorder: bool = False
    limit: int = 100
    offset: int = 0


def item_out(item: StockItem) -> dict:
    return {"id": item.pk, "product": item.product_id, "reference": item.product.reference,
            "label": item.product.label, "unit": item.product.unit, "category": item.category,
            "valuation_method": item.valuation_method, "stock_account": item.stock_account,
            "variation_account": item.variation_account, "minimum_stock": item.minimum_stock,
            "reorder_point": item.reorder_point, "safety_stock": item.safety_stock,
            "maximum_stock": item.maximum_stock, "lead_time_days": item.lead_time_days,
            "order_cost": item.order_cost, "holding_rate": item.holding_rate,
            "preferred_supplier": item.preferred_supplier_id, "allow_negative": item.allow_negative,
            "default_location": item.default_location_id, "active": item.active, "quantity": item.quantity,
            "unit_cost": item.unit_cost, "value": item.value, "last_move_date": item.last_move_date,
            "frozen_until": item.frozen_until}


def _data(payload: StockItemIn) -> dict:
    return {key: value for key, value in payload.dict(exclude={"product"}).items() if value is not None}


@router.get(PREFIX + "/items", response={200: StockItemPageOut, **ERRORS}, summary="Articles en stock")
def item_list(request, org: str, filters: Query[StockItemFilters]):
    organisation = organisation_for(request, org, "stock.view")
    queryset = selectors.item_list(organisation=organisation, search=(filters.search or "").strip(),
                                   category=filters.category or "", below_reorder=filters.below_reorder,
                                   active=None)
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [item_out(i) for i in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/items", response={201: StockItemOut, **BODY_ERRORS}, summary="Suivre un article en stock")
def item_create(request, org: str, payload: StockItemCreateIn):
    organisation = organisation_for(request, org, "stock.write")
    item = stock_item_create(actor=request.auth, organisation=organisation, product=payload.product,
                             data=_data(payload))
    return Status(201, item_out(selectors.item_get(organisation=organisation, pk=item.pk)))


@router.get(PREFIX + "/items/{item_id}", response={200: StockItemOut, **ERRORS}, summary="Un article en stock")
def item_detail(request, org: str, item_id: int):
    organisation = organisation_for(request, org, "stock.view")
    return item_out(selectors.item_get(organisation=organisation, pk=item_id))


@router.patch(PREFIX + "/items/{item_id}", response={200: StockItemOut, **BODY_ERRORS},
              summary="Modifier les paramètres de stock")
def item_update(request, org: str, item_id: int, payload: StockItemIn):
    organisation = organisation_for(request, org, "stock.write")
    item = selectors.item_get(organisation=organisation, pk=item_id)
    stock_item_update(actor=request.auth, item=item, data=_data(payload))
    return item_out(selectors.item_get(organisation=organisation, pk=item_id))


@router.get(PREFIX + "/locations", response={200: list[StockLocationOut], **ERRORS}, summary="Emplacements")
def location_list(request, org: str):
    organisation = organisation_for(request, org, "stock.view")
    return [{"id": loc.pk, "code": loc.code, "label": loc.label, "active": loc.active}
            for loc in selectors.location_list(organisation=organisation)]


@router.post(PREFIX + "/locations", response={201: StockLocationOut, **BODY_ERRORS}, summary="Créer un emplacement")
def location_new(request, org: str, payload: StockLocationIn):
    organisation = organisation_for(request, org, "stock.write")
    loc = location_create(actor=request.auth, organisation=organisation, code=payload.code, label=payload.label)
    return Status(201, {"id": loc.pk, "code": loc.code, "label": loc.label, "active": loc.active})


@router.patch(PREFIX + "/locations/{location_id}", response={200: StockLocationOut, **BODY_ERRORS},
              summary="Modifier un emplacement")
def location_edit(request, org: str, location_id: int, payload: StockLocationUpdateIn):
    organisation = organisation_for(request, org, "stock.write")
    loc = location_update(actor=request.auth, location=Location.objects.get(organisation=organisation,
                                                                            pk=location_id),
                          label=payload.label, active=payload.active)
    return {"id": loc.pk, "code": loc.code, "label": loc.label, "active": loc.active}
