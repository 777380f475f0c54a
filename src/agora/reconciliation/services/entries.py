"""Entries created from a statement line that the books do not have yet, each reconciled with the line at once:

- bank-only lines (fees 627, interest 661/764, direct debits 626…): posted in the bank journal, from a rule or
  typed by hand, with the VAT split when a rate is given;
- a customer paying open items: recorded through the sales receipt service when the items are sales invoices (so
  the invoice's open amount, VAT on receipts and the 411 matching follow), else posted 512/411 and matched;
- a supplier paid: posted 401/512 in the bank journal and the 401 lines matched.
"""

from decimal import Decimal

from django.db import transaction

from agora.banking.models import StatementLine
from agora.core.errors import BusinessError
from agora.core.money import ZERO, format_amount, parse_amount
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, EntryLine
from agora.ledger.services import entries_post, matching_create
from agora.parties.models import Party
from agora.sales.services.receipts import receipt_record

from ..domain import vat_split
from ..models import Reason, Reconciliation, ReconciliationRule
from ..selectors import books
from .reconcile import reconciliation_create

SALES_INVOICE_ORIGIN = "sales.salesdocument"
ORIGIN = "reconciliation.statementline"
INPUT_VAT, OUTPUT_VAT = "44566", "44571"
INPUT_VAT_BOX = "20"


def _line(statement_line: StatementLine) -> StatementLine:
    """The line again, locked, and still open (a second click or another user may have been faster)."""
    line = StatementLine.objects.select_for_update(of=("self",)).select_related(
        "bank_account__account", "bank_account__journal", "bank_account__organisation").get(pk=statement_line.pk)
    if hasattr(line, "reconciled"):
        raise BusinessError("already_reconciled", "Cette ligne de relevé est déjà rapprochée.",
                            field="statement_line")
    return line


def _bank_line_id(entry, bank_account) -> int:
    return EntryLine.objects.filter(entry=entry, account_id=bank_account.account_id).values_list(
        "pk", flat=True).get()


def clean_vat_rate(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    rate = parse_amount(raw, field="vat_rate")
    if rate < 0 or rate >= 100:
        raise BusinessError("invalid_vat_rate", "Taux de TVA invalide (entre 0 et 100 %).", field="vat_rate")
    return rate or None


@transaction.atomic
def entry_from_line(*, actor, statement_line: StatementLine, account: str, label: str = "", party: str = "",
                    vat_rate=None, reason: str = Reason.ENTRY) -> Reconciliation:
    """Post the bank-only movement: 512 against `account` (VAT split off when `vat_rate` is given: deductible
    44566 on money out, collected 44571 on money in), and reconcile it with the line."""
    line = _line(statement_line)
    bank = line.bank_account
    organisation = bank.organisation
    code = (account or "").strip()
    target = Account.objects.filter(organisation=organisation, code=code, active=True).first()
    if target is None:
        raise BusinessError("unknown_account", f"Compte inconnu : « {code} ».", field="account")
    if target.pk == bank.account_id:
        raise BusinessError("bank_account", "Choisissez le compte de contrepartie, pas le compte de banque.",
                            field="account")
    party_code = (party or "").strip().upper()
    if party_code and not Party.objects.filter(organisation=organisation, code=party_code).exists():
        raise BusinessError("unknown_party", f"Tiers inconnu : « {party_code} ».", field="party")
    if target.party_required and not party_code:
        raise BusinessError("party_required", f"Le compte {target.code} exige un tiers.", field="party")
    rate = clean_vat_rate(vat_rate)
    text = ((label or "").strip() or line.label)[:200]
    money_in = line.amount > 0
    gross = abs(line.amount)
    net, vat = vat_split(gross, rate)
    side = {"credit": net} if money_in else {"debit": net}
    lines = [LineInput(account=bank.account.code, label=text, **({"debit": gross} if money_in else {"credit": gross})),
             LineInput(account=target.code, label=text, party=party_code, tax_role="base" if vat else "", **side)]
    if vat:
        lines.append(LineInput(account=OUTPUT_VAT if money_in else INPUT_VAT, label=f"TVA {text}"[:200],
                               tax_role="output_vat" if money_in else "input_vat",
                               vat_box="" if money_in else INPUT_VAT_BOX,
                               **({"credit": vat} if money_in else {"debit": vat})))
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=bank.journal.code, date=line.date, label=text, reference=(line.reference or "")[:40],
        voucher_date=line.date, origin_type=ORIGIN, origin_id=str(line.pk), lines=lines)])[0]
    return reconciliation_create(actor=actor, bank_account=bank, statement_line_ids=[line.pk],
                                 entry_line_ids=[_bank_line_id(entry, bank)], reason=reason)


def entry_from_rule(*, actor, statement_line: StatementLine, rule: ReconciliationRule) -> Reconciliation:
    return entry_from_line(actor=actor, statement_line=statement_line, account=rule.account.code,
                           label=rule.entry_label, party=rule.party.code if rule.party_id else "",
                           vat_rate=rule.vat_rate, reason=Reason.RULE)


def _items(organisation, item_ids, side: str) -> list[EntryLine]:
    try:
        ids = sorted({int(pk) for pk in item_ids})
    except (TypeError, ValueError) as exc:
        raise BusinessError("invalid_id", "Identifiant d'échéance illisible.", field="items") from exc
    if not ids:
        raise BusinessError("required", "Choisissez au moins une échéance.", field="items")
    found = list(books.open_items(organisation=organisation, side=side).filter(pk__in=ids)
                 .select_for_update(of=("self",)).select_related("account", "party", "entry").order_by("pk"))
    if len(found) != len(ids):
        raise BusinessError("item_not_open", "Une des échéances est introuvable ou déjà réglée.", field="items")
    return found


def _check_total(line: StatementLine, total: Decimal) -> None:
    if abs(line.amount) != total:
        raise BusinessError("unbalanced", f"Les échéances choisies font {format_amount(total)} € pour une ligne de "
                            f"relevé de {format_amount(abs(line.amount))} €.", field="items")


@transaction.atomic
def customer_receipt_from_line(*, actor, statement_line: StatementLine, item_ids) -> Reconciliation:
    """Money in settling open customer items (their debits must sum to the line)."""
    line = _line(statement_line)
    bank = line.bank_account
    organisation = bank.organisation
    if line.amount <= 0:
        raise BusinessError("wrong_direction", "Une ligne de sortie d'argent ne règle pas une facture client.",
                            field="statement_line")
    items = _items(organisation, item_ids, "customer")
    _check_total(line, sum((item.debit for item in items), ZERO))
    if all(item.entry.origin_type == SALES_INVOICE_ORIGIN for item in items) and len({i.party_id for i in items}) == 1:
        receipt = receipt_record(
            actor=actor, organisation=organisation, party=items[0].party, date=line.date, method="transfer",
            amount=line.amount, allocations=[(int(item.entry.origin_id), item.debit) for item in items],
            reference=(line.reference or line.label)[:80], journal=bank.journal.code)
        entry = receipt.entry
    else:
        entry = _post_settlement(actor, organisation, line, items, money_in=True)
    return reconciliation_create(actor=actor, bank_account=bank, statement_line_ids=[line.pk],
                                 entry_line_ids=[_bank_line_id(entry, bank)], reason=Reason.ENTRY)


@transaction.atomic
def supplier_payment_from_line(*, actor, statement_line: StatementLine, item_ids) -> Reconciliation:
    """Money out paying open supplier items (their credits must sum to the line): 401 debit / 512 credit in the
    bank journal, each 401 invoice line matched with its payment line."""
    line = _line(statement_line)
    bank = line.bank_account
    organisation = bank.organisation
    if line.amount >= 0:
        raise BusinessError("wrong_direction", "Une ligne d'entrée d'argent ne paie pas une facture fournisseur.",
                            field="statement_line")
    items = _items(organisation, item_ids, "supplier")
    _check_total(line, sum((item.credit for item in items), ZERO))
    entry = _post_settlement(actor, organisation, line, items, money_in=False)
    return reconciliation_create(actor=actor, bank_account=bank, statement_line_ids=[line.pk],
                                 entry_line_ids=[_bank_line_id(entry, bank)], reason=Reason.ENTRY)


def _post_settlement(actor, organisation, line: StatementLine, items: list[EntryLine], *, money_in: bool):
    """One bank entry: the 512 line, then one third-party line per item (in item order), each matched."""
    bank = line.bank_account
    total = abs(line.amount)
    text = line.label[:200]
    lines = [LineInput(account=bank.account.code, label=text, **({"debit": total} if money_in else {"credit": total}))]
    for item in items:
        amount = item.debit if money_in else item.credit
        lines.append(LineInput(account=item.account.code, party=item.party.code,
                               label=f"Règlement {item.entry.reference or item.label}"[:200],
                               **({"credit": amount} if money_in else {"debit": amount})))
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=bank.journal.code, date=line.date, label=text, reference=(line.reference or "")[:40],
        voucher_date=line.date, origin_type=ORIGIN, origin_id=str(line.pk), lines=lines)])[0]
    posted = dict(EntryLine.objects.filter(entry=entry).values_list("line_no", "pk"))
    for offset, item in enumerate(items, start=2):
        if item.account.reconcilable:
            matching_create(actor=actor, organisation=organisation, line_ids=[item.pk, posted[offset]], on=line.date)
    return entry
