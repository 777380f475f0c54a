"""Stock moves, the stock card and the valuation at a date in the JSON API, under /api/v1/orgs/{org}/stock/.
stock.view to read, stock.write to record moves."""

from datetime import date
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from agora.core import exports
from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError

from ..exports import card_csv_lines
from ..selectors import card as card_selectors
from ..selectors import moves as selectors
from ..selectors import valuation as valuation_selectors
from ..selectors.items import item_get
from ..services.moves import MoveInput, stock_moves_record, stock_transfer_record

router = Router(tags=["stock — mouvements, fiche de stock, valorisation"])
PREFIX = "/orgs/{org}/stock"
MAX_LIMIT = 1000
CSV_RESPONSE = {"responses": {200: {"description": "CSV (séparateur « ; »)",
                                    "content": {"text/csv": {"schema": {"type": "string"}}}}}}


class StockMoveIn(Schema):
    product_id: int
    quantity: AmountIn
    kind: str
    date: date
    unit_cost: AmountIn | None = None
    location_id: int | None = None
    label: str = ""


class StockMovesIn(Schema):
    moves: list[StockMoveIn]


class StockMoveOut(Schema):
    id: int
    item: int
    reference: str
    location: int
    date: date
    kind: str
    quantity: Decimal
    unit_cost: Decimal
    value: Money
    quantity_after: Decimal
    value_after: Money
    unit_cost_after: Decimal
    origin_type: str
    origin_id: int | None
    label: str


class StockMovePageOut(Schema):
    count: int
    results: list[StockMoveOut]


class StockMoveFilters(Schema):
    item: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 100
    offset: int = 0


class StockCardLotOut(Schema):
    quantity: Decimal
    unit_cost: Decimal
    value: Money


class StockCardRowOut(Schema):
    date: date | None
    label: str
    kind: str
    in_quantity: Decimal | None
    in_unit_cost: Decimal | None
    in_value: Money | None
    out_quantity: Decimal | None
    out_unit_cost: Decimal | None
    out_value: Money | None
    quantity: Decimal | None
    unit_cost: Decimal | None
    value: Money | None
    out_lots: list[StockCardLotOut]
    lots: list[StockCardLotOut]
    summary: bool


class StockCardOut(Schema):
    item: int
    reference: str
    valuation_method: str
    rows: list[StockCardRowOut]
    next_offset: int | None


class StockCardFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 1000
    offset: int = 0


class StockValuationRowOut(Schema):
    item: int
    reference: str
    label: str
    stock_account: str
    quantity: Decimal
    unit_cost: Decimal
    value: Money


class StockValuationAccountOut(Schema):
    account: str
    items: int
    value: Money


class StockValuationOut(Schema):
    date: date
    total: Money
    accounts: list[StockValuationAccountOut]
    count: int
    results: list[StockValuationRowOut]


class StockValuationFilters(Schema):
    day: date | None = None
    category: str | None = None
    limit: int = 1000
    offset: int = 0


def move_out(move) -> dict:
    return {"id": move.pk, "item": move.item_id, "reference": move.item.product.reference,
            "location": move.location_id, "date": move.date, "kind": move.kind, "quantity": move.quantity,
            "unit_cost": move.unit_cost, "value": move.value, "quantity_after": move.quantity_after,
            "value_after": move.value_after, "unit_cost_after": move.unit_cost_after,
            "origin_type": move.origin_type, "origin_id": move.origin_id, "label": move.label}


@router.get(PREFIX + "/moves", response={200: StockMovePageOut, **ERRORS}, summary="Mouvements de stock")
def move_list(request, org: str, filters: Query[StockMoveFilters]):
    organisation = organisation_for(request, org, "stock.view")
    item = item_get(organisation=organisation, pk=filters.item) if filters.item else None
    queryset = selectors.move_list(organisation=organisation, item=item, kind=filters.kind or "",
                                   date_from=filters.date_from, date_to=filters.date_to)
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [move_out(m) for m in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/moves", response={201: list[StockMoveOut], **BODY_ERRORS},
             summary="Enregistrer des mouvements (tout ou rien)")
def move_record(request, org: str, payload: StockMovesIn):
    """Entries carry a unit cost (or none: current cost); exits are valued by the item's method."""
    organisation = organisation_for(request, org, "stock.write")
    if not payload.moves:
        raise BusinessError("required", "Aucun mouvement transmis.", field="moves")
    moves = stock_moves_record(actor=request.auth, organisation=organisation, moves=[
        MoveInput(product_id=m.product_id, quantity=m.quantity, kind=m.kind, date=m.date,
                  unit_cost=m.unit_cost or None, location_id=m.location_id, origin_type="api", label=m.label)
        for m in payload.moves])
    return Status(201, [move_out(m) for m in moves])


class StockTransferIn(Schema):
    product_id: int
    quantity: AmountIn
    date: date
    from_location_id: int
    to_location_id: int
    label: str = ""


@router.post(PREFIX + "/transfers", response={201: list[StockMoveOut], **BODY_ERRORS},
             summary="Transférer entre deux emplacements")
def transfer(request, org: str, payload: StockTransferIn):
    organisation = organisation_for(request, org, "stock.write")
    moves = stock_transfer_record(actor=request.auth, organisation=organisation, product_id=payload.product_id,
                                  quantity=payload.quantity, from_location_id=payload.from_location_id,
                                  to_location_id=payload.to_location_id, day=payload.date, label=payload.label)
    return Status(201, [move_out(m) for m in moves])


def _lots(lots) -> list[dict]:
    return [{"quantity": q, "unit_cost": c, "value": v} for q, c, v in lots]


@router.get(PREFIX + "/items/{item_id}/card", response={200: StockCardOut, **ERRORS}, summary="Fiche de stock")
def card(request, org: str, item_id: int, filters: Query[StockCardFilters]):
    organisation = organisation_for(request, org, "stock.view")
    item = item_get(organisation=organisation, pk=item_id)
    limit, offset = max(1, min(filters.limit, 10_000)), max(0, filters.offset)
    rows = list(islice(card_selectors.card_rows(item=item, date_from=filters.date_from, date_to=filters.date_to),
                       offset, offset + limit + 1))
    return {"item": item.pk, "reference": item.product.reference, "valuation_method": item.valuation_method,
            "next_offset": offset + limit if len(rows) > limit else None,
            "rows": [{**{k: getattr(r, k) for k in ("date", "label", "kind", "in_quantity", "in_unit_cost",
                                                   "in_value", "out_quantity", "out_unit_cost", "out_value",
                                                   "quantity", "unit_cost", "value", "summary")},
                      "out_lots": _lots(r.out_lots), "lots": _lots(r.lots)} for r in rows[:limit]]}


@router.get(PREFIX + "/items/{item_id}/card.csv", response={200: None, **ERRORS}, summary="Fiche de stock (CSV)",
            openapi_extra=CSV_RESPONSE)
def card_csv(request, org: str, item_id: int, filters: Query[StockCardFilters]):
    organisation = organisation_for(request, org, "stock.view")
    item = item_get(organisation=organisation, pk=item_id)
    return exports.csv_text_response(f"fiche-de-stock-{item.product.reference}.csv", card_csv_lines(
        item=item, date_from=filters.date_from, date_to=filters.date_to))


@router.get(PREFIX + "/valuation", response={200: StockValuationOut, **ERRORS}, summary="Valorisation à une date")
def valuation(request, org: str, filters: Query[StockValuationFilters]):
    organisation = organisation_for(request, org, "stock.view")
    day = filters.day or timezone.localdate()
    moves = valuation_selectors.valuation_moves(organisation=organisation, day=day, category=filters.category or "")
    totals = valuation_selectors.valuation_totals(organisation=organisation, day=day,
                                                  category=filters.category or "")
    limit, offset = max(1, min(filters.limit, 10_000)), max(0, filters.offset)
    return {"date": day, "total": totals["value"], "accounts": totals["accounts"], "count": moves.count(),
            "results": [{"item": m.item_id, "reference": m.item.product.reference, "label": m.item.product.label,
                         "stock_account": m.item.stock_account, "quantity": m.quantity_after,
                         "unit_cost": m.unit_cost_after, "value": m.value_after}
                        for m in moves[offset:offset + limit]]}
