"""The reorder proposals in the JSON API (what the procurement app turns into purchase requests)."""

from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema

from agora.core.api import ERRORS, organisation_for

from ..selectors.reorder import reorder_proposals

router = Router(tags=["stock — réapprovisionnement"])


class StockReorderOut(Schema):
    item: int
    product: int
    reference: str
    label: str
    on_hand: Decimal
    on_order: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    minimum: Decimal
    average_daily_demand: Decimal
    eoq: Decimal | None
    quantity_to_order: Decimal
    preferred_supplier: int | None


@router.get("/orgs/{org}/stock/reorder", response={200: list[StockReorderOut], **ERRORS},
            summary="Propositions de réapprovisionnement")
def reorder(request, org: str):
    organisation = organisation_for(request, org, "stock.view")
    return [{"item": p.item.pk, "product": p.product.pk, "reference": p.product.reference, "label": p.product.label,
             "on_hand": p.on_hand, "on_order": p.on_order, "reorder_point": p.reorder_point,
             "safety_stock": p.safety_stock,
             "minimum": p.minimum, "average_daily_demand": p.average_daily_demand, "eoq": p.eoq,
             "quantity_to_order": p.quantity_to_order,
             "preferred_supplier": p.preferred_supplier.pk if p.preferred_supplier else None}
            for p in reorder_proposals(organisation=organisation, today=timezone.localdate())]
