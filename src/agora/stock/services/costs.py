"""Writes on manufacturing: a product's bill of materials, and recording a production run (components consumed,
valued by their method; the product entered at its actual production cost)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.money import parse_amount, round_money

from ..domain.valuation import round_cost
from ..models import BillLine, BillOfMaterials, Category, MoveKind, StockItem, StockMove
from .moves import MoveInput, stock_moves_record

BILL_FIELDS = ["batch_quantity", "labour_hours", "labour_rate", "overhead_basis", "overhead_rate",
               "distribution_cost"]


def _clean(data: dict) -> dict:
    clean = {}
    for name, places in (("batch_quantity", 3), ("labour_hours", 3), ("labour_rate", 4), ("overhead_rate", 4),
                         ("distribution_cost", 4)):
        value = parse_amount(data.get(name) or "0", field=name, places=places)
        if value < 0:
            raise BusinessError("negative", "Les quantités et les taux sont positifs.", field=name)
        clean[name] = value
    if clean["batch_quantity"] <= 0:
        raise BusinessError("invalid_quantity", "La quantité produite par lot doit être positive.",
                            field="batch_quantity")
    basis = data.get("overhead_basis") or BillOfMaterials.OverheadBasis.PER_HOUR
    if basis not in BillOfMaterials.OverheadBasis.values:
        raise BusinessError("invalid_basis", "Base des charges indirectes inconnue.", field="overhead_basis")
    clean["overhead_basis"] = basis
    return clean


@transaction.atomic
def bill_save(*, actor, organisation, item: StockItem, data: dict, lines: list[dict]) -> BillOfMaterials:
    """Create or replace the bill of materials of a finished product; lines: [{"component": id, "quantity"}]."""
    if item.organisation_id != organisation.pk:
        raise BusinessError("unknown_item", "Article inconnu.", field="item")
    if item.category != Category.FINISHED:
        raise BusinessError("not_finished", "Une nomenclature décrit un produit fini.", field="item")
    clean = _clean(data)
    components = {c.pk: c for c in StockItem.objects.filter(
        organisation=organisation, pk__in=[line.get("component") for line in lines if line.get("component")])}
    rows = []
    for n, line in enumerate(lines, start=1):
        component = components.get(line.get("component"))
        if component is None or component.pk == item.pk:
            raise BusinessError("unknown_component", f"Ligne {n} : composant inconnu.", field=f"lines.{n}.component")
        quantity = parse_amount(line.get("quantity") or "0", field=f"lines.{n}.quantity", places=3)
        if quantity <= 0:
            raise BusinessError("invalid_quantity", f"Ligne {n} : quantité positive attendue.",
                                field=f"lines.{n}.quantity")
        rows.append((component, quantity))
    if not rows:
        raise BusinessError("no_component", "Indiquez au moins un composant.", field="lines")
    if len({component.pk for component, _ in rows}) != len(rows):
        raise BusinessError("duplicate_component", "Un composant figure deux fois.", field="lines")
    bill, created = BillOfMaterials.objects.update_or_create(organisation=organisation, item=item, defaults=clean)
    bill.lines.all().delete()
    BillLine.objects.bulk_create([BillLine(bill=bill, organisation=organisation, component=component,
                                           quantity=quantity) for component, quantity in rows])
    audit_record(organisation=organisation, actor=actor, action="stock.bill.save", obj=bill,
                 after={**{k: str(v) for k, v in clean.items()},
                        "lines": [[c.product.reference, str(q)] for c, q in rows]})
    return bill


@transaction.atomic
def production_record(*, actor, organisation, bill: BillOfMaterials, quantity, day: date,
                      location_id: int | None = None) -> list[StockMove]:
    """Consume the components for `quantity` units (exits valued by each component's method), then enter the
    product at materials consumed + labour + overheads."""
    quantity = parse_amount(quantity, field="quantity", places=3)
    if quantity <= 0:
        raise BusinessError("invalid_quantity", "La quantité produite doit être positive.", field="quantity")
    ratio = quantity / bill.batch_quantity
    label = f"Production de {quantity:f} {bill.item.product.unit} {bill.item.product.reference}"
    consumed = stock_moves_record(actor=actor, organisation=organisation, moves=[
        MoveInput(product_id=line.component.product_id, quantity=(line.quantity * ratio).quantize(Decimal("0.001")),
                  kind=MoveKind.PRODUCTION_OUT, date=day, location_id=location_id, origin_type="stock.production",
                  origin_id=bill.pk, label=label)
        for line in bill.lines.select_related("component")])
    materials = -sum((move.value for move in consumed), Decimal(0))
    hours = bill.labour_hours * ratio
    labour = round_money(hours * bill.labour_rate)
    if bill.overhead_basis == BillOfMaterials.OverheadBasis.PERCENT:
        overhead = round_money((materials + labour) * bill.overhead_rate / 100)
    else:
        overhead = round_money(hours * bill.overhead_rate)
    cost = round_cost((materials + labour + overhead) / quantity)
    produced = stock_moves_record(actor=actor, organisation=organisation, moves=[
        MoveInput(product_id=bill.item.product_id, quantity=quantity, kind=MoveKind.PRODUCTION_IN, date=day,
                  unit_cost=cost, location_id=location_id, origin_type="stock.production", origin_id=bill.pk,
                  label=label)])
    audit_record(organisation=organisation, actor=actor, action="stock.production.record", obj=bill,
                 after={"quantity": str(quantity), "materials": str(materials), "labour": str(labour),
                        "overhead": str(overhead), "unit_cost": str(cost)})
    return consumed + produced
