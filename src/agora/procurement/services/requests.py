"""Writes on internal purchase requests: draft → submitted → approved / rejected → ordered (or cancelled).

A request is numbered (DA-2026-00001) when submitted. At or below the organisation's approval threshold (HT) it
is approved on submission; above it, only a holder of purchasing.approve (the management) may approve or reject
it, with a comment, and that decision is audited. The stock reorder list turns into draft requests grouped by
the supplier to order from.
"""

from collections import defaultdict
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record
from agora.core.counters import counter_next
from agora.core.dates import parse_date
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.money import format_amount
from agora.core.permissions import has_perm
from agora.procurement.domain import line_amount, lines_total
from agora.procurement.inputs import parse_price, parse_quantity, product_get, supplier_get
from agora.procurement.models import PurchaseRequest, PurchaseRequestLine, RequestStatus, SupplierProduct
from agora.procurement.selectors.settings import settings_of
from agora.procurement.selectors.suppliers import preferred_offers
from agora.procurement.services.ordering import OrderLine, order_create

Status = RequestStatus
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _snapshot(request: PurchaseRequest) -> dict:
    return {"number": request.number, "status": request.status, "reason": request.reason,
            "needed_by": request.needed_by, "supplier": request.supplier_id,
            "estimated_total": request.estimated_total, "approval_required": request.approval_required,
            "decision_comment": request.decision_comment, "order": request.order_id,
            "lines": [[line.label, line.quantity, line.estimated_unit_price] for line in request.lines.all()]}


def _audit(request: PurchaseRequest, actor, action: str, before: dict | None = None) -> None:
    audit_record(organisation=request.organisation, actor=actor, action=f"procurement.request.{action}",
                 obj=request, before=before, after=_snapshot(request))


def _locked(request: PurchaseRequest) -> PurchaseRequest:
    return PurchaseRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)


def _expect(request: PurchaseRequest, states, action: str) -> None:
    if request.status not in states:
        raise BusinessError("wrong_state", f"{request} est « {request.get_status_display()} » : action « {action} » "
                            "impossible.", field="status")


def _clean_lines(organisation, lines: list[dict], *, supplier=None) -> list[dict]:
    """Lines as PurchaseRequestLine values. A product line without a price takes the supplier's catalogue price
    (the suggested supplier's, else the preferred one's), else the product's purchase price."""
    if not lines:
        raise BusinessError("no_lines", "La demande doit comporter au moins une ligne.", field="lines")
    products = {}
    for n, raw in enumerate(lines, start=1):
        if raw.get("product") not in (None, ""):
            products[n] = product_get(organisation, raw["product"], field=f"lines.{n}.product")
    offers = preferred_offers(organisation=organisation, product_ids={p.pk for p in products.values()})
    if supplier is not None:
        offers.update({o.product_id: o for o in SupplierProduct.objects.filter(
            organisation=organisation, supplier=supplier, product_id__in={p.pk for p in products.values()},
            active=True)})
    out = []
    for n, raw in enumerate(lines, start=1):
        field = f"lines.{n}"
        product = products.get(n)
        label = (raw.get("label") or (product.label if product else "")).strip()
        if not label:
            raise BusinessError("required", f"Ligne {n} : la désignation est obligatoire.", field=f"{field}.label")
        quantity = parse_quantity(raw.get("quantity"), field=f"{field}.quantity", label=f"Ligne {n} : la quantité")
        price = parse_price(raw.get("estimated_unit_price"), field=f"{field}.estimated_unit_price", required=False,
                            label=f"Ligne {n} : le prix unitaire estimé")
        if price is None:
            offer = offers.get(product.pk) if product else None
            price = offer.unit_price if offer else (product.purchase_price if product else Decimal(0))
        out.append({"line_no": n, "product": product, "label": label[:300], "quantity": quantity,
                    "unit": (raw.get("unit") or (product.unit if product else "u"))[:20],
                    "estimated_unit_price": price, "estimated_amount": line_amount(quantity, price),
                    "needed_by": parse_date(raw.get("needed_by"), field=f"{field}.needed_by")})
    return out


def _clean_header(organisation, data: dict) -> dict:
    return {"reason": (data.get("reason") or "").strip(),
            "needed_by": parse_date(data.get("needed_by"), field="needed_by"),
            "supplier": supplier_get(organisation, data.get("supplier"), required=False)}


def _write_lines(request: PurchaseRequest, rows: list[dict]) -> None:
    request.lines.all().delete()
    PurchaseRequestLine.objects.bulk_create([PurchaseRequestLine(request=request, organisation=request.organisation,
                                                                 **row) for row in rows])
    request.estimated_total = lines_total((row["quantity"], row["estimated_unit_price"]) for row in rows)
    request.save()


@transaction.atomic
def purchase_request_create(*, actor, organisation, data: dict, lines: list[dict],
                            origin: str = PurchaseRequest.Origin.MANUAL) -> PurchaseRequest:
    header = _clean_header(organisation, data)
    rows = _clean_lines(organisation, lines, supplier=header["supplier"])
    request = PurchaseRequest.objects.create(organisation=organisation, origin=origin, requester=_user(actor),
                                             created_by=_user(actor), **header)
    _write_lines(request, rows)
    _audit(request, actor, "create")
    return request


@transaction.atomic
def purchase_request_update(*, actor, request: PurchaseRequest, data: dict, lines: list[dict]) -> PurchaseRequest:
    request = _locked(request)
    _expect(request, (Status.DRAFT,), "modifier")
    before = _snapshot(request)
    header = _clean_header(request.organisation, data)
    rows = _clean_lines(request.organisation, lines, supplier=header["supplier"])
    for name, value in header.items():
        setattr(request, name, value)
    _write_lines(request, rows)
    _audit(request, actor, "update", before)
    return request


@transaction.atomic
def purchase_request_submit(*, actor, request: PurchaseRequest) -> PurchaseRequest:
    """Number the request; approve it at once when its estimate is at or below the threshold."""
    request = _locked(request)
    _expect(request, (Status.DRAFT,), "soumettre")
    before = _snapshot(request)
    now = timezone.now()
    year = str(timezone.localdate().year)
    sequence = counter_next(organisation=request.organisation, series="procurement:request", fiscal_year=year)
    request.number = f"DA-{year}-{sequence:05d}"
    request.submitted_at = now
    threshold = settings_of(organisation=request.organisation).approval_threshold
    request.approval_required = request.estimated_total > threshold
    if request.approval_required:
        request.status = Status.SUBMITTED
    else:
        request.status, request.decided_at = Status.APPROVED, now
        request.decision_comment = ("Approuvée automatiquement : montant estimé inférieur ou égal au seuil de "
                                    f"{format_amount(threshold)} € HT.")
    request.save()
    _audit(request, actor, "submit" if request.approval_required else "auto_approve", before)
    return request


def _decide(actor, request: PurchaseRequest, status: str, comment: str, action: str) -> PurchaseRequest:
    request = _locked(request)
    if not has_perm(actor, request.organisation, "purchasing.approve"):
        raise PermissionDenied("Seule la direction (droit d'approbation des achats) peut approuver ou refuser "
                               "une demande au-delà du seuil.")
    _expect(request, (Status.SUBMITTED,), action)
    before = _snapshot(request)
    request.status, request.decided_at, request.decided_by = status, timezone.now(), _user(actor)
    request.decision_comment = comment
    request.save()
    _audit(request, actor, "approve" if status == Status.APPROVED else "reject", before)
    return request


@transaction.atomic
def purchase_request_approve(*, actor, request: PurchaseRequest, comment: str = "") -> PurchaseRequest:
    return _decide(actor, request, Status.APPROVED, (comment or "").strip(), "approuver")


@transaction.atomic
def purchase_request_reject(*, actor, request: PurchaseRequest, comment: str) -> PurchaseRequest:
    comment = (comment or "").strip()
    if not comment:
        raise BusinessError("required", "Indiquez le motif du refus.", field="comment")
    return _decide(actor, request, Status.REJECTED, comment, "refuser")


@transaction.atomic
def purchase_request_cancel(*, actor, request: PurchaseRequest) -> PurchaseRequest:
    request = _locked(request)
    _expect(request, OPEN, "annuler")
    if request.rfqs.exclude(status="cancelled").exists():
        raise BusinessError("has_rfq", "Une demande de prix est en cours pour cette demande : annulez-la d'abord.",
                            field="status")
    before = _snapshot(request)
    request.status = Status.CANCELLED
    request.save(update_fields=["status"])
    _audit(request, actor, "cancel", before)
    return request


def request_mark_ordered(*, actor, request: PurchaseRequest, order) -> None:
    """Link the order made for an approved request (directly or through an RFQ); runs in the caller's transaction."""
    request = _locked(request)
    _expect(request, (Status.APPROVED,), "commander")
    before = _snapshot(request)
    request.status, request.order = Status.ORDERED, order
    request.save(update_fields=["status", "order"])
    _audit(request, actor, "order", before)


@transaction.atomic
def purchase_request_order(*, actor, request: PurchaseRequest, supplier=None):
    """Order an approved request straight from one supplier (no quotation): a draft purchase order at the
    supplier's catalogue prices where it has some, else at the estimated prices."""
    request = _locked(request)
    _expect(request, (Status.APPROVED,), "commander")
    supplier = supplier_get(request.organisation, supplier if supplier not in (None, "") else request.supplier_id)
    lines = list(request.lines.select_related("product__vat_category"))
    prices = dict(SupplierProduct.objects.filter(organisation=request.organisation, supplier=supplier, active=True,
                                                 product_id__in=[x.product_id for x in lines if x.product_id])
                  .values_list("product_id", "unit_price"))
    order = order_create(
        actor=actor, organisation=request.organisation, supplier=supplier, issue_date=timezone.localdate(),
        expected_date=request.needed_by, notes=f"Demande d'achat {request.number}",
        lines=[OrderLine(product=x.product, label=x.label, quantity=x.quantity, unit=x.unit,
                         unit_price=prices.get(x.product_id, x.estimated_unit_price)) for x in lines])
    request_mark_ordered(actor=actor, request=request, order=order)
    return order


@transaction.atomic
def purchase_requests_from_reorder(*, actor, organisation, proposals) -> list[PurchaseRequest]:
    """Draft requests from the stock reorder proposals, one per supplier to order from: the preferred supplier
    of the supplier catalogue, else the stock item's preferred supplier, else the cheapest offer; quantities
    raised to that supplier's minimum. Products already on an open request are skipped, so running it twice
    proposes nothing new; products no supplier is known for share one request."""
    proposals = [p for p in proposals if Decimal(p.quantity_to_order) > 0]
    pending = set(PurchaseRequestLine.objects.filter(organisation=organisation, request__status__in=OPEN,
                                                     product__isnull=False).values_list("product_id", flat=True))
    proposals = [p for p in proposals if p.product.pk not in pending]
    product_ids = {p.product.pk for p in proposals}
    offers = preferred_offers(organisation=organisation, product_ids=product_ids)
    terms = {(o.supplier_id, o.product_id): o for o in SupplierProduct.objects.filter(
        organisation=organisation, product_id__in=product_ids, active=True)}
    groups: dict[int | None, list] = defaultdict(list)
    for proposal in proposals:
        offer = offers.get(proposal.product.pk)
        stock_choice = getattr(proposal, "preferred_supplier", None)
        if stock_choice is not None and (offer is None or not offer.preferred):
            offer = terms.get((stock_choice.pk, proposal.product.pk))
            groups[stock_choice.pk].append((proposal, offer))
        else:
            groups[offer.supplier_id if offer else None].append((proposal, offer))
    created = []
    for supplier_id, items in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        lines = []
        for proposal, offer in sorted(items, key=lambda item: item[0].product.reference):
            quantity = Decimal(proposal.quantity_to_order).quantize(Decimal("0.001"), rounding=ROUND_CEILING)
            if offer is not None and quantity < offer.minimum_quantity:
                quantity = offer.minimum_quantity
            lines.append({"product": proposal.product.pk, "quantity": quantity,
                          "estimated_unit_price": offer.unit_price if offer else None})
        created.append(purchase_request_create(
            actor=actor, organisation=organisation, origin=PurchaseRequest.Origin.REORDER, lines=lines,
            data={"supplier": supplier_id,
                  "reason": "Réapprovisionnement : articles sous le point de commande."}))
    return created
