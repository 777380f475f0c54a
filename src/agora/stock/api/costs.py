"""Costs in the JSON API: the cost table of a bill of materials, recording a production run, and the purchase
cost calculator (ancillary costs allocated by value or quantity)."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.core.money import parse_amount

from ..domain.costs import PurchaseLine, purchase_costs
from ..selectors import costs as selectors
from ..selectors.items import item_get
from ..services.costs import bill_save, production_record

router = Router(tags=["stock — coûts"])
PREFIX = "/orgs/{org}/stock"


class StockCostRowOut(Schema):
    label: str
    quantity: Decimal | None
    unit_cost: Decimal | None
    amount: Money
    total: bool


class StockBillOut(Schema):
    id: int
    item: int
    reference: str
    batch_quantity: Decimal
    rows: list[StockCostRowOut]


class StockProductionIn(Schema):
    quantity: AmountIn
    date: date
    location_id: int | None = None


class StockPurchaseLineIn(Schema):
    label: str
    quantity: AmountIn
    unit_price: AmountIn


class StockPurchaseCostIn(Schema):
    lines: list[StockPurchaseLineIn]
    ancillary: AmountIn = "0"
    basis: str = "value"


class StockPurchaseCostOut(Schema):
    label: str
    quantity: Decimal
    unit_price: Decimal
    price_amount: Money
    ancillary: Money
    amount: Money
    unit_cost: Decimal


class StockBillLineIn(Schema):
    component: int
    quantity: AmountIn


class StockBillIn(Schema):
    item: int
    batch_quantity: AmountIn = "1"
    labour_hours: AmountIn = "0"
    labour_rate: AmountIn = "0"
    overhead_basis: str = "per_hour"
    overhead_rate: AmountIn = "0"
    distribution_cost: AmountIn = "0"
    lines: list[StockBillLineIn]


def _bill(organisation, bill_id: int, quantity: Decimal | None = None) -> dict:
    bill = selectors.bill_get(organisation=organisation, pk=bill_id)
    return {"id": bill.pk, "item": bill.item_id, "reference": bill.item.product.reference,
            "batch_quantity": bill.batch_quantity,
            "rows": [vars(r) for r in selectors.bill_cost_table(bill=bill, quantity=quantity)]}


@router.post(PREFIX + "/bills", response={201: StockBillOut, **BODY_ERRORS},
             summary="Créer ou remplacer la nomenclature d'un produit fini")
def bill_create(request, org: str, payload: StockBillIn):
    organisation = organisation_for(request, org, "stock.write")
    item = item_get(organisation=organisation, pk=payload.item)
    bill = bill_save(actor=request.auth, organisation=organisation, item=item,
                     data=payload.dict(exclude={"item", "lines"}),
                     lines=[{"component": line.component, "quantity": line.quantity} for line in payload.lines])
    return Status(201, _bill(organisation, bill.pk))


@router.get(PREFIX + "/bills/{bill_id}", response={200: StockBillOut, **ERRORS},
            summary="Tableau du coût de revient d'un produit fabriqué")
def bill_cost(request, org: str, bill_id: int, quantity: str | None = None):
    organisation = organisation_for(request, org, "stock.view")
    amount = parse_amount(quantity, field="quantity", places=3) if quantity else None
    if amount is not None and amount <= 0:
        raise BusinessError("invalid_quantity", "Quantité positive attendue.", field="quantity")
    return _bill(organisation, bill_id, amount)


@router.post(PREFIX + "/bills/{bill_id}/production", response={201: StockBillOut, **BODY_ERRORS},
             summary="Enregistrer une production")
def production(request, org: str, bill_id: int, payload: StockProductionIn):
    organisation = organisation_for(request, org, "stock.write")
    bill = selectors.bill_get(organisation=organisation, pk=bill_id)
    production_record(actor=request.auth, organisation=organisation, bill=bill, quantity=payload.quantity,
                      day=payload.date, location_id=payload.location_id)
    return Status(201, _bill(organisation, bill_id))


@router.post(PREFIX + "/purchase-cost", response={200: list[StockPurchaseCostOut], **BODY_ERRORS},
             summary="Coût d'achat : répartition des frais accessoires")
def purchase_cost(request, org: str, payload: StockPurchaseCostIn):
    organisation_for(request, org, "stock.view")
    if payload.basis not in ("value", "quantity") or not payload.lines:
        raise BusinessError("invalid", "Lignes et base de répartition (value ou quantity) attendues.", field="basis")
    lines = []
    for n, line in enumerate(payload.lines, start=1):
        quantity = parse_amount(line.quantity, field=f"lines.{n}.quantity", places=3)
        if quantity <= 0:
            raise BusinessError("invalid_quantity", f"Ligne {n} : quantité positive attendue.",
                                field=f"lines.{n}.quantity")
        lines.append(PurchaseLine(line.label, quantity, parse_amount(line.unit_price, field=f"lines.{n}.unit_price",
                                                                     places=4)))
    return [vars(r) for r in purchase_costs(lines, ancillary=parse_amount(payload.ancillary, field="ancillary"),
                                            basis=payload.basis)]
