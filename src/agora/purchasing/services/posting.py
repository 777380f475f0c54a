"""The purchases journal (AC) entry of a validated supplier invoice or credit note.

Invoice (PCG): each charge account (60x/61x/62x) or fixed-asset account (class 2) debit of its commercial net
(after line discounts and remise/rabais/ristourne, before the escompte: the purchase is recorded at its
commercial net); shipping and ancillary costs debit 6241/624; deductible VAT debit per rate — 44562 for the
share of the rate's base on fixed-asset lines, the category's input account (44566) for the rest, with the CA3
box (19 / 20); 401 credit of the amount incl. VAT, with the supplier and the due date; an escompte deducted on
the invoice is a financial income: 765 credit (VAT being computed on the financial net). A credit note posts
the same lines on the other side.
"""

from collections import defaultdict
from decimal import Decimal

from agora.core.money import ZERO, allocate
from agora.core.totals import LineIn, Reduction, document_totals
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account
from agora.ledger.services import entries_post
from agora.purchasing.models import PurchaseDocument, PurchaseKind

JOURNAL = "AC"
SUPPLIER_ACCOUNT = "401"
ESCOMPTE_ACCOUNT = "765"
FIXED_ASSET_VAT_ACCOUNT = "44562"
VAT_BOXES = {"44562": "19"}
OTHER_VAT_BOX = "20"
SHIPPING_ACCOUNTS = ("6241", "624")
ORIGIN_TYPE = "purchasing.purchasedocument"


def is_fixed_asset(account: str) -> bool:
    return account.startswith("2")


def charges_by_account(document: PurchaseDocument, lines) -> dict[str, Decimal]:
    """Commercial net per account: per VAT rate as core.totals computes it, then within the rate pro rata of
    the line nets, so the parts add up to the document's commercial net exactly."""
    reductions = [Reduction(r["label"], Decimal(r["pct"])) for r in document.reductions or []]
    by_rate = defaultdict(list)
    for line in lines:
        by_rate[line.vat_rate].append(line)
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _rate, group in sorted(by_rate.items()):
        rate_net = document_totals(lines=[LineIn(quantity=x.quantity, unit_price=x.unit_price, vat_rate=x.vat_rate,
                                                 discount_pct=x.discount_pct) for x in group],
                                   reductions=reductions).commercial_net
        nets: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in group:
            nets[line.account] += line.net_amount
        for account, amount in allocate(rate_net, dict(nets)).items():
            out[account] += amount
    return dict(out)


def vat_by_account(lines, tax_rows) -> dict[tuple[str, Decimal], Decimal]:
    """Deductible VAT per (account, rate): each rate's tax split between 44562 (fixed-asset lines) and the
    category's input account pro rata of the line nets."""
    out: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for row in tax_rows:
        if not row.tax:
            continue
        nets: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in lines:
            if line.vat_rate == row.rate:
                account = (FIXED_ASSET_VAT_ACCOUNT if is_fixed_asset(line.account)
                           else line.vat_category.input_account)
                nets[account] += line.net_amount
        for account, amount in allocate(row.tax, dict(nets)).items():
            out[(account, row.rate)] += amount
    return dict(out)


def _shipping_account(organisation) -> str:
    codes = set(Account.objects.filter(organisation=organisation, code__in=SHIPPING_ACCOUNTS, active=True)
                .values_list("code", flat=True))
    return next((code for code in SHIPPING_ACCOUNTS if code in codes), SHIPPING_ACCOUNTS[-1])


def purchase_entry_input(document: PurchaseDocument) -> EntryInput:
    """The entry of a supplier invoice or credit note as plain ledger input."""
    lines = list(document.lines.select_related("vat_category"))
    tax_rows = list(document.tax_rows.all())
    out: list[LineInput] = []
    reverse = document.kind == PurchaseKind.CREDIT_NOTE

    def add(account, amount, *, debit: bool, label: str, **extra):
        if not amount:
            return
        if amount < 0:
            amount, debit = -amount, not debit
        if reverse:
            debit = not debit
        out.append(LineInput(account=account, debit=amount if debit else ZERO, credit=ZERO if debit else amount,
                             label=label[:200], **extra))

    reference = f" ({document.supplier_reference})" if document.supplier_reference else ""
    title = f"{document.number} {document.party.name}{reference}"[:200]
    for account, amount in sorted(charges_by_account(document, lines).items()):
        add(account, amount, debit=True, label=title, tax_role="base")
    if document.shipping:
        add(_shipping_account(document.organisation), document.shipping, debit=True, label=f"{title} — port")
    for (account, rate), amount in sorted(vat_by_account(lines, tax_rows).items(), key=lambda kv: (-kv[0][1],
                                                                                                 kv[0][0])):
        rate_label = f"{rate.normalize():f}".replace(".", ",")
        add(account, amount, debit=True, label=f"{title} — TVA {rate_label} %", tax_role="input_vat",
            vat_box=VAT_BOXES.get(account, OTHER_VAT_BOX))
    escompte = document.commercial_net - document.financial_net
    add(ESCOMPTE_ACCOUNT, escompte, debit=False, label=f"{title} — escompte obtenu")
    add(SUPPLIER_ACCOUNT, document.net_to_pay, debit=False, label=title, party=document.party.code,
        due_date=document.due_date if document.kind == PurchaseKind.INVOICE else None)
    return EntryInput(journal=JOURNAL, date=document.issue_date, label=title, lines=out, reference=document.number,
                      voucher_date=document.issue_date, origin_type=ORIGIN_TYPE, origin_id=str(document.pk))


def purchase_entry_post(*, actor, document: PurchaseDocument):
    """Post the document's entry through the ledger's one door; returns the Entry."""
    return entries_post(actor=actor, organisation=document.organisation,
                        entries=[purchase_entry_input(document)])[0]
