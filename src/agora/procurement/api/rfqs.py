"""Request-for-quotation routes of the JSON API, under /api/v1/orgs/{org}/: list, create, detail with the
comparison, consulted suppliers, sending by e-mail, answers, choice (creates the purchase order), cancel, PDF.
purchasing.view to read, purchasing.write to act."""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.procurement.models import RequestForQuotation, RfqSupplier
from agora.procurement.selectors import rfqs as selectors
from agora.procurement.services import rfqs as services

router = Router(tags=["approvisionnement — demandes de prix"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
PDF_RESPONSE = {"responses": {200: {"description": "Demande de prix (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}


class RfqLineIn(Schema):
    product: int | None = None
    label: str = ""
    quantity: AmountIn
    unit: str = ""


class RfqIn(Schema):
    subject: str
    issue_date: date | None = None
    response_due: date | None = None
    notes: str = ""
    suppliers: list[int] = []
    lines: list[RfqLineIn]


class RfqSupplierIn(Schema):
    supplier: int
    email: str = ""


class RfqSendIn(Schema):
    consulted: list[int] | None = None


class RfqPriceIn(Schema):
    line: int
    unit_price: AmountIn | None = None
    lead_time_days: int | None = None
    comment: str = ""


class RfqResponseIn(Schema):
    declined: bool = False
    lead_time_days: int | None = None
    valid_until: date | None = None
    quote_reference: str = ""
    comments: str = ""
    prices: list[RfqPriceIn] = []


class RfqChoiceIn(Schema):
    consulted: int
    comment: str = ""
    confirm_vigilance: bool = False


class RfqColumnOut(Schema):
    consulted: int
    supplier: int
    supplier_name: str
    email: str
    sent_at: datetime | None
    responded_at: datetime | None
    declined: bool
    total_untaxed: Money | None
    complete: bool
    lead_time_days: int | None
    rating: str | None
    rank: int | None
    cheapest: bool
    vigilance_missing: bool
    valid_until: date | None


class RfqCellOut(Schema):
    consulted: int
    unit_price: str | None
    amount: Money | None
    lead_time_days: int | None
    best: bool


class RfqRowOut(Schema):
    line: int
    line_no: int
    product: int | None
    label: str
    quantity: str
    unit: str
    quotes: list[RfqCellOut]


class RfqOut(Schema):
    id: int
    number: str
    status: str
    subject: str
    issue_date: date
    response_due: date | None
    request: int | None
    chosen: int | None
    order: int | None


class RfqDetailOut(RfqOut):
    notes: str
    suppliers: list[RfqColumnOut]
    lines: list[RfqRowOut]


class RfqPageOut(Schema):
    count: int
    results: list[RfqOut]


class RfqFilters(Schema):
    status: str | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


class RfqSendOut(Schema):
    sent: list[int]
    failed: list[str]


class RfqOrderOut(Schema):
    order: int


def _out(rfq: RequestForQuotation) -> dict:
    return {"id": rfq.pk, "number": rfq.number, "status": rfq.status, "subject": rfq.subject,
            "issue_date": rfq.issue_date, "response_due": rfq.response_due, "request": rfq.request_id,
            "chosen": rfq.chosen_id, "order": rfq.order_id}


def _detail(organisation, pk: int) -> dict:
    rfq = selectors.rfq_get(organisation=organisation, pk=pk)
    comparison = selectors.rfq_comparison(rfq=rfq, today=timezone.localdate())
    columns = [{"consulted": c.consulted.pk, "supplier": c.consulted.supplier_id,
                "supplier_name": c.consulted.supplier.name, "email": c.consulted.email,
                "sent_at": c.consulted.sent_at, "responded_at": c.consulted.responded_at,
                "declined": c.consulted.declined, "total_untaxed": c.total, "complete": c.complete,
                "lead_time_days": c.lead_time_days, "rating": str(c.rating) if c.rating is not None else None,
                "rank": c.rank, "cheapest": c.cheapest, "vigilance_missing": c.vigilance_missing,
                "valid_until": c.consulted.valid_until} for c in comparison.columns]
    rows = [{"line": row.line.pk, "line_no": row.line.line_no, "product": row.line.product_id,
             "label": row.line.label, "quantity": f"{row.line.quantity.normalize():f}", "unit": row.line.unit,
             "quotes": [{"consulted": col.consulted.pk,
                         "unit_price": f"{cell.quote.unit_price.normalize():f}" if cell.quote else None,
                         "amount": cell.quote.amount if cell.quote else None,
                         "lead_time_days": cell.quote.lead_time_days if cell.quote else None, "best": cell.best}
                        for col, cell in zip(comparison.columns, row.cells, strict=True)]}
            for row in comparison.rows]
    return {**_out(rfq), "notes": rfq.notes, "suppliers": columns, "lines": rows}


def _get(organisation, pk: int) -> RequestForQuotation:
    return RequestForQuotation.objects.select_related("organisation").get(organisation=organisation, pk=pk)


def _consulted(rfq, pk: int) -> RfqSupplier:
    return RfqSupplier.objects.select_related("supplier").get(rfq=rfq, pk=pk)


@router.get(PREFIX + "/rfqs", response={200: RfqPageOut, **ERRORS}, summary="Demandes de prix")
def rfq_list(request, org: str, filters: Query[RfqFilters]):
    organisation = organisation_for(request, org, "purchasing.view")
    queryset = selectors.rfq_list(organisation=organisation, status=filters.status or "",
                                  search=(filters.search or "").strip())
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_out(r) for r in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/rfqs", response={201: RfqDetailOut, **BODY_ERRORS}, summary="Créer une demande de prix")
def rfq_create(request, org: str, payload: RfqIn):
    organisation = organisation_for(request, org, "purchasing.write")
    rfq = services.rfq_create(
        actor=request.auth, organisation=organisation, suppliers=payload.suppliers,
        data={"subject": payload.subject, "issue_date": payload.issue_date, "response_due": payload.response_due,
              "notes": payload.notes}, lines=[line.dict() for line in payload.lines])
    return Status(201, _detail(organisation, rfq.pk))


@router.get(PREFIX + "/rfqs/{rfq_id}", response={200: RfqDetailOut, **ERRORS},
            summary="Une demande de prix et la comparaison des offres")
def rfq_detail(request, org: str, rfq_id: int):
    return _detail(organisation_for(request, org, "purchasing.view"), rfq_id)


@router.post(PREFIX + "/rfqs/{rfq_id}/suppliers", response={201: RfqDetailOut, **BODY_ERRORS},
             summary="Consulter un fournisseur de plus")
def rfq_add_supplier(request, org: str, rfq_id: int, payload: RfqSupplierIn):
    organisation = organisation_for(request, org, "purchasing.write")
    services.rfq_supplier_add(actor=request.auth, rfq=_get(organisation, rfq_id), supplier=payload.supplier,
                              email=payload.email)
    return Status(201, _detail(organisation, rfq_id))


@router.post(PREFIX + "/rfqs/{rfq_id}/send", response={200: RfqSendOut, **BODY_ERRORS},
             summary="Envoyer par e-mail (PDF joint)")
def rfq_send(request, org: str, rfq_id: int, payload: RfqSendIn | None = None):
    """To every consulted supplier not yet sent to, or to the `consulted` ids given."""
    organisation = organisation_for(request, org, "purchasing.write")
    logs = services.rfq_send(actor=request.auth, rfq=_get(organisation, rfq_id),
                             consulted_ids=payload.consulted if payload else None)
    return {"sent": [log.party_id for log in logs if log.sent_at],
            "failed": [f"{log.to} : {log.error}" for log in logs if not log.sent_at]}


@router.post(PREFIX + "/rfqs/{rfq_id}/suppliers/{consulted_id}/response", response={200: RfqDetailOut,
                                                                                     **BODY_ERRORS},
             summary="Enregistrer la réponse d'un fournisseur")
def rfq_response(request, org: str, rfq_id: int, consulted_id: int, payload: RfqResponseIn):
    organisation = organisation_for(request, org, "purchasing.write")
    rfq = _get(organisation, rfq_id)
    services.rfq_response_record(
        actor=request.auth, consulted=_consulted(rfq, consulted_id),
        data={"declined": payload.declined, "lead_time_days": payload.lead_time_days,
              "valid_until": payload.valid_until, "quote_reference": payload.quote_reference,
              "comments": payload.comments},
        prices={p.line: {"unit_price": p.unit_price, "lead_time_days": p.lead_time_days, "comment": p.comment}
                for p in payload.prices})
    return _detail(organisation, rfq_id)


@router.post(PREFIX + "/rfqs/{rfq_id}/choose", response={201: RfqOrderOut, **BODY_ERRORS},
             summary="Retenir une offre (crée la commande fournisseur)")
def rfq_choose(request, org: str, rfq_id: int, payload: RfqChoiceIn):
    organisation = organisation_for(request, org, "purchasing.write")
    rfq = _get(organisation, rfq_id)
    order = services.rfq_choose(actor=request.auth, rfq=rfq, consulted=_consulted(rfq, payload.consulted),
                                comment=payload.comment, confirm_vigilance=payload.confirm_vigilance)
    return Status(201, {"order": order.pk})


@router.post(PREFIX + "/rfqs/{rfq_id}/cancel", response={200: RfqDetailOut, **ERRORS}, summary="Annuler")
def rfq_cancel(request, org: str, rfq_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    services.rfq_cancel(actor=request.auth, rfq=_get(organisation, rfq_id))
    return _detail(organisation, rfq_id)


@router.get(PREFIX + "/rfqs/{rfq_id}/pdf", response={200: None, **ERRORS}, summary="Demande de prix (PDF)",
            openapi_extra=PDF_RESPONSE)
def rfq_pdf(request, org: str, rfq_id: int):
    organisation = organisation_for(request, org, "purchasing.view")
    rfq = _get(organisation, rfq_id)
    response = HttpResponse(services.rfq_pdf(rfq=rfq), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{services.rfq_filename(rfq)}"'
    return response
