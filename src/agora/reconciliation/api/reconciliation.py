"""Reconciliation routes of the JSON API, under /api/v1/orgs/{org}/reconciliation/: proposals (list, accept one,
accept all), manual match, unmatch, entry or settlement created from a statement line, rules, and the
reconciliation statement (JSON and PDF). banking.view to read, banking.write to write."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from agora.core import exports
from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.core.views import today

from ..models import Reason
from ..selectors import books
from ..selectors.proposals import proposals_for
from ..selectors.statement import reconciled_until, reconciliation_statement
from ..services import entries, rules
from ..services.proposals import proposal_accept, proposals_accept_all
from ..services.reconcile import reconciliation_create, reconciliation_delete

router = Router(tags=["rapprochement bancaire"])
PREFIX = "/orgs/{org}/reconciliation"
PDF_RESPONSE = {"responses": {200: {"description": "État de rapprochement (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}
MAX_LIMIT = 1000


class ReconProposalOut(Schema):
    statement_line: int
    kind: str
    targets: list[int]
    reason: str
    reason_label: str
    score: int
    description: str


class ReconAcceptIn(Schema):
    statement_line: int
    kind: str
    targets: list[int]
    reason: str = Reason.MANUAL


class ReconAcceptAllOut(Schema):
    entry: int
    customer: int
    supplier: int
    rule: int


class ReconMatchIn(Schema):
    bank_account: int
    statement_lines: list[int]
    entry_lines: list[int]


class ReconciliationOut(Schema):
    id: int
    bank_account: int
    reason: str
    amount: Money
    statement_lines: list[int]
    entry_lines: list[int]
    created_at: datetime


class ReconEntryIn(Schema):
    account: str
    label: str = ""
    party: str = ""
    vat_rate: AmountIn | None = None


class ReconSettleIn(Schema):
    side: str  # "customer" or "supplier"
    items: list[int]


class ReconRuleIn(Schema):
    name: str
    label_contains: str
    account: str
    sign: str = "any"
    amount_min: AmountIn | None = None
    amount_max: AmountIn | None = None
    party: str = ""
    entry_label: str = ""
    vat_rate: AmountIn | None = None
    bank_account: int | None = None
    priority: int = 10
    active: bool = True


class ReconRuleOut(Schema):
    id: int
    name: str
    label_contains: str
    sign: str
    amount_min: Money | None
    amount_max: Money | None
    account: str
    party: str
    entry_label: str
    vat_rate: Money | None
    bank_account: int | None
    priority: int
    active: bool


class ReconDeletedOut(Schema):
    deleted: bool


class ReconPendingOut(Schema):
    id: int
    date: date
    label: str
    reference: str
    amount: Money


class ReconStatementOut(Schema):
    bank_account: int
    on: date
    books_balance: Money
    bank_balance: Money
    bank_unbooked: list[ReconPendingOut]
    books_unbanked: list[ReconPendingOut]
    books_adjusted: Money
    bank_adjusted: Money
    difference: Money
    balanced: bool
    reconciled_until: date | None


class ReconStatementQuery(Schema):
    on: date | None = None


class ReconProposalQuery(Schema):
    window: int = 5
    limit: int = 200
    offset: int = 0


def _group_out(group) -> dict:
    return {"id": group.pk, "bank_account": group.bank_account_id, "reason": group.reason, "amount": group.amount,
            "created_at": group.created_at,
            "statement_lines": sorted(group.statement_links.values_list("statement_line_id", flat=True)),
            "entry_lines": sorted(group.entry_links.values_list("entry_line_id", flat=True))}


def _rule_out(rule) -> dict:
    return {"id": rule.pk, "name": rule.name, "label_contains": rule.label_contains, "sign": rule.sign,
            "amount_min": rule.amount_min, "amount_max": rule.amount_max, "account": rule.account.code,
            "party": rule.party.code if rule.party_id else "", "entry_label": rule.entry_label,
            "vat_rate": rule.vat_rate, "bank_account": rule.bank_account_id, "priority": rule.priority,
            "active": rule.active}


@router.get(PREFIX + "/bank-accounts/{bank_id}/proposals", response={200: list[ReconProposalOut], **ERRORS},
            summary="Propositions de rapprochement")
def proposal_list(request, org: str, bank_id: int, query: Query[ReconProposalQuery]):
    """The best proposal of each unreconciled statement line, in statement order (`window`: days around the date
    for "montant et date")."""
    organisation = organisation_for(request, org, "banking.view")
    bank = books.bank_account_get(organisation=organisation, pk=bank_id)
    found = sorted(proposals_for(bank_account=bank, window=max(0, min(query.window, 60))).values(),
                   key=lambda p: p.line_id)
    limit, offset = max(1, min(query.limit, MAX_LIMIT)), max(0, query.offset)
    return [{"statement_line": p.line_id, "kind": p.kind, "targets": list(p.targets), "reason": p.reason,
             "reason_label": p.reason_label, "score": p.score, "description": p.description}
            for p in found[offset:offset + limit]]


@router.post(PREFIX + "/proposals/accept", response={201: ReconciliationOut, **BODY_ERRORS},
             summary="Accepter une proposition")
def proposal_accept_route(request, org: str, payload: ReconAcceptIn):
    organisation = organisation_for(request, org, "banking.write")
    line = books.statement_line_get(organisation=organisation, pk=payload.statement_line)
    group = proposal_accept(actor=request.auth, statement_line=line, kind=payload.kind, targets=payload.targets,
                            reason=payload.reason)
    return Status(201, _group_out(group))


@router.post(PREFIX + "/bank-accounts/{bank_id}/proposals/accept-all", response={200: ReconAcceptAllOut, **ERRORS},
             summary="Accepter toutes les propositions")
def proposal_accept_all(request, org: str, bank_id: int):
    organisation = organisation_for(request, org, "banking.write")
    bank = books.bank_account_get(organisation=organisation, pk=bank_id)
    return proposals_accept_all(actor=request.auth, bank_account=bank)


@router.post(PREFIX + "/reconciliations", response={201: ReconciliationOut, **BODY_ERRORS},
             summary="Rapprocher à la main")
def reconciliation_match(request, org: str, payload: ReconMatchIn):
    """One statement line with several 512 lines, or several statement lines with one; the sums must be equal."""
    organisation = organisation_for(request, org, "banking.write")
    bank = books.bank_account_get(organisation=organisation, pk=payload.bank_account)
    group = reconciliation_create(actor=request.auth, bank_account=bank, statement_line_ids=payload.statement_lines,
                                  entry_line_ids=payload.entry_lines)
    return Status(201, _group_out(group))


@router.delete(PREFIX + "/reconciliations/{reconciliation_id}", response={200: ReconDeletedOut, **ERRORS},
               summary="Défaire un rapprochement")
def reconciliation_unmatch(request, org: str, reconciliation_id: int):
    organisation = organisation_for(request, org, "banking.write")
    reconciliation_delete(actor=request.auth,
                          reconciliation=books.reconciliation_get(organisation=organisation, pk=reconciliation_id))
    return {"deleted": True}


@router.post(PREFIX + "/statement-lines/{line_id}/entry", response={201: ReconciliationOut, **BODY_ERRORS},
             summary="Passer l'écriture d'une ligne de relevé")
def line_entry(request, org: str, line_id: int, payload: ReconEntryIn):
    """Fees, interest, direct debit: 512 against `account` in the bank journal (VAT split when `vat_rate`)."""
    organisation = organisation_for(request, org, "banking.write")
    line = books.statement_line_get(organisation=organisation, pk=line_id)
    group = entries.entry_from_line(actor=request.auth, statement_line=line, account=payload.account,
                                    label=payload.label, party=payload.party, vat_rate=payload.vat_rate)
    return Status(201, _group_out(group))


@router.post(PREFIX + "/statement-lines/{line_id}/settle", response={201: ReconciliationOut, **BODY_ERRORS},
             summary="Régler des factures depuis une ligne de relevé")
def line_settle(request, org: str, line_id: int, payload: ReconSettleIn):
    """`side="customer"`: receipt through sales; `side="supplier"`: 401/512 payment, the 401 lines matched."""
    organisation = organisation_for(request, org, "banking.write")
    line = books.statement_line_get(organisation=organisation, pk=line_id)
    if payload.side not in ("customer", "supplier"):
        raise BusinessError("invalid_side", "Côté inconnu : « customer » ou « supplier ».", field="side")
    settle = entries.customer_receipt_from_line if payload.side == "customer" else entries.supplier_payment_from_line
    return Status(201, _group_out(settle(actor=request.auth, statement_line=line, item_ids=payload.items)))


@router.get(PREFIX + "/rules", response={200: list[ReconRuleOut], **ERRORS}, summary="Règles d'affectation")
def rule_list(request, org: str):
    organisation = organisation_for(request, org, "banking.view")
    return [_rule_out(rule) for rule in books.rules(organisation=organisation)]


@router.post(PREFIX + "/rules", response={201: ReconRuleOut, **BODY_ERRORS}, summary="Créer une règle")
def rule_create(request, org: str, payload: ReconRuleIn):
    organisation = organisation_for(request, org, "banking.write")
    rule = rules.rule_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, _rule_out(books.rule_get(organisation=organisation, pk=rule.pk)))


@router.get(PREFIX + "/rules/{rule_id}", response={200: ReconRuleOut, **ERRORS}, summary="Une règle")
def rule_detail(request, org: str, rule_id: int):
    organisation = organisation_for(request, org, "banking.view")
    return _rule_out(books.rule_get(organisation=organisation, pk=rule_id))


@router.put(PREFIX + "/rules/{rule_id}", response={200: ReconRuleOut, **BODY_ERRORS}, summary="Modifier une règle")
def rule_update(request, org: str, rule_id: int, payload: ReconRuleIn):
    organisation = organisation_for(request, org, "banking.write")
    rules.rule_update(actor=request.auth, rule=books.rule_get(organisation=organisation, pk=rule_id),
                      data=payload.dict())
    return _rule_out(books.rule_get(organisation=organisation, pk=rule_id))


@router.delete(PREFIX + "/rules/{rule_id}", response={200: ReconDeletedOut, **ERRORS}, summary="Supprimer une règle")
def rule_delete(request, org: str, rule_id: int):
    organisation = organisation_for(request, org, "banking.write")
    rules.rule_delete(actor=request.auth, rule=books.rule_get(organisation=organisation, pk=rule_id))
    return {"deleted": True}


def _pending(lines) -> list[dict]:
    return [{"id": x.pk, "date": x.date, "label": x.label, "reference": x.reference or "", "amount": x.amount}
            for x in lines]


@router.get(PREFIX + "/bank-accounts/{bank_id}/statement", response={200: ReconStatementOut, **ERRORS},
            summary="État de rapprochement")
def statement(request, org: str, bank_id: int, query: Query[ReconStatementQuery]):
    """Both balances at `on` (default today), the items pending on each side, both adjusted balances."""
    organisation = organisation_for(request, org, "banking.view")
    bank = books.bank_account_get(organisation=organisation, pk=bank_id)
    report = reconciliation_statement(bank, query.on or today())
    return {"bank_account": bank.pk, "on": report.on, "books_balance": report.books_balance,
            "bank_balance": report.bank_balance, "bank_unbooked": _pending(report.bank_unbooked),
            "books_unbanked": _pending(report.books_unbanked), "books_adjusted": report.books_adjusted,
            "bank_adjusted": report.bank_adjusted, "difference": report.difference, "balanced": report.balanced,
            "reconciled_until": reconciled_until(bank)}


@router.get(PREFIX + "/bank-accounts/{bank_id}/statement.pdf", response={200: None, **ERRORS},
            summary="État de rapprochement (PDF)", openapi_extra=PDF_RESPONSE)
def statement_pdf(request, org: str, bank_id: int, query: Query[ReconStatementQuery]):
    organisation = organisation_for(request, org, "banking.view")
    bank = books.bank_account_get(organisation=organisation, pk=bank_id)
    on = query.on or today()
    content = exports.pdf_bytes("reconciliation/statement_pdf.html", {
        "report": reconciliation_statement(bank, on), "bank": bank, "on": on, "organisation": organisation,
        "logo": exports.logo_uri(organisation)})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="etat-de-rapprochement-{bank.journal.code}-{on}.pdf"'
    return response
