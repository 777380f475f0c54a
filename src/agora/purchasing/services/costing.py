"""The stock cost of received goods, set right by the supplier invoice.

A receipt enters stock at the order's unit purchase cost (`receipts.receipt_unit_costs`). The invoice is what
the books charge: when it is validated, each received unit of its order lines takes the invoice's purchase
cost (its price, its reductions, its shipping spread over the stock lines — `domain.landed_unit_costs`). Per
order line, the validated invoices (in validation order) cover the received quantities in receipt order; a
receipt move covered by several invoices takes their weighted cost, and its part not invoiced yet keeps the
order's cost. The moves whose cost changes are re-valued through `stock.services.moves.stock_moves_recost`,
which re-values every later move of the item (exits at the corrected weighted average or FIFO lots).
"""

from collections import defaultdict
from decimal import Decimal

from agora.core.money import ZERO
from agora.purchasing.domain import COST_PLACES
from agora.purchasing.models import PurchaseDocument, PurchaseLine
from agora.stock.models import StockMove
from agora.stock.selectors.items import tracked_product_ids
from agora.stock.services.moves import stock_moves_recost

from .documents import Kind, Status
from .receipts import ORIGIN_TYPE, document_unit_costs


def _unit_costs(document: PurchaseDocument, cache: dict) -> dict[int, Decimal]:
    """Unit purchase cost of every line of a document, on its own terms (cached per document)."""
    if document.pk not in cache:
        lines = list(document.lines.all())
        tracked = tracked_product_ids(organisation=document.organisation,
                                      product_ids={line.product_id for line in lines})
        cache[document.pk] = document_unit_costs(document, lines, tracked)
    return cache[document.pk]


def _receipt_moves(order_line: PurchaseLine) -> list[StockMove]:
    """The stock entries made by the validated receipts of one order line, in receipt order."""
    receipt_ids = list(PurchaseLine.objects.filter(order_line=order_line, document__kind=Kind.RECEIPT,
                                                   document__status=Status.VALIDATED)
                       .values_list("document_id", flat=True))
    return list(StockMove.objects.filter(organisation_id=order_line.organisation_id, origin_type=ORIGIN_TYPE,
                                         origin_id__in=receipt_ids, item__product_id=order_line.product_id,
                                         kind="receipt").order_by("date", "id"))


def move_costs(order_line: PurchaseLine, moves: list[StockMove], cache: dict) -> dict[int, Decimal]:
    """The unit cost each receipt move of `order_line` should carry, given the validated invoices."""
    invoice_lines = list(PurchaseLine.objects.filter(order_line=order_line, document__kind=Kind.INVOICE,
                                                     document__status=Status.VALIDATED)
                         .select_related("document").order_by("document__validated_at", "document_id", "id"))
    segments = [(line.quantity, _unit_costs(line.document, cache)[line.pk]) for line in invoice_lines]
    order_cost = _unit_costs(order_line.document, cache)[order_line.pk]
    out = {}
    for move in moves:
        left, value = move.quantity, ZERO
        while left > 0 and segments:
            quantity, cost = segments[0]
            taken = min(left, quantity)
            value += taken * cost
            left -= taken
            segments[0] = (quantity - taken, cost)
            if not segments[0][0]:
                segments.pop(0)
        value += left * order_cost
        out[move.pk] = (value / move.quantity).quantize(COST_PLACES)
    return out


def invoice_stock_costs_apply(*, actor, invoice: PurchaseDocument) -> list[str]:
    """Re-cost the receipts of the invoice's order lines (inside the validation's transaction); returns the
    items that could not be corrected (counted since), in French, for the caller to report."""
    order_lines = list(PurchaseLine.objects.filter(fulfilments__document=invoice).select_related("document")
                       .distinct().order_by("pk"))
    tracked = tracked_product_ids(organisation=invoice.organisation,
                                  product_ids={line.product_id for line in order_lines})
    cache: dict = {}
    costs: dict[int, Decimal] = {}
    current: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for order_line in order_lines:
        if order_line.product_id not in tracked:
            continue
        moves = _receipt_moves(order_line)
        current.update({move.pk: move.unit_cost for move in moves})
        costs.update(move_costs(order_line, moves, cache))
    changed = {pk: cost for pk, cost in costs.items() if cost != current[pk]}
    if not changed:
        return []
    return stock_moves_recost(actor=actor, organisation=invoice.organisation, costs=changed,
                              reason=f"Facture fournisseur {invoice.number}")
