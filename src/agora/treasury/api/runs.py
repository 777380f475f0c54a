"""Payment run routes of the JSON API, under /api/v1/orgs/{org}/: propose, list, read, review lines, approve,
execute, delete, SEPA file, payment advices. treasury.view to read, treasury.write to propose, review and
execute, treasury.approve to approve."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.treasury.models import BankAccount
from agora.treasury.selectors import runs as selectors
from agora.treasury.selectors.runs import bank_account_get
from agora.treasury.services import advices
from agora.treasury.services import runs as services

router = Router(tags=["trésorerie — paiements fournisseurs"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
XML_RESPONSE = {"responses": {200: {"description": "Virements SEPA (pain.001.001.09)",
                                    "content": {"application/xml": {"schema": {"type": "string"}}}}}}


class ProposeIn(Schema):
    on: date
    due_until: date | None = None
    bank_account: int | None = None


class PaymentRunOut(Schema):
    id: int
    number: str
    date: date
    due_until: date
    bank_account: int
    state: str
    reference_rate: Money
    count: int
    lines: int
    suppliers: int
    blocked: int
    amount_due: Money
    escompte: Money
    amount: Money
    entry: str
    sepa_message_id: str
    created_at: datetime


class PaymentRunLineOut(Schema):
    id: int
    item: int
    party: int
    party_code: str
    party_name: str
    reference: str
    supplier_reference: str
    invoice_date: date
    due_date: date
    amount_due: Money
    escompte_pct: Money
    escompte_deadline: date | None
    escompte_rate: Money | None
    escompte_available: Money
    escompte_amount: Money
    amount: Money
    method: str
    cheque_number: str
    selected: bool
    blocked_reason: str


class LinePageOut(Schema):
    count: int
    results: list[PaymentRunLineOut]


class LineFilters(Schema):
    selected: bool | None = None
    blocked: bool | None = None
    method: str | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


class LinePatch(Schema):
    selected: bool | None = None
    amount: AmountIn | None = None
    method: str | None = None
    cheque_number: str | None = None


class AdvicesOut(Schema):
    sent: int
    failed: int
    no_email: int


class PaymentRunDeletedOut(Schema):
    deleted: bool


def _run_out(run) -> dict:
    totals = selectors.run_totals(run=run)
    return {"id": run.pk, "number": run.number, "date": run.date, "due_until": run.due_until,
            "bank_account": run.bank_account_id, "state": run.state, "reference_rate": run.reference_rate,
            "entry": run.entry.display_number if run.entry_id else "", "sepa_message_id": run.sepa_message_id,
            "created_at": run.created_at,
            **{key: totals[key] for key in ("count", "lines", "suppliers", "blocked", "amount_due", "escompte",
                                            "amount")}}


def _line_out(line) -> dict:
    return {"id": line.pk, "item": line.item_id, "party": line.party_id, "party_code": line.party.code,
            "party_name": line.party.name, **{key: getattr(line, key) for key in (
                "reference", "supplier_reference", "invoice_date", "due_date", "amount_due", "escompte_pct",
                "escompte_deadline", "escompte_rate", "escompte_available", "escompte_amount", "amount", "method",
                "cheque_number", "selected", "blocked_reason")}}


def _run(organisation, run_id):
    return selectors.run_get(organisation=organisation, pk=run_id)


@router.get(PREFIX + "/payment-runs", response={200: list[PaymentRunOut], **ERRORS}, summary="Campagnes de paiement")
def run_list(request, org: str):
    organisation = organisation_for(request, org, "treasury.view")
    return [_run_out(run) for run in selectors.run_list(organisation=organisation).select_related(
        "entry__journal", "entry__fiscal_year")[:MAX_LIMIT]]


@router.post(PREFIX + "/payment-runs", response={201: PaymentRunOut, **BODY_ERRORS}, summary="Proposer des paiements")
def run_propose(request, org: str, payload: ProposeIn):
    """Propose paying on `on` the supplier items due by `due_until` (default `on`) and those whose escompte is
    worth taking; `bank_account` defaults to the default account."""
    organisation = organisation_for(request, org, "treasury.write")
    bank = None
    if payload.bank_account is not None:
        try:
            bank = bank_account_get(organisation=organisation, pk=payload.bank_account)
        except BankAccount.DoesNotExist as missing:
            raise BusinessError("invalid_bank_account", "Compte bancaire inconnu.", field="bank_account") from missing
    run = services.payment_run_propose(actor=request.auth, organisation=organisation, on=payload.on,
                                       due_until=payload.due_until, bank_account=bank)
    return Status(201, _run_out(_run(organisation, run.pk)))


@router.get(PREFIX + "/payment-runs/{run_id}", response={200: PaymentRunOut, **ERRORS}, summary="Une campagne")
def run_detail(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "treasury.view")
    return _run_out(_run(organisation, run_id))


@router.get(PREFIX + "/payment-runs/{run_id}/lines", response={200: LinePageOut, **ERRORS},
            summary="Lignes d'une campagne")
def run_lines(request, org: str, run_id: int, filters: Query[LineFilters]):
    organisation = organisation_for(request, org, "treasury.view")
    queryset = selectors.run_lines(run=_run(organisation, run_id), selected=filters.selected,
                                   blocked=filters.blocked, method=filters.method or "", search=filters.search or "")
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_line_out(line) for line in queryset[offset:offset + limit]]}


@router.patch(PREFIX + "/payment-lines/{line_id}", response={200: PaymentRunLineOut, **BODY_ERRORS},
              summary="Revoir une ligne")
def line_patch(request, org: str, line_id: int, payload: LinePatch):
    """Keep or leave out, pay less than due (partial; the escompte is then given up), method, cheque number.
    More than the open amount: 422."""
    organisation = organisation_for(request, org, "treasury.write")
    line = selectors.run_line_get(organisation=organisation, pk=line_id)
    services.payment_line_update(actor=request.auth, line=line, selected=payload.selected, amount=payload.amount,
                                 method=payload.method, cheque_number=payload.cheque_number)
    return _line_out(selectors.run_line_get(organisation=organisation, pk=line_id))


@router.post(PREFIX + "/payment-runs/{run_id}/approve", response={200: PaymentRunOut, **ERRORS},
             summary="Approuver une campagne")
def run_approve(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "treasury.approve")
    services.payment_run_approve(actor=request.auth, run=_run(organisation, run_id))
    return _run_out(_run(organisation, run_id))


@router.post(PREFIX + "/payment-runs/{run_id}/execute", response={200: PaymentRunOut, **ERRORS},
             summary="Exécuter une campagne")
def run_execute(request, org: str, run_id: int):
    """Post the payments (bank journal), match the invoices, write the SEPA file. Unapproved: 422."""
    organisation = organisation_for(request, org, "treasury.write")
    services.payment_run_execute(actor=request.auth, run=_run(organisation, run_id))
    return _run_out(_run(organisation, run_id))


@router.delete(PREFIX + "/payment-runs/{run_id}", response={200: PaymentRunDeletedOut, **ERRORS},
               summary="Supprimer une campagne non exécutée")
def run_delete(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "treasury.write")
    services.payment_run_delete(actor=request.auth, run=_run(organisation, run_id))
    return {"deleted": True}


@router.get(PREFIX + "/payment-runs/{run_id}/sepa.xml", response={200: None, **ERRORS},
            summary="Fichier de virements SEPA", openapi_extra=XML_RESPONSE)
def run_sepa(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "treasury.view")
    run = _run(organisation, run_id)
    if not run.sepa_file:
        raise BusinessError("no_sepa_file", "Cette campagne n'a pas de fichier de virements.", field="run")
    with run.sepa_file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{run.number}.xml"'
    return response


@router.post(PREFIX + "/payment-runs/{run_id}/advices", response={200: AdvicesOut, **ERRORS},
             summary="Envoyer les avis de paiement")
def run_advices(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "treasury.write")
    return advices.payment_advices_send(actor=request.auth, run=_run(organisation, run_id))
