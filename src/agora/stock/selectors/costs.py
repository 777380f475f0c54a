"""Reads for the cost screens: bills of materials and their textbook cost table at current unit costs."""

from decimal import Decimal

from ..domain.costs import Component, CostRow, cost_table
from ..models import BillOfMaterials


def bill_list(*, organisation):
    return (BillOfMaterials.objects.filter(organisation=organisation).select_related("item__product")
            .order_by("item__product__reference"))


def bill_get(*, organisation, pk: int) -> BillOfMaterials:
    return BillOfMaterials.objects.select_related("item__product").get(organisation=organisation, pk=pk)


def bill_cost_table(*, bill: BillOfMaterials, quantity: Decimal | None = None) -> list[CostRow]:
    """The cost table of `quantity` units (default: one batch), components at their current unit cost."""
    quantity = quantity or bill.batch_quantity
    ratio = quantity / bill.batch_quantity
    components = [Component(f"{line.component.product.reference} {line.component.product.label}",
                            (line.quantity * ratio).quantize(Decimal("0.001")), line.component.unit_cost)
                  for line in bill.lines.select_related("component__product")]
    return cost_table(quantity=quantity, components=components, labour_hours=bill.labour_hours * ratio,
                      labour_rate=bill.labour_rate, overhead_basis=bill.overhead_basis,
                      overhead_rate=bill.overhead_rate, distribution_cost=bill.distribution_cost)
