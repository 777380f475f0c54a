"""Money-in routes of the JSON API, under /api/v1/orgs/{org}/: receipts, cheque deposit slips, open invoices,
customer statement and aged balance. Thin calls to selectors.payments and services.receipts.

Permissions: sales.view for reads, sales.write to record a receipt or a deposit slip. Amounts leave as strings
with two decimals and come in as strings ("1234.56" or "1 234,56").
"""

from datetime import date

from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.parties.models import Party
from agora.sales.models import DepositSlip, PaymentMethod, Receipt, SalesDocument
from agora.sales.selectors import payments as selectors
from agora.sales.services.receipts import deposit_slip_create, receipt_record

router = Router(tags=["ventes — encaissements"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
Day = date


# --- schemas ---------------------------------------------------------------------------------------------------

class AllocationIn(Schema):
    invoice: int
    amount: AmountIn


class ReceiptIn(Schema):
    party: str  # party code
    date: Day
    method: str
    amount: AmountIn
    allocations: list[AllocationIn] | None = None
    reference: str = ""
    drawee_bank: str = ""
    journal: str = "BQ1"
    allow_credit: bool = False


class AllocationOut(Schema):
    invoice: int
    invoice_number: str
    amount: Money
    open_amount: Money


class ReceiptOut(Schema):
    id: int
    number: str
    party: str
    party_name: str
    date: Day
    method: str
    amount: Money
    unallocated: Money
    reference: str
    drawee_bank: str
    journal: str
    entry: str | None
    deposit_slip: str | None
    allocations: list[AllocationOut]


class ReceiptSummaryOut(Schema):
    id: int
    number: str
    party: str
    date: Day
    method: str
    amount: Money
    unallocated: Money
    reference: str
    deposit_slip: str | None


class ReceiptPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReceiptSummaryOut]


class DepositSlipIn(Schema):
    date: Day
    receipts: list[int]
    journal: str = "BQ1"


class ChequeOut(Schema):
    receipt: int
    number: str
    drawer: str
    drawee_bank: str
    cheque_number: str
    amount: Money


class DepositSlipOut(Schema):
    id: int
    number: str
    date: Day
    journal: str
    total: Money
    entry: str | None
    cheques: list[ChequeOut]


class OpenInvoiceOut(Schema):
    id: int
    number: str
    party: str
    date: Day
    due_date: Day | None
    net_to_pay: Money
    paid: Money
    credited: Money
    open_amount: Money


class StatementRowOut(Schema):
    date: Day
    kind: str
    entry_number: str
    reference: str
    label: str
    due_date: Day | None
    debit: Money
    credit: Money
    balance: Money
    matching: str


class StatementOut(Schema):
    party: str
    party_name: str
    date_from: Day
    date_to: Day
    opening: Money
    total_debit: Money
    total_credit: Money
    closing: Money
    rows: list[StatementRowOut]


class AgedRowOut(Schema):
    party: str
    party_name: str
    not_due: Money
    d1_30: Money
    d31_60: Money
    d61_90: Money
    over_90: Money
    total: Money
    unallocated: Money
    balance: Money


class AgedBalanceOut(Schema):
    as_of: Day
    rows: list[AgedRowOut]
    totals: AgedRowOut


# --- helpers -----------------------------------------------------------------------------------------------------

def _party(organisation, code: str, *, field: str = "party") -> Party:
    party = Party.objects.filter(organisation=organisation, code=(code or "").strip().upper()).first()
    if party is None:
        raise BusinessError("unknown_party", f"Client inconnu : « {code} ».", field=field)
    return party


def _receipt_out(receipt: Receipt) -> dict:
    allocations = list(selectors.receipt_allocations(receipt))
    return {
        "id": receipt.pk, "number": receipt.number, "party": receipt.party.code, "party_name": receipt.party.name,
        "date": receipt.date, "method": receipt.method, "amount": receipt.amount, "unallocated": receipt.unallocated,
        "reference": receipt.reference, "drawee_bank": receipt.drawee_bank, "journal": receipt.journal,
        "entry": receipt.entry.display_number if receipt.entry else None,
        "deposit_slip": receipt.deposit_slip.number if receipt.deposit_slip else None,
        "allocations": [{"invoice": a.invoice_id, "invoice_number": a.invoice.number, "amount": a.amount,
                         "open_amount": selectors.invoice_open_amount(a.invoice)} for a in allocations],
    }


def _slip_out(slip: DepositSlip) -> dict:
    return {"id": slip.pk, "number": slip.number, "date": slip.date, "journal": slip.bank_journal,
            "total": slip.total, "entry": slip.entry.display_number if slip.entry else None,
            "cheques": [{"receipt": c.pk, "number": c.number, "drawer": c.party.name, "drawee_bank": c.drawee_bank,
                         "cheque_number": c.reference, "amount": c.amount}
                        for c in selectors.deposit_slip_cheques(slip)]}


def _aged_row(row) -> dict:
    return {"party": row.party_code, "party_name": row.party_name, "not_due": row.not_due, "d1_30": row.d1_30,
            "d31_60": row.d31_60, "d61_90": row.d61_90, "over_90": row.over_90, "total": row.total,
            "unallocated": row.unallocated, "balance": row.balance}


# --- receipts ----------------------------------------------------------------------------------------------------

class ReceiptFilters(Schema):
    party: str | None = None
    method: str | None = None
    date_from: Day | None = None
    date_to: Day | None = None
    search: str | None = None
    pending_cheques: bool = False
    limit: int = 50
    offset: int = 0


@router.get(PREFIX + "/receipts", response={200: ReceiptPageOut, **ERRORS}, summary="Encaissements")
def receipt_list(request, org: str, filters: Query[ReceiptFilters]):
    """Receipts, latest first (limit ≤ 500); `pending_cheques` keeps the cheques not yet deposited."""
    organisation = organisation_for(request, org, "sales.view")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    if filters.offset < 0:
        raise BusinessError("invalid_offset", "« offset » est positif ou nul.", field="offset")
    if filters.method and filters.method not in PaymentMethod.values:
        raise BusinessError("unknown_method", f"Mode de règlement inconnu : « {filters.method} ».", field="method")
    party = _party(organisation, filters.party) if filters.party else None
    receipts = selectors.receipt_list(organisation=organisation, party=party, method=filters.method or None,
                                      date_from=filters.date_from, date_to=filters.date_to,
                                      search=(filters.search or "").strip(), pending_cheques=filters.pending_cheques)
    count = receipts.count()
    items = [{"id": r.pk, "number": r.number, "party": r.party.code, "date": r.date, "method": r.method,
              "amount": r.amount, "unallocated": r.unallocated, "reference": r.reference,
              "deposit_slip": r.deposit_slip.number if r.deposit_slip else None}
             for r in receipts[filters.offset:filters.offset + filters.limit]]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post(PREFIX + "/receipts", response={201: ReceiptOut, **BODY_ERRORS}, summary="Encaisser un règlement")
def receipt_create(request, org: str, payload: ReceiptIn):
    """Record, post and match a receipt. Without `allocations` the amount goes to the oldest invoices first;
    what is not allocated is refused unless `allow_credit` keeps it as customer credit."""
    organisation = organisation_for(request, org, "sales.write")
    party = _party(organisation, payload.party)
    allocations = None
    if payload.allocations is not None:
        ids = [a.invoice for a in payload.allocations]
        invoices = SalesDocument.objects.filter(organisation=organisation, pk__in=ids).in_bulk()
        allocations = []
        for n, item in enumerate(payload.allocations, start=1):
            if item.invoice not in invoices:
                raise BusinessError("unknown_invoice", f"Affectation {n} : facture introuvable.",
                                    field=f"allocations.{n}.invoice")
            allocations.append((invoices[item.invoice], item.amount))
    receipt = receipt_record(actor=request.auth, organisation=organisation, party=party, date=payload.date,
                             method=payload.method, amount=payload.amount, allocations=allocations,
                             reference=payload.reference, drawee_bank=payload.drawee_bank, journal=payload.journal,
                             allow_credit=payload.allow_credit)
    return Status(201, _receipt_out(selectors.receipt_get(organisation=organisation, pk=receipt.pk)))


@router.get(PREFIX + "/receipts/{receipt_id}", response={200: ReceiptOut, **ERRORS}, summary="Un encaissement")
def receipt_get(request, org: str, receipt_id: int):
    organisation = organisation_for(request, org, "sales.view")
    return _receipt_out(selectors.receipt_get(organisation=organisation, pk=receipt_id))


# --- deposit slips -------------------------------------------------------------------------------------------------

@router.get(PREFIX + "/deposit-slips", response={200: list[DepositSlipOut], **ERRORS},
            summary="Remises de chèques")
def deposit_slip_list(request, org: str, limit: int = 50, offset: int = 0):
    organisation = organisation_for(request, org, "sales.view")
    if not 1 <= limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    slips = selectors.deposit_slip_list(organisation=organisation)[max(offset, 0):max(offset, 0) + limit]
    return [_slip_out(slip) for slip in slips]


@router.post(PREFIX + "/deposit-slips", response={201: DepositSlipOut, **BODY_ERRORS},
             summary="Créer un bordereau de remise de chèques")
def deposit_slip_new(request, org: str, payload: DepositSlipIn):
    organisation = organisation_for(request, org, "sales.write")
    slip = deposit_slip_create(actor=request.auth, organisation=organisation, receipts=payload.receipts,
                               date=payload.date, journal=payload.journal)
    return Status(201, _slip_out(selectors.deposit_slip_get(organisation=organisation, pk=slip.pk)))


@router.get(PREFIX + "/deposit-slips/{slip_id}", response={200: DepositSlipOut, **ERRORS},
            summary="Un bordereau de remise")
def deposit_slip_get(request, org: str, slip_id: int):
    organisation = organisation_for(request, org, "sales.view")
    return _slip_out(selectors.deposit_slip_get(organisation=organisation, pk=slip_id))


# --- open invoices, statement, aged balance ----------------------------------------------------------------------

@router.get(PREFIX + "/open-invoices", response={200: list[OpenInvoiceOut], **ERRORS},
            summary="Factures restant à encaisser")
def open_invoice_list(request, org: str, party: str | None = None, as_of: Day | None = None):
    """Validated invoices with something left to pay, oldest due date first."""
    organisation = organisation_for(request, org, "sales.view")
    customer = _party(organisation, party) if party else None
    return [{"id": i.pk, "number": i.number, "party": i.party.code, "date": i.date, "due_date": i.due_date,
             "net_to_pay": i.net_to_pay, "paid": i.paid, "credited": i.credited, "open_amount": i.open_amount}
            for i in selectors.open_invoices(organisation=organisation, party=customer, as_of=as_of)]


@router.get(PREFIX + "/customer-statement", response={200: StatementOut, **ERRORS},
            summary="Relevé de compte client")
def customer_statement(request, org: str, party: str, date_from: Day, date_to: Day):
    organisation = organisation_for(request, org, "sales.view")
    if date_to < date_from:
        raise BusinessError("invalid_dates", "La date de fin précède la date de début.", field="date_to")
    customer = _party(organisation, party)
    statement = selectors.customer_statement(organisation=organisation, party=customer, date_from=date_from,
                                             date_to=date_to)
    return {"party": customer.code, "party_name": customer.name, "date_from": date_from, "date_to": date_to,
            "opening": statement.opening, "total_debit": statement.total_debit,
            "total_credit": statement.total_credit, "closing": statement.closing,
            "rows": [{"date": r.date, "kind": r.kind, "entry_number": r.entry_number, "reference": r.reference,
                      "label": r.label, "due_date": r.due_date, "debit": r.debit, "credit": r.credit,
                      "balance": r.balance, "matching": r.matching} for r in statement.rows]}


@router.get(PREFIX + "/aged-balance", response={200: AgedBalanceOut, **ERRORS}, summary="Balance âgée clients")
def aged_balance(request, org: str, as_of: Day):
    organisation = organisation_for(request, org, "sales.view")
    report = selectors.aged_balance(organisation=organisation, as_of=as_of)
    return {"as_of": report.as_of, "rows": [_aged_row(r) for r in report.rows], "totals": _aged_row(report.totals)}
