"""Physical counts in the JSON API: create, list, detail with lines, enter counted quantities, validate.
stock.view to read, stock.write to create and enter, stock.validate to validate (posting)."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError

from ..models import Location, StockCount
from ..selectors import counts as selectors
from ..services.counts import count_create, count_quantities_enter, count_validate

router = Router(tags=["stock — inventaires"])
PREFIX = "/orgs/{org}/stock/counts"


class StockCountIn(Schema):
    date: date
    location: int | None = None
    label: str = ""
    items: list[int] | None = None


class StockCountQuantityIn(Schema):
    line: int
    counted: AmountIn | None = None


class StockCountEnterIn(Schema):
    lines: list[StockCountQuantityIn]


class StockCountValidateIn(Schema):
    post: bool = True


class StockCountLineOut(Schema):
    id: int
    item: int
    reference: str
    expected_quantity: Decimal
    counted_quantity: Decimal | None
    unit_cost: Decimal
    variance_quantity: Decimal
    variance_value: Money


class StockCountOut(Schema):
    id: int
    date: date
    location: int | None
    label: str
    status: str
    entry: int | None
    entry_number: str | None
    lines: list[StockCountLineOut]


class StockCountSummaryOut(Schema):
    id: int
    date: date
    location: int | None
    label: str
    status: str
    entry: int | None


def _detail(organisation, pk: int) -> dict:
    count = selectors.count_get(organisation=organisation, pk=pk)
    return {"id": count.pk, "date": count.date, "location": count.location_id, "label": count.label,
            "status": count.status, "entry": count.entry_id,
            "entry_number": count.entry.display_number if count.entry else None,
            "lines": [{"id": line.pk, "item": line.item_id, "reference": line.item.product.reference,
                       "expected_quantity": line.expected_quantity, "counted_quantity": line.counted_quantity,
                       "unit_cost": line.unit_cost, "variance_quantity": line.variance_quantity,
                       "variance_value": line.variance_value} for line in selectors.count_lines(count=count)]}


@router.get(PREFIX, response={200: list[StockCountSummaryOut], **ERRORS}, summary="Inventaires")
def count_list(request, org: str):
    organisation = organisation_for(request, org, "stock.view")
    return [{"id": c.pk, "date": c.date, "location": c.location_id, "label": c.label, "status": c.status,
             "entry": c.entry_id} for c in selectors.count_list(organisation=organisation)[:500]]


@router.post(PREFIX, response={201: StockCountOut, **BODY_ERRORS}, summary="Créer un inventaire")
def count_new(request, org: str, payload: StockCountIn):
    organisation = organisation_for(request, org, "stock.write")
    location = None
    if payload.location:
        location = Location.objects.filter(organisation=organisation, pk=payload.location).first()
        if location is None:
            raise BusinessError("unknown_location", "Emplacement inconnu.", field="location")
    count = count_create(actor=request.auth, organisation=organisation, day=payload.date, location=location,
                         label=payload.label, item_ids=payload.items)
    return Status(201, _detail(organisation, count.pk))


@router.get(PREFIX + "/{count_id}", response={200: StockCountOut, **ERRORS}, summary="Un inventaire")
def count_detail(request, org: str, count_id: int):
    return _detail(organisation_for(request, org, "stock.view"), count_id)


@router.post(PREFIX + "/{count_id}/quantities", response={200: StockCountOut, **BODY_ERRORS},
             summary="Saisir les quantités comptées")
def count_enter(request, org: str, count_id: int, payload: StockCountEnterIn):
    organisation = organisation_for(request, org, "stock.write")
    count = StockCount.objects.get(organisation=organisation, pk=count_id)
    count_quantities_enter(actor=request.auth, count=count,
                           quantities={line.line: line.counted for line in payload.lines})
    return _detail(organisation, count_id)


@router.post(PREFIX + "/{count_id}/validate", response={200: StockCountOut, **BODY_ERRORS},
             summary="Valider l'inventaire (écarts et écriture de variation des stocks)")
def count_close(request, org: str, count_id: int, payload: StockCountValidateIn | None = None):
    organisation = organisation_for(request, org, "stock.validate")
    count = StockCount.objects.get(organisation=organisation, pk=count_id)
    count_validate(actor=request.auth, count=count, post=payload.post if payload else True)
    return _detail(organisation, count_id)
