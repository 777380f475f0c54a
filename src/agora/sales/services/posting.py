"""The sales journal entry of a validated invoice or credit note (called inside their validation transaction).

Invoice (PCG): 411 debit net to pay (with the party and the due date); 70x credit per revenue account, net of
trade reductions but before the cash discount; 7085/708 credit for shipping; 665 debit for the cash discount
granted (a financial charge: the VAT is on the financial net); output VAT credit per rate on 44571 (or 44574,
pending, for services when the organisation has not opted for VAT on debits), with the return box; a deposit
invoice credits 4191 instead of 70x, and the final invoice debits 4191 and the deposit's VAT back.
A credit note posts the same lines on the other side.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from agora.catalog.models import Product, VatCategory
from agora.core.errors import BusinessError
from agora.core.models import Organisation
from agora.core.money import ZERO, allocate, round_money
from agora.core.totals import LineIn, Reduction, document_totals
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account
from agora.ledger.services import entries_post
from agora.sales.models import DocumentKind, DocumentState, SalesDocument

CUSTOMER_ACCOUNT = "411"
CASH_DISCOUNT_ACCOUNT = "665"
DEPOSIT_ACCOUNT = "4191"
SHIPPING_ACCOUNTS = ("7085", "708")
ORIGIN_TYPE = "sales.salesdocument"


def _commercial_net(lines, reductions) -> Decimal:
    return document_totals(lines=[LineIn(quantity=x.quantity, unit_price=x.unit_price, vat_rate=x.vat_rate,
                                         discount_pct=x.discount_pct) for x in lines],
                           reductions=reductions).commercial_net


def revenue_by_account(lines, reductions, line_nets=None) -> dict[str, Decimal]:
    """Commercial net per revenue account: per rate as core.totals rounds it, then per account within the rate
    (the rounding cent goes to the largest account of the rate), so the parts add up to the document exactly.

    Without trade reductions a group's commercial net is the plain sum of its line nets: given `line_nets`
    (core.totals' nets of `lines`, in order) the parts are those sums, with no computation per rate and account
    (7 % of a batch validation's time went there)."""
    if not reductions and line_nets is not None:
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line, net in zip(lines, line_nets, strict=True):
            sums[line.revenue_account] += net
        return dict(sums)
    by_rate = defaultdict(list)
    for line in lines:
        by_rate[line.vat_rate].append(line)
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _rate, group in sorted(by_rate.items()):
        rate_net = _commercial_net(group, reductions)
        by_account = defaultdict(list)
        for line in group:
            by_account[line.revenue_account].append(line)
        if len(by_account) == 1:  # one account: it takes the rate's net whole (no second computation)
            out[next(iter(by_account))] += rate_net
            continue
        parts = {account: _commercial_net(items, reductions) for account, items in by_account.items()}
        largest = max(parts, key=lambda a: (parts[a], a))
        parts[largest] += rate_net - sum(parts.values(), ZERO)
        for account, amount in parts.items():
            out[account] += amount
    return dict(out)


def _vat_account(category: VatCategory, pending: bool) -> str:
    return category.pending_output_account if pending else category.output_account


def _vat_parts(document, lines, tax_rows, categories) -> dict[tuple[str, Decimal], Decimal]:
    """Output VAT per (account, rate); the services' share waits on 44574 without the debits option."""
    out: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for row in tax_rows:
        if not row.tax:
            continue
        category = categories.get(row.rate)
        if category is None:
            raise BusinessError("unknown_vat_rate", f"Taux de TVA inconnu ({row.rate} %).", field="lines")
        goods = sum((x.net_amount for x in lines if x.vat_rate == row.rate and x.kind != Product.Kind.SERVICE), ZERO)
        services = sum((x.net_amount for x in lines if x.vat_rate == row.rate and x.kind == Product.Kind.SERVICE),
                       ZERO)
        if document.vat_on_debits or not services:
            out[(category.output_account, row.rate)] += row.tax
        elif not goods:
            out[(category.pending_output_account, row.rate)] += row.tax
        else:
            goods_tax = round_money(row.tax * goods / (goods + services))
            out[(category.output_account, row.rate)] += goods_tax
            out[(category.pending_output_account, row.rate)] += row.tax - goods_tax
    return out


def deposit_split(invoice: SalesDocument) -> tuple[Decimal, dict[tuple[str, Decimal], Decimal]]:
    """Untaxed part and VAT per (account, rate) of the deposits deducted on a final invoice (pro rata of the
    validated deposit invoices of its order)."""
    deducted = invoice.deposit_deducted
    if not deducted:
        return ZERO, {}
    source = invoice.source
    order = source if source.kind == DocumentKind.ORDER else source.source
    deposits = list(SalesDocument.objects.filter(source=order, kind=DocumentKind.INVOICE, is_deposit=True,
                                                 state=DocumentState.VALIDATED).prefetch_related("lines", "tax_rows"))
    total = sum((d.total for d in deposits), ZERO)
    if not total:
        raise BusinessError("deposit_exceeded", "Aucune facture d'acompte validée à déduire.",
                            field="deposit_deducted")
    categories = _categories(invoice.organisation)
    vat: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for deposit in deposits:
        for key, amount in _vat_parts(deposit, list(deposit.lines.all()), deposit.tax_rows.all(),
                                      categories).items():
            vat[key] += amount
    ratio = deducted / total
    vat = {key: round_money(amount * ratio) for key, amount in vat.items()}
    return deducted - sum(vat.values(), ZERO), vat


def base_boxes(lines, categories: dict[Decimal, VatCategory]) -> list[str]:
    """The VAT-return box of each untaxed line's base — exports (E1), other exempt supplies (E2), intra-EU supplies
    (F2) — which a return cannot work back from the VAT, as it does for taxed bases ("" for those). The three
    share the 0 % rate, so the line's product says which (one query); without a product, the 0 % category."""
    untaxed = {line.product_id for line in lines if not line.vat_rate and line.product_id}
    own = dict(Product.objects.filter(pk__in=untaxed).values_list("pk", "vat_category__vat_box")) if untaxed else {}
    out = []
    for line in lines:
        if line.vat_rate:
            out.append("")
            continue
        category = categories.get(line.vat_rate)
        box = own.get(line.product_id)
        out.append(box if box is not None else (category.vat_box if category else ""))
    return out


def _categories(organisation) -> dict[Decimal, VatCategory]:
    categories = {}
    for category in VatCategory.objects.filter(organisation=organisation, active=True).order_by("code"):
        categories.setdefault(category.rate, category)
    return categories


@dataclass(frozen=True)
class SalesBooks:
    """What every sales entry of an organisation reads from its books, loaded once for a batch of documents."""

    categories: dict[Decimal, VatCategory]
    shipping_account: str
    franchise: bool = False  # no VAT return: bases carry no box


def sales_books(organisation) -> SalesBooks:
    codes = set(Account.objects.filter(organisation=organisation, code__in=SHIPPING_ACCOUNTS, active=True)
                .values_list("code", flat=True))
    return SalesBooks(categories=_categories(organisation),
                      shipping_account=next((c for c in SHIPPING_ACCOUNTS if c in codes), SHIPPING_ACCOUNTS[-1]),
                      franchise=organisation.vat_regime == Organisation.VatRegime.FRANCHISE)


def sales_entry_input(document: SalesDocument, *, books: SalesBooks | None = None) -> EntryInput:
    """The entry of an invoice or credit note, as plain ledger input (pure apart from reading the document, its
    lines and tax rows — prefetched for a batch — and, without `books`, the organisation's VAT categories)."""
    lines = list(document.lines.all())
    tax_rows = list(document.tax_rows.all())
    reductions = [Reduction(r["label"], Decimal(r["pct"])) for r in document.reductions or []]
    from .documents import totals_of

    totals = totals_of(document, lines)
    books = books or sales_books(document.organisation)
    categories = books.categories
    party = document.party.code
    out: list[LineInput] = []

    def add(account, amount, *, label="", credit=True, **extra):
        if not amount:
            return
        if amount < 0:
            amount, credit = -amount, not credit
        if document.kind == DocumentKind.CREDIT_NOTE:
            credit = not credit
        out.append(LineInput(account=account, debit=ZERO if credit else amount, credit=amount if credit else ZERO,
                             label=label, **extra))

    title = f"{document.number} {document.customer_name or document.party.name}"[:200]
    add(CUSTOMER_ACCOUNT, totals.net_to_pay, credit=False, label=title, party=party,
        due_date=document.due_date if document.kind == DocumentKind.INVOICE else None)
    if totals.cash_discount is not None:
        add(CASH_DISCOUNT_ACCOUNT, totals.cash_discount.amount, credit=False, label=f"{title} — escompte")
    deposit_ht, deposit_vat = deposit_split(document) if document.kind == DocumentKind.INVOICE else (ZERO, {})
    add(DEPOSIT_ACCOUNT, deposit_ht, credit=False, label=f"{title} — acompte déduit")
    nets = [line.net for line in totals.lines]
    revenue = revenue_by_account(lines, reductions, nets)
    boxes = [""] * len(lines) if books.franchise else base_boxes(lines, categories)
    weights: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for line, net, box in zip(lines, nets, boxes, strict=True):
        weights[line.revenue_account][box] = weights[line.revenue_account].get(box, ZERO) + net
    for account, amount in sorted(revenue.items()):
        for box, share in sorted(allocate(amount, weights.get(account) or {"": amount}).items()):
            add(account, share, label=title, tax_role="base" if box else "", vat_box=box)
    if totals.shipping:
        by_box: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for net, box in zip(nets, boxes, strict=True):
            by_box[box] += net
        box = max(by_box, key=lambda b: (by_box[b], b)) if by_box else ""
        add(books.shipping_account, totals.shipping, label=f"{title} — port", tax_role="base" if box else "",
            vat_box=box)
    vat = _vat_parts(document, lines, tax_rows, categories)
    for key, amount in deposit_vat.items():
        vat[key] = vat.get(key, ZERO) - amount
    for (account, rate), amount in sorted(vat.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        rate_label = f"{rate.normalize():f}".replace(".", ",")
        add(account, amount, label=f"{title} — TVA {rate_label} %", tax_role="output_vat",
            vat_box=categories[rate].vat_box)
    return EntryInput(journal="VT", date=document.date, label=title, lines=out, reference=document.number,
                      voucher_date=document.date, origin_type=ORIGIN_TYPE, origin_id=str(document.pk))


def sales_entry_post(*, actor, document: SalesDocument):
    """Post the document's entry through the ledger's one door; returns the Entry."""
    return entries_post(actor=actor, organisation=document.organisation, entries=[sales_entry_input(document)])[0]
