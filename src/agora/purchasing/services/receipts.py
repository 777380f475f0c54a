"""Goods receipts: what the supplier delivered against an order, with the quality check of each line.

A receipt line records the quantity delivered, the quantity refused at the check (with a note: the discrepancy
recorded) and so the quantity accepted. Only validated receipts count: validation adds the accepted quantity to
the order line's `quantity_received` (the basis of the three-way match) and records the stock entries of
stock-tracked products, valued at their unit purchase cost on the order's terms (`domain.landed_unit_costs`:
net after the line discount and the order's reductions, plus its shipping spread over the stock lines); the
supplier invoice corrects that cost when its own terms differ. Receiving more than what is left on the order is
refused unless confirmed explicitly.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount
from agora.purchasing.domain import CostLine, landed_unit_costs, quantity_text, remaining
from agora.purchasing.models import PurchaseDocument, PurchaseLine
from agora.stock.selectors.items import tracked_product_ids
from agora.stock.services.moves import MoveInput, stock_moves_record

from .documents import Kind, Status, audit, copy_rows, expect, locked, new_document, number_next, snapshot, user_or_none

ORIGIN_TYPE = "purchasing.receipt"
EXCESS_HINT = "Cochez « confirmer la réception au-delà de la commande » si c'est voulu."


def _check_excess(order_lines: list[PurchaseLine], wanted: dict[int, Decimal], *, confirm_excess: bool,
                  field: str = "quantities") -> None:
    for position, line in enumerate(order_lines, start=1):
        quantity = wanted.get(line.pk, ZERO)
        left = remaining(line.quantity, line.quantity_received)
        if quantity > left and not confirm_excess:
            raise BusinessError("quantity_exceeded", f"Ligne {position} ({line.label}) : quantité reçue "
                                f"({quantity_text(quantity)}) supérieure au reste à recevoir de la commande "
                                f"({quantity_text(left)}). {EXCESS_HINT}", field=f"{field}.{line.pk}")


def _quantities(raw: dict | None, order_lines: list[PurchaseLine], name: str) -> dict[int, Decimal]:
    ids = {line.pk for line in order_lines}
    out = {}
    for key, value in (raw or {}).items():
        key = int(key)
        if key not in ids:
            raise BusinessError("unknown_line", f"Ligne de commande inconnue ({key}).", field=f"{name}.{key}")
        quantity = parse_amount(value if value not in (None, "") else "0", field=f"{name}.{key}", places=3)
        if quantity < 0:
            raise BusinessError("negative_quantity", "Une quantité ne peut pas être négative.",
                                field=f"{name}.{key}")
        out[key] = quantity
    return out


@transaction.atomic
def receipt_create_from_order(*, actor, order, quantities: dict[int, Decimal] | None = None,
                              confirm_excess: bool = False, rejected: dict[int, Decimal] | None = None,
                              notes: dict[int, str] | None = None, on: date | None = None,
                              supplier_reference: str = "") -> PurchaseDocument:
    """A draft receipt for an order: per order line id the quantity delivered (None: all that is left), the
    quantity refused at the quality check and a note. Nothing is written when a quantity is refused."""
    order = locked(order)
    expect(order, Kind.ORDER, {Status.CONFIRMED, Status.SENT}, "Réceptionner")
    order_lines = list(order.lines.select_for_update().order_by("position"))
    if quantities is None:
        wanted = {line.pk: remaining(line.quantity, line.quantity_received) for line in order_lines}
    else:
        wanted = _quantities(quantities, order_lines, "quantities")
    wanted = {k: v for k, v in wanted.items() if v}
    if not wanted:
        raise BusinessError("nothing_left", "Aucune quantité à réceptionner.", field="quantities")
    _check_excess(order_lines, wanted, confirm_excess=confirm_excess)
    refused = _quantities(rejected, order_lines, "rejected")
    rows = copy_rows(order_lines, wanted)
    by_order_line = {line.pk: line for line in order_lines}
    for row in rows:
        line_id = row["order_line_id"]
        quantity_rejected = refused.get(line_id, ZERO)
        if quantity_rejected > row["quantity"]:
            raise BusinessError("invalid_quantity", f"« {by_order_line[line_id].label} » : la quantité refusée "
                                "dépasse la quantité livrée.", field=f"rejected.{line_id}")
        row.update(quantity_rejected=quantity_rejected, quantity_accepted=row["quantity"] - quantity_rejected,
                   quality_note=str((notes or {}).get(line_id) or (notes or {}).get(str(line_id)) or "")[:300])
    clean = {"issue_date": on or timezone.localdate(), "order_reference": order.number,
             "supplier_reference": (supplier_reference or "").strip()[:60]}
    return new_document(actor=actor, organisation=order.organisation, kind=Kind.RECEIPT, party=order.party,
                        clean=clean, rows=rows, source=order)


@transaction.atomic
def receipt_validate(*, actor, receipt, confirm_excess: bool = False) -> PurchaseDocument:
    """The receipt is final: numbered (BR-…), its accepted quantities added to the order, stock entries made."""
    receipt = locked(receipt)
    expect(receipt, Kind.RECEIPT, {Status.DRAFT}, "Valider")
    lines = list(receipt.lines.order_by("position"))
    order_ids = {line.order_line_id for line in lines if line.order_line_id}
    order_lines = list(PurchaseLine.objects.select_for_update().filter(pk__in=order_ids).order_by("pk"))
    wanted: dict[int, Decimal] = {}
    for line in lines:
        if line.order_line_id:
            wanted[line.order_line_id] = wanted.get(line.order_line_id, ZERO) + line.quantity
    _check_excess(order_lines, wanted, confirm_excess=confirm_excess)
    before = snapshot(receipt)
    receipt.number, receipt.sequence, receipt.fiscal_year_code = number_next(receipt.organisation, Kind.RECEIPT,
                                                                             receipt.issue_date)
    receipt.status = Status.VALIDATED
    receipt.validated_at = timezone.now()
    receipt.validated_by = user_or_none(actor)
    receipt.save(update_fields=["number", "sequence", "fiscal_year_code", "status", "validated_at", "validated_by"])
    for line in lines:
        if line.order_line_id and line.quantity_accepted:
            PurchaseLine.objects.filter(pk=line.order_line_id).update(
                quantity_received=F("quantity_received") + line.quantity_accepted)
    _stock_entries(receipt, lines, actor)
    audit(receipt, actor, "receipt.validate", before)
    return receipt


def document_unit_costs(document: PurchaseDocument, lines, tracked: set[int]) -> dict[int, Decimal]:
    """Unit purchase cost of each line of `document` (by line id) on that document's reductions and shipping."""
    return landed_unit_costs(
        [CostLine(line.pk, line.net_amount, line.quantity, line.product_id in tracked) for line in lines],
        reduction_pcts=[Decimal(r["pct"]) for r in document.reductions or []], shipping=document.shipping)


def receipt_unit_costs(receipt: PurchaseDocument, lines: list[PurchaseLine], tracked: set[int]) -> dict[int, Decimal]:
    """Unit cost of each receipt line: its order line's cost on the order's terms, or, for a line received
    without order, its own cost on the receipt's terms."""
    costs = document_unit_costs(receipt, [line for line in lines if not line.order_line_id], tracked)
    order_line_ids = {line.order_line_id for line in lines if line.order_line_id}
    orders = {}
    for order_line in PurchaseLine.objects.filter(pk__in=order_line_ids).select_related("document"):
        orders.setdefault(order_line.document_id, order_line.document)
    for order in orders.values():
        order_lines = list(order.lines.all())
        order_tracked = tracked_product_ids(organisation=receipt.organisation,
                                            product_ids={line.product_id for line in order_lines})
        order_costs = document_unit_costs(order, order_lines, order_tracked)
        costs.update({line.pk: order_costs[line.order_line_id] for line in lines
                      if line.order_line_id in order_costs})
    return costs


def _stock_entries(receipt: PurchaseDocument, lines: list[PurchaseLine], actor) -> None:
    """Stock entries of the accepted quantities of stock-tracked products, in the receipt's transaction."""
    tracked = tracked_product_ids(organisation=receipt.organisation, product_ids={x.product_id for x in lines})
    costs = receipt_unit_costs(receipt, lines, tracked)
    moves = [MoveInput(product_id=line.product_id, quantity=line.quantity_accepted, kind="receipt",
                       date=receipt.issue_date, unit_cost=costs[line.pk],
                       origin_type=ORIGIN_TYPE, origin_id=receipt.pk, label=f"Réception {receipt.number}")
             for line in lines if line.product_id in tracked and line.quantity_accepted]
    stock_moves_record(actor=actor, organisation=receipt.organisation, moves=moves)
