"""Supplier invoices and credit notes: created from an order or a receipt, matched three ways, validated and
posted in the purchases journal.

Validation refuses an invoice whose three-way match shows discrepancies (quantity invoiced above what was
received or ordered, a price different from the order's, a line outside the order) unless the assistant accepts
them explicitly; the acceptance is recorded on the invoice and in the audit log. A validated invoice adds its
quantities to the order lines' `quantity_invoiced`; a validated credit note gives them back.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.purchasing.domain import Discrepancy, InvoicedLine, OrderedLine, net_unit_price, remaining, three_way_match
from agora.purchasing.models import PurchaseDocument, PurchaseLine
from agora.stock.selectors.items import tracked_product_ids
from agora.stock.services.moves import MoveInput, stock_moves_record

from .costing import invoice_stock_costs_apply
from .documents import (
    Kind,
    Status,
    audit,
    check_supplier_reference,
    clean_header,
    copy_rows,
    default_due_date,
    expect,
    locked,
    new_document,
    number_next,
    snapshot,
    user_or_none,
)
from .posting import purchase_entry_post


def _header(order: PurchaseDocument, data: dict | None, *, shipping: Decimal) -> dict:
    merged = {"issue_date": timezone.localdate(), "order_reference": order.number, "reductions": order.reductions,
              "cash_discount_pct": order.cash_discount_pct, "shipping": shipping,
              "escompte_offered_pct": order.escompte_offered_pct, "escompte_deadline": order.escompte_deadline}
    merged.update(data or {})
    return clean_header(merged, kind=Kind.INVOICE)


def _first_invoice(order: PurchaseDocument) -> bool:
    """Shipping of the order goes with its first invoice."""
    return not PurchaseDocument.objects.filter(kind=Kind.INVOICE, source__in=[
        order.pk, *order.derived.filter(kind=Kind.RECEIPT).values_list("pk", flat=True)]).exclude(
        status=Status.CANCELLED).exists()


@transaction.atomic
def invoice_create_from_order(*, actor, order, quantities: dict[int, Decimal] | None = None,
                              data: dict | None = None) -> PurchaseDocument:
    """A draft supplier invoice for an order: by default what was received and not invoiced yet (what was
    ordered and not invoiced when nothing was received, e.g. services). `data`: supplier_reference, issue_date,
    due_date… as the supplier's invoice says. Quantities above what was received are allowed here: the
    three-way match shows them before validation."""
    order = locked(order)
    expect(order, Kind.ORDER, {Status.CONFIRMED, Status.SENT}, "Facturer")
    lines = list(order.lines.order_by("position"))
    if quantities is None:
        wanted = {x.pk: remaining(x.quantity_received, x.quantity_invoiced) for x in lines}
        if not any(wanted.values()) and not any(x.quantity_received for x in lines):
            wanted = {x.pk: remaining(x.quantity, x.quantity_invoiced) for x in lines}
    else:
        ids = {x.pk for x in lines}
        wanted = {}
        for key, value in quantities.items():
            if int(key) not in ids:
                raise BusinessError("unknown_line", f"Ligne de commande inconnue ({key}).", field=f"quantities.{key}")
            wanted[int(key)] = Decimal(value)
            if wanted[int(key)] < 0:
                raise BusinessError("negative_quantity", "Une quantité ne peut pas être négative.",
                                    field=f"quantities.{key}")
    if not any(wanted.values()):
        raise BusinessError("nothing_left", "Rien à facturer sur cette commande.", field="quantities")
    clean = _header(order, data, shipping=order.shipping if _first_invoice(order) else ZERO)
    return new_document(actor=actor, organisation=order.organisation, kind=Kind.INVOICE, party=order.party,
                        clean=clean, rows=copy_rows(lines, wanted), source=order)


@transaction.atomic
def invoice_create_from_receipt(*, actor, receipt, data: dict | None = None) -> PurchaseDocument:
    """A draft supplier invoice for the accepted quantities of a validated receipt."""
    receipt = locked(receipt)
    expect(receipt, Kind.RECEIPT, {Status.VALIDATED}, "Facturer")
    order = receipt.source
    lines = [x for x in receipt.lines.order_by("position") if x.quantity_accepted]
    if not lines:
        raise BusinessError("nothing_left", "Rien n'a été accepté sur cette réception.", field="quantities")
    rows = copy_rows(lines, {x.pk: x.quantity_accepted for x in lines}, order_line=lambda x: x.order_line_id)
    if order is not None:
        clean = _header(order, data, shipping=order.shipping if _first_invoice(order) else ZERO)
    else:
        clean = clean_header({"issue_date": timezone.localdate(), **(data or {})}, kind=Kind.INVOICE)
    return new_document(actor=actor, organisation=receipt.organisation, kind=Kind.INVOICE, party=receipt.party,
                        clean=clean, rows=rows, source=receipt)


def invoice_match_report(invoice: PurchaseDocument) -> list[Discrepancy]:
    """The three-way match of an invoice (draft or validated) against its order lines and their receipts."""
    lines = list(invoice.lines.select_related("order_line").order_by("position"))
    own: dict[int, Decimal] = {}
    if invoice.status == Status.VALIDATED:  # its own quantities are already in quantity_invoiced
        for line in lines:
            if line.order_line_id:
                own[line.order_line_id] = own.get(line.order_line_id, ZERO) + line.quantity
    rows = []
    for line in lines:
        ordered = None
        if line.order_line is not None:
            o = line.order_line
            ordered = OrderedLine(quantity=o.quantity, net_unit_price=net_unit_price(o.unit_price, o.discount_pct),
                                  received=o.quantity_received,
                                  invoiced_before=o.quantity_invoiced - own.get(o.pk, ZERO))
        rows.append(InvoicedLine(position=line.position, label=line.label, quantity=line.quantity,
                                 net_unit_price=net_unit_price(line.unit_price, line.discount_pct),
                                 order_line_id=line.order_line_id, ordered=ordered))
    linked = bool(invoice.source_id) or any(line.order_line_id for line in lines)
    return three_way_match(rows, linked_to_order=linked)


def _track(document: PurchaseDocument, sign: int) -> None:
    """Add (invoice) or give back (credit note) invoiced quantities on the order lines."""
    if document.kind == Kind.INVOICE:
        rows = document.lines.filter(order_line__isnull=False).values_list("order_line_id", "quantity")
    else:
        rows = document.lines.filter(credited_line__order_line__isnull=False).values_list(
            "credited_line__order_line_id", "quantity")
    for order_line_id, quantity in sorted(rows):
        PurchaseLine.objects.filter(pk=order_line_id).update(quantity_invoiced=F("quantity_invoiced")
                                                             + sign * quantity)


def _issue(document: PurchaseDocument, actor) -> None:
    """Number, due date, status and the AC entry of an invoice or credit note (inside the caller's atomic)."""
    document.number, document.sequence, document.fiscal_year_code = number_next(
        document.organisation, document.kind, document.issue_date, required_year=True)
    if document.kind == Kind.INVOICE and document.due_date is None:
        document.due_date = default_due_date(document)
    document.status = Status.VALIDATED
    document.validated_at = timezone.now()
    document.validated_by = user_or_none(actor)
    document.entry = purchase_entry_post(actor=actor, document=document)
    document.save()


@transaction.atomic
def supplier_invoice_validate(*, actor, invoice, accept_discrepancies: bool = False) -> PurchaseDocument:
    """Validate a supplier invoice: its own number (FF-…), the three-way match, the AC entry."""
    invoice = locked(invoice)
    expect(invoice, Kind.INVOICE, {Status.DRAFT}, "Valider")
    if not invoice.supplier_reference:
        raise BusinessError("required", "Le numéro de la facture du fournisseur est obligatoire.",
                            field="supplier_reference")
    check_supplier_reference(invoice)
    order_line_ids = sorted(set(invoice.lines.filter(order_line__isnull=False).values_list("order_line_id",
                                                                                         flat=True)))
    list(PurchaseLine.objects.select_for_update().filter(pk__in=order_line_ids).order_by("pk"))
    discrepancies = invoice_match_report(invoice)
    if discrepancies and not accept_discrepancies:
        raise BusinessError("discrepancies", f"{len(discrepancies)} écart(s) avec la commande et la réception : "
                            + " ".join(d.message for d in discrepancies)
                            + " Cochez « valider malgré les écarts » pour valider quand même.",
                            field="accept_discrepancies")
    before = snapshot(invoice)
    if discrepancies:
        invoice.discrepancies_accepted_by = user_or_none(actor)
    _issue(invoice, actor)
    _track(invoice, +1)
    not_recosted = invoice_stock_costs_apply(actor=actor, invoice=invoice)
    audit(invoice, actor, "invoice.validate", before | {"discrepancies": [d.message for d in discrepancies],
                                                        "stock_cost_not_corrected": not_recosted})
    return invoice


def credited_quantities(invoice_line_ids, *, exclude=None) -> dict[int, Decimal]:
    """Quantities already credited per invoice line (draft and validated credit notes)."""
    query = PurchaseLine.objects.filter(credited_line_id__in=invoice_line_ids,
                                        document__kind=Kind.CREDIT_NOTE).exclude(document__status=Status.CANCELLED)
    if exclude:
        query = query.exclude(document_id=exclude)
    return dict(query.values("credited_line_id").annotate(q=Sum("quantity")).values_list("credited_line_id", "q"))


@transaction.atomic
def credit_note_create_from_invoice(*, actor, invoice, lines: dict[int, Decimal] | None = None, reason: str = "",
                                    data: dict | None = None, returns_goods: bool = False) -> PurchaseDocument:
    """A draft supplier credit note for (part of) a validated invoice: `lines` gives the quantity per invoice
    line id (None: all that is not credited yet); never more than invoiced minus already credited.
    `returns_goods`: the goods go back to the supplier and leave stock when the credit note is validated."""
    invoice = locked(invoice)
    expect(invoice, Kind.INVOICE, {Status.VALIDATED}, "Créer un avoir")
    invoice_lines = list(invoice.lines.order_by("position"))
    credited = credited_quantities([x.pk for x in invoice_lines])
    left = {x.pk: remaining(x.quantity, credited.get(x.pk, ZERO)) for x in invoice_lines}
    if lines is None:
        wanted = {k: v for k, v in left.items() if v}
    else:
        wanted = {}
        for key, value in lines.items():
            key, value = int(key), Decimal(value)
            if key not in left:
                raise BusinessError("unknown_line", f"Ligne de facture inconnue ({key}).", field=f"lines.{key}")
            if value < 0 or value > left[key]:
                raise BusinessError("quantity_exceeded", f"Quantité à créditer hors limites (reste {left[key]:f}).",
                                    field=f"lines.{key}")
            if value:
                wanted[key] = value
    if not wanted:
        raise BusinessError("nothing_left", "Cette facture est déjà entièrement créditée.", field="lines")
    whole = wanted == {x.pk: x.quantity for x in invoice_lines} and not credited
    rows = copy_rows(invoice_lines, wanted, order_line=lambda x: None)
    for row, line in zip(rows, [x for x in invoice_lines if x.pk in wanted], strict=True):
        row["credited_line_id"] = line.pk
    merged = {"issue_date": timezone.localdate(), "order_reference": invoice.order_reference,
              "reductions": invoice.reductions, "shipping": invoice.shipping if whole else ZERO,
              "credit_reason": reason, **(data or {})}
    clean = clean_header(merged, kind=Kind.CREDIT_NOTE)
    if not clean["credit_reason"]:
        raise BusinessError("required", "Le motif de l'avoir est obligatoire.", field="credit_reason")
    return new_document(actor=actor, organisation=invoice.organisation, kind=Kind.CREDIT_NOTE,
                        party=invoice.party, clean=clean, rows=rows, source=invoice,
                        extra={"returns_goods": bool(returns_goods)})


@transaction.atomic
def credit_note_validate(*, actor, credit_note) -> PurchaseDocument:
    """Validate a supplier credit note: number AF-…, the reverse entry, invoiced quantities given back and,
    when the goods went back to the supplier, their exit from stock."""
    credit_note = locked(credit_note)
    expect(credit_note, Kind.CREDIT_NOTE, {Status.DRAFT}, "Valider")
    lines = list(credit_note.lines.filter(credited_line__isnull=False))
    credited = credited_quantities([x.credited_line_id for x in lines], exclude=credit_note.pk)
    invoiced = dict(PurchaseLine.objects.filter(pk__in=[x.credited_line_id for x in lines])
                    .values_list("pk", "quantity"))
    for line in lines:
        if line.quantity > remaining(invoiced[line.credited_line_id], credited.get(line.credited_line_id, ZERO)):
            raise BusinessError("quantity_exceeded", f"Ligne {line.position} : quantité supérieure au reste à "
                                "créditer de la facture.", field=f"lines.{line.position}.quantity")
    check_supplier_reference(credit_note)
    before = snapshot(credit_note)
    _issue(credit_note, actor)
    _track(credit_note, -1)
    if credit_note.returns_goods:
        _stock_returns(credit_note, actor)
    audit(credit_note, actor, "credit_note.validate", before)
    return credit_note


def _stock_returns(credit_note: PurchaseDocument, actor) -> None:
    """Goods returned to the supplier leave stock with the credit note, in its transaction: one exit per line of
    a product tracked in stock, valued by the item's method (refused, and the validation with it, when stock is
    short and the item forbids negative stock)."""
    lines = [x for x in credit_note.lines.order_by("position") if x.product_id and x.quantity > 0]
    tracked = tracked_product_ids(organisation=credit_note.organisation, product_ids={x.product_id for x in lines})
    moves = [MoveInput(product_id=line.product_id, quantity=line.quantity, kind="return_out",
                       date=credit_note.issue_date, origin_type="purchasing.credit_note", origin_id=credit_note.pk,
                       label=f"Avoir fournisseur {credit_note.number} — retour {credit_note.party.name}"[:200])
             for line in lines if line.product_id in tracked]
    if moves:
        stock_moves_record(actor=actor, organisation=credit_note.organisation, moves=moves)
