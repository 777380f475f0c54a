"""Claim routes of the JSON API, under /api/v1/orgs/{org}/: list (filters, overdue flag), open, detail with
exchanges, log an exchange, assign, resolve, reopen, reply letter (PDF). sales.view to read, sales.write to act."""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, organisation_for
from agora.core.errors import BusinessError
from agora.core.models import User
from agora.parties.models import Party
from agora.sales.models import Claim, SalesDocument
from agora.sales.selectors import claims as selectors
from agora.sales.services import claims as services

router = Router(tags=["ventes — réclamations"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
PDF_RESPONSE = {"responses": {200: {"description": "Lettre de réponse (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}


class ClaimIn(Schema):
    party: int
    document: int | None = None
    kind: str
    subject: str
    description: str = ""
    owner: int | None = None
    deadline: date | None = None
    is_dispute: bool = False


class ExchangeIn(Schema):
    channel: str = "note"
    text: str


class AssignIn(Schema):
    owner: int | None = None
    deadline: date | None = None


class ResolveIn(Schema):
    outcome: str
    outcome_document: int | None = None
    reply: str = ""


class ReopenIn(Schema):
    reason: str = ""


class ExchangeOut(Schema):
    id: int
    at: datetime
    author: str | None
    channel: str
    text: str


class ClaimOut(Schema):
    id: int
    number: str
    party: int
    party_name: str
    document: int | None
    document_number: str | None
    kind: str
    is_dispute: bool
    subject: str
    description: str
    status: str
    owner: int | None
    opened_on: date
    deadline: date
    is_overdue: bool
    closed_on: date | None
    outcome: str
    outcome_document: int | None
    reply: str


class ClaimDetailOut(ClaimOut):
    exchanges: list[ExchangeOut]


class ClaimPageOut(Schema):
    count: int
    results: list[ClaimOut]


class ClaimFilters(Schema):
    status: str | None = None
    kind: str | None = None
    overdue: bool | None = None
    owner: int | None = None
    party: int | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


def _claim_out(claim: Claim) -> dict:
    return {"id": claim.pk, "number": claim.number, "party": claim.party_id, "party_name": claim.party.name,
            "document": claim.document_id, "document_number": claim.document.number if claim.document else None,
            "kind": claim.kind, "is_dispute": claim.is_dispute, "subject": claim.subject,
            "description": claim.description, "status": claim.status, "owner": claim.owner_id,
            "opened_on": claim.opened_on, "deadline": claim.deadline, "is_overdue": claim.is_overdue,
            "closed_on": claim.closed_on, "outcome": claim.outcome, "outcome_document": claim.outcome_document_id,
            "reply": claim.reply}


def _detail(organisation, claim_id: int) -> dict:
    claim = selectors.claim_get(organisation=organisation, pk=claim_id, today=timezone.localdate())
    return {**_claim_out(claim), "exchanges": [
        {"id": e.pk, "at": e.at, "author": e.author.username if e.author else None, "channel": e.channel,
         "text": e.text} for e in selectors.claim_exchanges(claim=claim)]}


def _claim(organisation, claim_id: int) -> Claim:
    return Claim.objects.get(organisation=organisation, pk=claim_id)


def _document(organisation, document_id: int | None, field: str) -> SalesDocument | None:
    if document_id is None:
        return None
    found = SalesDocument.objects.filter(organisation=organisation, pk=document_id).first()
    if found is None:
        raise BusinessError("unknown_document", "Document de vente inconnu dans cette organisation.", field=field)
    return found


def _owner(organisation, owner_id: int | None):
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, memberships__organisation=organisation).first()
    if owner is None:
        raise BusinessError("invalid_owner", "Le responsable choisi n'a pas de rôle dans cette organisation.",
                            field="owner")
    return owner


@router.get(PREFIX + "/claims", response={200: ClaimPageOut, **ERRORS}, summary="Réclamations")
def claim_list(request, org: str, filters: Query[ClaimFilters]):
    """Newest first; `status=active` keeps those not closed; `overdue=true` those past their deadline."""
    organisation = organisation_for(request, org, "sales.view")
    party = Party.objects.filter(organisation=organisation, pk=filters.party).first() if filters.party else None
    if filters.party and party is None:
        raise BusinessError("unknown_party", "Client inconnu dans cette organisation.", field="party")
    queryset = selectors.claim_list(
        organisation=organisation, today=timezone.localdate(), status=filters.status or "", kind=filters.kind or "",
        overdue=filters.overdue, owner=_owner(organisation, filters.owner), party=party,
        search=(filters.search or "").strip())
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_claim_out(c) for c in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/claims", response={201: ClaimDetailOut, **BODY_ERRORS}, summary="Ouvrir une réclamation")
def claim_create(request, org: str, payload: ClaimIn):
    organisation = organisation_for(request, org, "sales.write")
    party = Party.objects.filter(organisation=organisation, pk=payload.party).first()
    claim = services.claim_open(
        actor=request.auth, organisation=organisation, party=party,
        document=_document(organisation, payload.document, "document"), kind=payload.kind, subject=payload.subject,
        description=payload.description, owner=_owner(organisation, payload.owner), deadline=payload.deadline,
        is_dispute=payload.is_dispute)
    return Status(201, _detail(organisation, claim.pk))


@router.get(PREFIX + "/claims/{claim_id}", response={200: ClaimDetailOut, **ERRORS}, summary="Une réclamation")
def claim_detail(request, org: str, claim_id: int):
    organisation = organisation_for(request, org, "sales.view")
    return _detail(organisation, claim_id)


@router.post(PREFIX + "/claims/{claim_id}/exchanges", response={201: ClaimDetailOut, **BODY_ERRORS},
             summary="Consigner un échange")
def claim_exchange(request, org: str, claim_id: int, payload: ExchangeIn):
    organisation = organisation_for(request, org, "sales.write")
    services.claim_log_exchange(actor=request.auth, claim=_claim(organisation, claim_id), channel=payload.channel,
                                text=payload.text)
    return Status(201, _detail(organisation, claim_id))


@router.post(PREFIX + "/claims/{claim_id}/assign", response={200: ClaimDetailOut, **BODY_ERRORS},
             summary="Attribuer")
def claim_assign(request, org: str, claim_id: int, payload: AssignIn):
    organisation = organisation_for(request, org, "sales.write")
    services.claim_assign(actor=request.auth, claim=_claim(organisation, claim_id),
                          owner=_owner(organisation, payload.owner), deadline=payload.deadline)
    return _detail(organisation, claim_id)


@router.post(PREFIX + "/claims/{claim_id}/resolve", response={200: ClaimDetailOut, **BODY_ERRORS},
             summary="Clore avec une issue")
def claim_resolve(request, org: str, claim_id: int, payload: ResolveIn):
    """`outcome`: credit_note (with the credit note's id), replacement (an order or delivery id), refusal (with
    the written `reply`), other."""
    organisation = organisation_for(request, org, "sales.write")
    services.claim_resolve(actor=request.auth, claim=_claim(organisation, claim_id), outcome=payload.outcome,
                           outcome_document=_document(organisation, payload.outcome_document, "outcome_document"),
                           reply=payload.reply)
    return _detail(organisation, claim_id)


@router.post(PREFIX + "/claims/{claim_id}/reopen", response={200: ClaimDetailOut, **BODY_ERRORS},
             summary="Rouvrir")
def claim_reopen(request, org: str, claim_id: int, payload: ReopenIn | None = None):
    organisation = organisation_for(request, org, "sales.write")
    services.claim_reopen(actor=request.auth, claim=_claim(organisation, claim_id),
                          reason=payload.reason if payload else "")
    return _detail(organisation, claim_id)


@router.get(PREFIX + "/claims/{claim_id}/reply.pdf", response={200: None, **ERRORS},
            summary="Lettre de réponse (PDF)", openapi_extra=PDF_RESPONSE)
def claim_reply_pdf(request, org: str, claim_id: int):
    organisation = organisation_for(request, org, "sales.view")
    claim = Claim.objects.select_related("organisation", "party", "document").get(organisation=organisation,
                                                                                  pk=claim_id)
    response = HttpResponse(services.claim_reply_pdf(claim=claim), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reponse-{claim.number}.pdf"'
    return response
