"""Money in: customer receipts, their allocation to invoices, matching, VAT on receipts, cheque deposit slips.

A receipt posts one bank/cash entry: the treasury account debit (5121 through the bank journal, 530 for cash,
5112 "Chèques à encaisser" for a cheque not yet deposited), 411 credit — one line per invoice it pays, so each
invoice is matched with its own payment, plus one line for what stays as customer credit. Services invoiced
without the debits option left their VAT on the pending account 44574: the same entry moves the share paid to
44571, where the VAT return takes it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from agora.catalog.models import VatCategory
from agora.core.audit import audit_record
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.money import ZERO, format_amount, parse_amount, round_money
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, EntryLine, FiscalYear, Journal, MatchingPart
from agora.ledger.services import account_create, entries_post, matching_create
from agora.parties.models import Party
from agora.sales.models import (
    DepositSlip,
    DocumentKind,
    DocumentState,
    PaymentMethod,
    Receipt,
    ReceiptAllocation,
    SalesDocument,
)

CHEQUES_ACCOUNT = "5112"
CHEQUES_LABEL = "Chèques à encaisser"
PENDING_VAT_DEFAULT = "44574"
OUTPUT_VAT_DEFAULT = "44571"
RECEIVABLE_PREFIXES = ("411", "416")
ORIGIN_RECEIPT = "sales.receipt"
ORIGIN_DEPOSIT_SLIP = "sales.depositslip"


@dataclass
class _Allocation:
    invoice: SalesDocument
    amount: Decimal
    receivable_account: str  # the invoice's 411 account: the payment line must sit on the same one to match
    paid_before: Decimal
    open_after: Decimal


def _fiscal_year_code(organisation, day: date, *, field: str = "date") -> str:
    year = FiscalYear.objects.filter(organisation=organisation, start_date__lte=day, end_date__gte=day).first()
    if year is None:
        raise BusinessError("no_period", f"Aucun exercice ne contient le {day:%d/%m/%Y}.", field=field)
    return year.code


def _treasury_journal(organisation, code: str, *, kinds=(Journal.Kind.BANK, Journal.Kind.CASH)) -> Journal:
    journal = (Journal.objects.filter(organisation=organisation, code=(code or "").strip().upper(), active=True)
               .select_related("default_account").first())
    if journal is None:
        raise BusinessError("unknown_journal", f"Journal inconnu : « {code} ».", field="journal")
    if journal.kind not in kinds:
        raise BusinessError("not_treasury_journal", f"Le journal {journal.code} n'est pas un journal de "
                            "banque ou de caisse.", field="journal")
    if journal.default_account is None:
        raise BusinessError("no_treasury_account", f"Le journal {journal.code} n'a pas de compte de trésorerie "
                            "par défaut.", field="journal")
    return journal


def cheques_account(*, actor, organisation) -> Account:
    """5112 "Chèques à encaisser", created on first use (the seeded charts stop at 512/5121)."""
    account = Account.objects.filter(organisation=organisation, code=CHEQUES_ACCOUNT).first()
    return account or account_create(actor=actor, organisation=organisation, code=CHEQUES_ACCOUNT,
                                     label=CHEQUES_LABEL, reconcilable=True, party_required=False)


def _open_amount_locked(invoice: SalesDocument) -> tuple[Decimal, Decimal]:
    """(already paid, open amount) of an invoice whose row the caller has locked."""
    paid = ReceiptAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or ZERO
    credited = (SalesDocument.objects.filter(credited_invoice=invoice, kind=DocumentKind.CREDIT_NOTE,
                                             state=DocumentState.VALIDATED)
                .aggregate(s=Sum("net_to_pay"))["s"] or ZERO)
    paid, credited = round_money(paid), round_money(credited)
    return paid, invoice.net_to_pay - paid - credited


def _receivable_lines(document: SalesDocument, party: Party) -> list[EntryLine]:
    if document.entry_id is None:
        return []
    return [line for line in EntryLine.objects.filter(entry_id=document.entry_id, party=party)
            .select_related("account").order_by("line_no")
            if line.account.code.startswith(RECEIVABLE_PREFIXES)]


def _clean_amount(raw, *, field: str, label: str) -> Decimal:
    value = parse_amount(raw if raw is not None else "", field=field)
    if value < 0:
        raise BusinessError("negative_amount", f"{label} : un montant négatif n'est pas accepté.", field=field)
    if value == 0:
        raise BusinessError("zero_amount", f"{label} : le montant doit être supérieur à zéro.", field=field)
    return value


def _auto_allocations(organisation, party, amount: Decimal) -> list[tuple[SalesDocument, Decimal]]:
    """Spread `amount` over the party's open invoices, oldest due date first."""
    from agora.sales.selectors.payments import open_invoices

    out, rest = [], amount
    for invoice in open_invoices(organisation=organisation, party=party):
        if rest <= 0:
            break
        share = min(rest, invoice.open_amount)
        out.append((invoice, share))
        rest -= share
    return out


def _allocations(organisation, party, amount: Decimal, raw: list | None) -> list[_Allocation]:
    """Check the requested allocations against what each invoice still owes (under a row lock)."""
    if raw is None:
        raw = _auto_allocations(organisation, party, amount)
    requested: list[tuple[int, Decimal, int]] = []
    for n, item in enumerate(raw, start=1):
        try:
            invoice, value = item
        except (TypeError, ValueError) as exc:
            raise BusinessError("invalid_allocation", f"Affectation {n} illisible.", field="allocations") from exc
        invoice_id = getattr(invoice, "pk", invoice)
        value = _clean_amount(value, field=f"allocations.{n}.amount", label=f"Affectation {n}")
        requested.append((invoice_id, value, n))
    ids = sorted({invoice_id for invoice_id, _, _ in requested})
    invoices = {doc.pk: doc for doc in SalesDocument.objects.select_for_update()
                .filter(organisation=organisation, pk__in=[i for i in ids if isinstance(i, int)]).order_by("pk")}
    seen: set[int] = set()
    out = []
    for invoice_id, value, n in requested:
        field = f"allocations.{n}.invoice"
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.kind != DocumentKind.INVOICE:
            raise BusinessError("unknown_invoice", f"Affectation {n} : facture introuvable.", field=field)
        if invoice.state != DocumentState.VALIDATED or invoice.entry_id is None:
            raise BusinessError("invoice_not_validated", f"Affectation {n} : la facture {invoice} n'est pas "
                                "validée.", field=field)
        if invoice.party_id != party.pk:
            raise BusinessError("other_customer", f"Affectation {n} : la facture {invoice.number} est celle d'un "
                                "autre client.", field=field)
        if invoice.pk in seen:
            raise BusinessError("duplicate_invoice", f"Affectation {n} : la facture {invoice.number} est déjà "
                                "affectée plus haut.", field=field)
        seen.add(invoice.pk)
        paid, open_amount = _open_amount_locked(invoice)
        if value > open_amount:
            raise BusinessError(
                "paying_more_than_due",
                f"Affectation {n} : vous affectez {format_amount(value)} € à la facture {invoice.number} alors "
                f"qu'il n'en reste que {format_amount(max(open_amount, ZERO))} € à payer.",
                field=f"allocations.{n}.amount")
        lines = _receivable_lines(invoice, party)
        account = lines[0].account.code if lines else "411"
        out.append(_Allocation(invoice=invoice, amount=value, receivable_account=account, paid_before=paid,
                               open_after=open_amount - value))
    return out


# --- VAT on receipts -------------------------------------------------------------------------------------------

def _pending_vat_lines(organisation, invoice: SalesDocument) -> list[tuple[str, str, str, Decimal]]:
    """The invoice's output VAT left on a pending account: (pending account, output account, VAT box, amount)."""
    categories = list(VatCategory.objects.filter(organisation=organisation))
    pending_accounts = {c.pending_output_account for c in categories} | {PENDING_VAT_DEFAULT}
    lines = [line for line in EntryLine.objects.filter(entry_id=invoice.entry_id).select_related("account")
             if line.account.code in pending_accounts and line.credit > 0]
    if not lines:
        return []
    tax_rows = [row for row in invoice.tax_rows.all() if row.tax]
    out = []
    for line in lines:
        category = None
        candidates = [c for c in categories if c.pending_output_account == line.account.code]
        if line.vat_box:
            category = next((c for c in candidates if c.vat_box == line.vat_box), None)
        if category is None:
            rates = [row.rate for row in tax_rows if row.tax == line.credit] or [row.rate for row in tax_rows]
            if len(set(rates)) >= 1:
                category = next((c for c in candidates if c.rate == rates[0] and c.active), None) \
                    or next((c for c in candidates if c.rate == rates[0]), None)
        output = category.output_account if category else OUTPUT_VAT_DEFAULT
        box = line.vat_box or (category.vat_box if category else "")
        out.append((line.account.code, output, box, line.credit))
    return out


def vat_share(pending: Decimal, *, receivable: Decimal, paid_before: Decimal, paid_now: Decimal) -> Decimal:
    """VAT that becomes due with this payment: pro rata of the amount paid over the invoice's TTC.

    Computed on cumulative payments (round(VAT × paid after / TTC) − round(VAT × paid before / TTC), half up),
    so every payment rounds once and the payment that settles the invoice moves exactly what remains.
    """
    if receivable <= 0:
        return ZERO

    def due(paid: Decimal) -> Decimal:
        return pending if paid >= receivable else round_money(pending * paid / receivable)

    return due(paid_before + paid_now) - due(paid_before)


def _vat_lines(organisation, allocation: _Allocation) -> list[LineInput]:
    invoice = allocation.invoice
    receivable = sum((line.debit - line.credit for line in _receivable_lines(invoice, invoice.party)), ZERO)
    out = []
    for pending_account, output_account, box, amount in _pending_vat_lines(organisation, invoice):
        share = vat_share(amount, receivable=receivable or invoice.net_to_pay, paid_before=allocation.paid_before,
                          paid_now=allocation.amount)
        if share <= 0:
            continue
        label = f"TVA sur encaissement {invoice.number}"
        out.append(LineInput(account=pending_account, debit=share, label=label))
        out.append(LineInput(account=output_account, credit=share, label=label, tax_role="output_vat",
                             vat_box=box))
    return out


# --- receipts ----------------------------------------------------------------------------------------------------

@transaction.atomic
def receipt_record(*, actor, organisation, party, date, method, amount, allocations=None, reference: str = "",
                   drawee_bank: str = "", journal: str = "BQ1", allow_credit: bool = False) -> Receipt:
    """Record money received from a customer, post it and match the invoices it pays.

    `allocations` is a list of (invoice, amount); None spreads the amount over the open invoices, oldest due
    date first. What is not allocated stays on 411 as customer credit, only when `allow_credit` says so.
    """
    day = date
    if not isinstance(party, Party) or party.organisation_id != organisation.pk:
        raise BusinessError("unknown_party", "Client introuvable.", field="party")
    if method not in PaymentMethod.values:
        raise BusinessError("unknown_method", f"Mode de règlement inconnu : « {method} ».", field="method")
    if not hasattr(day, "isoformat"):
        raise BusinessError("invalid_date", "Date de l'encaissement invalide.", field="date")
    amount = _clean_amount(amount, field="amount", label="Montant de l'encaissement")
    reference, drawee_bank = (reference or "").strip()[:80], (drawee_bank or "").strip()[:80]
    if method == PaymentMethod.CASH and (journal or "").upper() == "BQ1":
        journal = Journal.objects.filter(organisation=organisation, kind=Journal.Kind.CASH, active=True) \
            .order_by("code").values_list("code", flat=True).first() or "CA"
    treasury_journal = _treasury_journal(organisation, journal)
    year_code = _fiscal_year_code(organisation, day)
    chosen = _allocations(organisation, party, amount, allocations)
    allocated = sum((a.amount for a in chosen), ZERO)
    if allocated > amount:
        raise BusinessError("over_allocated", f"Les affectations ({format_amount(allocated)} €) dépassent le "
                            f"montant encaissé ({format_amount(amount)} €).", field="allocations")
    unallocated = amount - allocated
    if unallocated > 0 and not allow_credit:
        raise BusinessError(
            "unallocated", f"{format_amount(unallocated)} € ne sont affectés à aucune facture : cochez « conserver "
            "en avoir client » pour les garder au crédit du client, ou affectez-les.", field="amount")

    if method == PaymentMethod.CHEQUE:
        debit_account = cheques_account(actor=actor, organisation=organisation).code
    else:
        debit_account = treasury_journal.default_account.code
    number = counter_next(organisation=organisation, series="sales:receipt", fiscal_year=year_code)
    receipt = Receipt.objects.create(
        organisation=organisation, number=f"RC-{year_code}-{number:05d}", party=party, date=day, method=method,
        amount=amount, reference=reference, drawee_bank=drawee_bank, journal=treasury_journal.code,
        unallocated=unallocated, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    ReceiptAllocation.objects.bulk_create([ReceiptAllocation(receipt=receipt, invoice=a.invoice, amount=a.amount)
                                           for a in chosen])

    method_label = PaymentMethod(method).label.lower()
    label = f"Règlement {party.name} ({method_label}{' ' + reference if reference else ''})"
    lines = [LineInput(account=debit_account, debit=amount, label=label)]
    lines += [LineInput(account=a.receivable_account, credit=a.amount, party=party.code,
                        label=f"Règlement {a.invoice.number}") for a in chosen]
    if unallocated > 0:
        lines.append(LineInput(account="411", credit=unallocated, party=party.code,
                               label=f"Avance client non affectée — {receipt.number}"))
    for a in chosen:
        lines += _vat_lines(organisation, a)
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=treasury_journal.code, date=day, label=f"Encaissement {receipt.number} — {party.name}"[:200],
        reference=receipt.number, voucher_date=day, origin_type=ORIGIN_RECEIPT, origin_id=str(receipt.pk),
        lines=lines)])[0]
    receipt.entry = entry
    receipt.save(update_fields=["entry"])

    posted = {line.line_no: line for line in EntryLine.objects.filter(entry=entry)}
    for offset, allocation in enumerate(chosen, start=2):
        _match_invoice(actor, organisation, allocation.invoice, party, [posted[offset].pk], day)
    audit_record(organisation=organisation, actor=actor, action="receipt.record", obj=receipt, after={
        "number": receipt.number, "party": party.code, "date": day.isoformat(), "method": method,
        "amount": str(amount), "unallocated": str(unallocated), "entry": entry.display_number,
        "allocations": [[a.invoice.number, str(a.amount)] for a in chosen]})
    return receipt


def _unmatched(lines: list[EntryLine]) -> list[int]:
    full = set(MatchingPart.objects.filter(line__in=lines, matching__is_full=True).values_list("line_id", flat=True))
    return [line.pk for line in lines if line.pk not in full]


def _match_invoice(actor, organisation, invoice: SalesDocument, party: Party, payment_line_ids: list[int],
                   day: date) -> None:
    """Match the invoice's 411 line(s) with its payment (and its credit notes): full once nothing is left."""
    invoice_lines = _receivable_lines(invoice, party)
    credit_lines = []
    for note in SalesDocument.objects.filter(credited_invoice=invoice, kind=DocumentKind.CREDIT_NOTE,
                                             state=DocumentState.VALIDATED, entry__isnull=False):
        credit_lines += [line for line in _receivable_lines(note, party)
                         if line.account_id == (invoice_lines[0].account_id if invoice_lines else None)]
    ids = _unmatched(invoice_lines + credit_lines)
    if not ids or not invoice_lines or not invoice_lines[0].account.reconcilable:
        return
    matching_create(actor=actor, organisation=organisation, line_ids=ids + payment_line_ids, on=day)


# --- cheque deposit slips ----------------------------------------------------------------------------------------

@transaction.atomic
def deposit_slip_create(*, actor, organisation, receipts, date, journal: str = "BQ1") -> DepositSlip:
    """Group cheques received and not yet deposited on one slip: bank debit, 5112 credit (one line a cheque)."""
    day = date
    if not hasattr(day, "isoformat"):
        raise BusinessError("invalid_date", "Date de remise invalide.", field="date")
    ids = sorted({getattr(r, "pk", r) for r in receipts or []})
    if not ids:
        raise BusinessError("required", "Choisissez au moins un chèque à remettre.", field="receipts")
    bank = _treasury_journal(organisation, journal, kinds=(Journal.Kind.BANK,))
    cheques = list(Receipt.objects.select_for_update(of=("self",)).filter(organisation=organisation, pk__in=ids)
                   .select_related("party", "entry").order_by("pk"))
    if len(cheques) != len(ids):
        raise BusinessError("unknown_receipt", "Un des encaissements est introuvable.", field="receipts")
    for cheque in cheques:
        if cheque.method != PaymentMethod.CHEQUE:
            raise BusinessError("not_a_cheque", f"L'encaissement {cheque.number} n'est pas un chèque.",
                                field="receipts")
        if cheque.deposit_slip_id is not None:
            raise BusinessError("already_deposited", f"Le chèque de l'encaissement {cheque.number} est déjà remis "
                                "en banque.", field="receipts")
        if cheque.date > day:
            raise BusinessError("deposit_before_receipt", f"Le chèque {cheque.number} a été reçu le "
                                f"{cheque.date:%d/%m/%Y}, après la date de remise.", field="date")
    year_code = _fiscal_year_code(organisation, day)
    account = cheques_account(actor=actor, organisation=organisation)
    total = sum((c.amount for c in cheques), ZERO)
    number = counter_next(organisation=organisation, series="sales:deposit_slip", fiscal_year=year_code)
    slip = DepositSlip.objects.create(organisation=organisation, number=f"RM-{year_code}-{number:05d}", date=day,
                                      bank_journal=bank.code, total=total)
    lines = [LineInput(account=bank.default_account.code, debit=total, label=f"Remise de chèques {slip.number}")]
    lines += [LineInput(account=account.code, credit=c.amount,
                        label=f"Chèque {c.reference or c.number} — {c.party.name}"[:200]) for c in cheques]
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=bank.code, date=day, label=f"Remise de chèques {slip.number} ({len(cheques)} chèque"
        f"{'s' if len(cheques) > 1 else ''})", reference=slip.number, voucher_date=day,
        origin_type=ORIGIN_DEPOSIT_SLIP, origin_id=str(slip.pk), lines=lines)])[0]
    slip.entry = entry
    slip.save(update_fields=["entry"])
    Receipt.objects.filter(pk__in=ids).update(deposit_slip=slip)
    if account.reconcilable:  # each cheque's 5112 debit against its line on the slip: 5112 reads what is left
        slip_lines = {line.line_no: line.pk for line in EntryLine.objects.filter(entry=entry)}
        received = {line.entry_id: line.pk for line in EntryLine.objects.filter(
            entry_id__in=[c.entry_id for c in cheques], account=account, debit__gt=0)}
        for n, cheque in enumerate(cheques, start=2):
            if cheque.entry_id in received:
                matching_create(actor=actor, organisation=organisation,
                                line_ids=[received[cheque.entry_id], slip_lines[n]], on=day)
    audit_record(organisation=organisation, actor=actor, action="deposit_slip.create", obj=slip, after={
        "number": slip.number, "date": day.isoformat(), "total": str(total), "journal": bank.code,
        "receipts": [c.number for c in cheques], "entry": entry.display_number})
    return slip
