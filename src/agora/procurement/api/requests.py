"""Purchase request routes of the JSON API, under /api/v1/orgs/{org}/: list, create, detail, update, submit,
approve / reject (purchasing.approve), cancel, order directly, consult suppliers (RFQ), and the reorder list turned
into draft requests. purchasing.view to read, purchasing.write to act."""

from datetime import date, datetime

from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.procurement.models import PurchaseRequest
from agora.procurement.selectors import requests as selectors
from agora.procurement.selectors.reorder import reorder_proposals
from agora.procurement.services import requests as services
from agora.procurement.services.rfqs import rfq_from_request

router = Router(tags=["approvisionnement — demandes d'achat"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500


class RequestLineIn(Schema):
    product: int | None = None
    label: str = ""
    quantity: AmountIn
    unit: str = ""
    estimated_unit_price: AmountIn | None = None
    needed_by: date | None = None


class RequestIn(Schema):
    reason: str = ""
    needed_by: date | None = None
    supplier: int | None = None
    lines: list[RequestLineIn]


class RequestDecisionIn(Schema):
    comment: str = ""


class RequestOrderIn(Schema):
    supplier: int | None = None


class RequestLineOut(Schema):
    line_no: int
    product: int | None
    label: str
    quantity: str
    unit: str
    estimated_unit_price: str
    estimated_amount: Money
    needed_by: date | None


class RequestOut(Schema):
    id: int
    number: str
    status: str
    origin: str
    requester: str | None
    reason: str
    needed_by: date | None
    supplier: int | None
    estimated_total: Money
    approval_required: bool
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_comment: str
    order: int | None
    order_number: str | None


class RequestDetailOut(RequestOut):
    lines: list[RequestLineOut]


class RequestPageOut(Schema):
    count: int
    results: list[RequestOut]


class RequestFilters(Schema):
    status: str | None = None
    origin: str | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


class RequestsCreatedOut(Schema):
    ids: list[int]


class RequestOrderOut(Schema):
    order: int


class RequestRfqOut(Schema):
    rfq: int
    number: str


def _out(r: PurchaseRequest) -> dict:
    return {"id": r.pk, "number": r.number, "status": r.status, "origin": r.origin,
            "requester": r.requester.username if r.requester else None, "reason": r.reason,
            "needed_by": r.needed_by, "supplier": r.supplier_id, "estimated_total": r.estimated_total,
            "approval_required": r.approval_required, "submitted_at": r.submitted_at, "decided_at": r.decided_at,
            "decided_by": r.decided_by.username if r.decided_by else None, "decision_comment": r.decision_comment,
            "order": r.order_id, "order_number": r.order.number if r.order else None}


def _detail(organisation, pk: int) -> dict:
    r = selectors.request_get(organisation=organisation, pk=pk)
    return {**_out(r), "lines": [
        {"line_no": x.line_no, "product": x.product_id, "label": x.label, "quantity": f"{x.quantity.normalize():f}",
         "unit": x.unit, "estimated_unit_price": f"{x.estimated_unit_price.normalize():f}",
         "estimated_amount": x.estimated_amount, "needed_by": x.needed_by}
        for x in selectors.request_lines(request=r)]}


def _get(organisation, pk: int) -> PurchaseRequest:
    return PurchaseRequest.objects.get(organisation=organisation, pk=pk)


def _lines(payload: RequestIn) -> list[dict]:
    return [line.dict() for line in payload.lines]


@router.get(PREFIX + "/purchase-requests", response={200: RequestPageOut, **ERRORS}, summary="Demandes d'achat")
def request_list(request, org: str, filters: Query[RequestFilters]):
    """Newest first; `status=open` keeps drafts, those awaiting approval and approved ones not yet ordered."""
    organisation = organisation_for(request, org, "purchasing.view")
    queryset = selectors.request_list(organisation=organisation, status=filters.status or "",
                                      origin=filters.origin or "", search=(filters.search or "").strip())
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_out(r) for r in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/purchase-requests", response={201: RequestDetailOut, **BODY_ERRORS},
             summary="Créer une demande d'achat (brouillon)")
def request_create(request, org: str, payload: RequestIn):
    organisation = organisation_for(request, org, "purchasing.write")
    created = services.purchase_request_create(
        actor=request.auth, organisation=organisation, lines=_lines(payload),
        data={"reason": payload.reason, "needed_by": payload.needed_by, "supplier": payload.supplier})
    return Status(201, _detail(organisation, created.pk))


@router.get(PREFIX + "/purchase-requests/{int:request_id}", response={200: RequestDetailOut, **ERRORS},
            summary="Une demande d'achat")
def request_detail(request, org: str, request_id: int):
    return _detail(organisation_for(request, org, "purchasing.view"), request_id)


@router.put(PREFIX + "/purchase-requests/{int:request_id}", response={200: RequestDetailOut, **BODY_ERRORS},
            summary="Modifier un brouillon")
def request_update(request, org: str, request_id: int, payload: RequestIn):
    organisation = organisation_for(request, org, "purchasing.write")
    services.purchase_request_update(
        actor=request.auth, request=_get(organisation, request_id), lines=_lines(payload),
        data={"reason": payload.reason, "needed_by": payload.needed_by, "supplier": payload.supplier})
    return _detail(organisation, request_id)


@router.post(PREFIX + "/purchase-requests/{int:request_id}/submit", response={200: RequestDetailOut, **ERRORS},
             summary="Soumettre (approuvée d'office sous le seuil)")
def request_submit(request, org: str, request_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    services.purchase_request_submit(actor=request.auth, request=_get(organisation, request_id))
    return _detail(organisation, request_id)


@router.post(PREFIX + "/purchase-requests/{int:request_id}/approve", response={200: RequestDetailOut, **BODY_ERRORS},
             summary="Approuver (direction)")
def request_approve(request, org: str, request_id: int, payload: RequestDecisionIn | None = None):
    organisation = organisation_for(request, org, "purchasing.approve")
    services.purchase_request_approve(actor=request.auth, request=_get(organisation, request_id),
                                      comment=payload.comment if payload else "")
    return _detail(organisation, request_id)


@router.post(PREFIX + "/purchase-requests/{int:request_id}/reject", response={200: RequestDetailOut, **BODY_ERRORS},
             summary="Refuser avec un motif (direction)")
def request_reject(request, org: str, request_id: int, payload: RequestDecisionIn):
    organisation = organisation_for(request, org, "purchasing.approve")
    services.purchase_request_reject(actor=request.auth, request=_get(organisation, request_id),
                                     comment=payload.comment)
    return _detail(organisation, request_id)


@router.post(PREFIX + "/purchase-requests/{int:request_id}/cancel", response={200: RequestDetailOut, **ERRORS},
             summary="Annuler")
def request_cancel(request, org: str, request_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    services.purchase_request_cancel(actor=request.auth, request=_get(organisation, request_id))
    return _detail(organisation, request_id)


@router.post(PREFIX + "/purchase-requests/{int:request_id}/order", response={201: RequestOrderOut, **BODY_ERRORS},
             summary="Commander directement (commande fournisseur brouillon)")
def request_order(request, org: str, request_id: int, payload: RequestOrderIn | None = None):
    organisation = organisation_for(request, org, "purchasing.write")
    order = services.purchase_request_order(actor=request.auth, request=_get(organisation, request_id),
                                            supplier=payload.supplier if payload else None)
    return Status(201, {"order": order.pk})


@router.post(PREFIX + "/purchase-requests/{int:request_id}/rfq", response={201: RequestRfqOut, **ERRORS},
             summary="Consulter des fournisseurs (demande de prix)")
def request_rfq(request, org: str, request_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    rfq = rfq_from_request(actor=request.auth, request=_get(organisation, request_id))
    return Status(201, {"rfq": rfq.pk, "number": rfq.number})


@router.post(PREFIX + "/purchase-requests/from-reorder", response={201: RequestsCreatedOut, **ERRORS},
             summary="Demandes brouillon depuis le réapprovisionnement")
def request_from_reorder(request, org: str):
    organisation = organisation_for(request, org, "purchasing.write")
    created = services.purchase_requests_from_reorder(actor=request.auth, organisation=organisation,
                                                       proposals=reorder_proposals(organisation=organisation))
    return Status(201, {"ids": [r.pk for r in created]})
