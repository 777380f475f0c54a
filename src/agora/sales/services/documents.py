"""Writes on the sales document chain: quote → order → delivery → invoice → credit note.

Every function is atomic, refuses with a French BusinessError naming the field, and audits its write.
Quantities flow along the chain through `source_line`: a delivery line adds to its order line's
`delivered_quantity`, an invoice line to its source line's `invoiced_quantity` (and, for a delivery line, to the
order line too). Drafts carry the quantities as soon as they exist (so two drafts cannot over-deliver) and give
them back when deleted. Invoices and credit notes get their gapless number only at validation.
"""

from datetime import date
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import F, Max, Sum, prefetch_related_objects
from django.utils import timezone

from agora.catalog.models import Product, VatCategory
from agora.core.audit import audit_bulk, audit_record
from agora.core.counters import counter_next
from agora.core.dates import parse_date
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount, round_money
from agora.core.totals import LineIn, Reduction, Totals, document_totals
from agora.ledger.models import Account, FiscalYear
from agora.ledger.services import entries_post
from agora.parties.domain import due_date as compute_due_date
from agora.parties.models import Party, PaymentTerm
from agora.sales.domain import CREDIT_KINDS, check_quantities, missing_mentions, remaining
from agora.sales.models import (
    DocumentKind,
    DocumentState,
    OperationCategory,
    SalesDocument,
    SalesLine,
    SalesSettings,
    SalesTax,
)
from agora.stock.selectors.items import tracked_product_ids
from agora.stock.services.moves import MoveInput, stock_moves_record

Kind = DocumentKind
State = DocumentState
HUNDRED = Decimal(100)
SERIES = {
    Kind.QUOTE: ("sales:quote", "DE"),
    Kind.ORDER: ("sales:order", "CO"),
    Kind.DELIVERY: ("sales:delivery", "BL"),
    Kind.INVOICE: ("sales:invoice", "FA"),
    Kind.CREDIT_NOTE: ("sales:credit_note", "AV"),
}
DOC_FIELDS = ["date", "valid_until", "delivery_date", "customer_reference", "payment_term", "reductions",
              "cash_discount_pct", "shipping", "notes", "operation_category", "vat_on_debits", "delivery_address"]
DEPOSIT_ACCOUNT = "4191"


# ---------------------------------------------------------------------------------------------------- helpers

def _settings(organisation) -> SalesSettings:
    settings = SalesSettings.objects.filter(organisation=organisation).first()
    if settings is None:
        settings = SalesSettings.objects.create(organisation=organisation)
    organisation.sales_settings = settings
    return settings


def _fiscal_year(organisation, day: date, *, required: bool = False) -> str:
    return _year_code(FiscalYear.objects.filter(organisation=organisation, start_date__lte=day, end_date__gte=day),
                      day, required=required)


def _year_code(years, day: date, *, required: bool = False) -> str:
    """The code of the fiscal year (among `years`) containing `day`; refuses a missing or closed one if required."""
    year = next((y for y in years if y.start_date <= day <= y.end_date), None)
    if year is None:
        if required:
            raise BusinessError("no_fiscal_year", f"Aucun exercice ne contient le {day:%d/%m/%Y}.", field="date")
        return str(day.year)
    if required and year.state != "open":
        raise BusinessError("year_closed", f"L'exercice {year.code} est clôturé.", field="date")
    return year.code


def _number(organisation, kind: str, day: date, *, required_year: bool = False) -> tuple[str, int, str]:
    series, prefix = SERIES[kind]
    year = _fiscal_year(organisation, day, required=required_year)
    sequence = counter_next(organisation=organisation, series=series, fiscal_year=year)
    return f"{prefix}-{year}-{sequence:05d}", sequence, year


def _locked(document: SalesDocument) -> SalesDocument:
    """Re-read the document under a row lock (the state we act on is the committed one)."""
    return SalesDocument.objects.select_for_update().select_related("party", "organisation").get(pk=document.pk)


def _expect(document: SalesDocument, kinds, states, action: str) -> None:
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    if document.kind not in kinds:
        raise BusinessError("wrong_kind", f"{document.get_kind_display()} : action « {action} » impossible.",
                            field="kind")
    if document.state not in states:
        raise BusinessError("wrong_state", f"{document} est à l'état « {document.get_state_display()} » : "
                            f"action « {action} » impossible.", field="state")


def _snapshot(document: SalesDocument) -> dict:
    return {"kind": document.kind, "state": document.state, "number": document.number, "date": document.date,
            "party": document.party_id, "untaxed_total": document.untaxed_total, "tax_total": document.tax_total,
            "total": document.total, "net_to_pay": document.net_to_pay,
            "lines": [[line.description, line.quantity, line.unit_price, line.vat_rate]
                      for line in document.lines.all()]}


def _audit(document, actor, action, before=None):
    audit_record(organisation=document.organisation, actor=actor, action=f"sales.{action}", obj=document,
                 before=before, after=_snapshot(document))


def _reductions(raw) -> list[dict]:
    out = []
    for n, item in enumerate(raw or [], start=1):
        label = (item.get("label") or "Remise").strip()
        pct = parse_amount(item.get("pct") if item.get("pct") not in (None, "") else "0",
                           field=f"reductions.{n}.pct")
        if not ZERO <= pct < HUNDRED:
            raise BusinessError("invalid_percentage", f"Réduction {n} : pourcentage invalide.",
                                field=f"reductions.{n}.pct")
        if pct:
            out.append({"label": label[:40], "pct": str(pct)})
    return out


def _clean_data(organisation, party, data: dict, *, kind: str, settings: SalesSettings) -> dict:
    """Header fields of a document, parsed and checked."""
    clean = {}
    clean["date"] = parse_date(data.get("date") or timezone.localdate(), field="date", required=True)
    for name in ("valid_until", "delivery_date"):
        clean[name] = parse_date(data.get(name), field=name)
    if kind == Kind.QUOTE and clean["valid_until"] is None:
        clean["valid_until"] = date.fromordinal(clean["date"].toordinal() + settings.quote_validity_days)
    if clean["valid_until"] and clean["valid_until"] < clean["date"]:
        raise BusinessError("invalid_date", "La date de validité précède la date du devis.", field="valid_until")
    clean["customer_reference"] = (data.get("customer_reference") or "").strip()[:60]
    clean["notes"] = data.get("notes") or ""
    clean["delivery_address"] = data.get("delivery_address") or ""
    term = data.get("payment_term")
    term_id = getattr(term, "pk", term) or None
    if term_id:
        if not PaymentTerm.objects.filter(organisation=organisation, pk=term_id).exists():
            raise BusinessError("unknown_payment_term", "Conditions de paiement inconnues.", field="payment_term")
    else:
        term_id = party.payment_term_id or settings.default_payment_term_id
    clean["payment_term_id"] = term_id
    clean["reductions"] = _reductions(data.get("reductions"))
    for name in ("cash_discount_pct", "shipping"):
        value = parse_amount(data.get(name) if data.get(name) not in (None, "") else "0", field=name)
        if value < 0:
            raise BusinessError("negative_amount", "Montant négatif refusé.", field=name)
        clean[name] = value
    if clean["cash_discount_pct"] >= HUNDRED:
        raise BusinessError("invalid_percentage", "Escompte invalide.", field="cash_discount_pct")
    category = data.get("operation_category") or ""
    if category and category not in OperationCategory.values:
        raise BusinessError("invalid_choice", "Nature de l'opération inconnue.", field="operation_category")
    clean["operation_category"] = category
    vat_on_debits = data.get("vat_on_debits")
    clean["vat_on_debits"] = settings.vat_on_debits if vat_on_debits in (None, "") else bool(vat_on_debits)
    return clean


def _clean_lines(organisation, party, lines: list[dict]) -> list[dict]:
    """Lines as SalesLine field values; defaults from the product and its VAT category. Three queries."""
    if not lines:
        raise BusinessError("no_lines", "Le document doit comporter au moins une ligne.", field="lines")
    product_ids = {int(getattr(x.get("product"), "pk", x.get("product"))) for x in lines if x.get("product")}
    products = {p.pk: p for p in Product.objects.filter(organisation=organisation, pk__in=product_ids)
                .select_related("vat_category")}
    categories = list(VatCategory.objects.filter(organisation=organisation, active=True))
    rates = {c.rate for c in categories}
    out = []
    for n, raw in enumerate(lines, start=1):
        field = f"lines.{n}"
        product = None
        if raw.get("product"):
            product = products.get(int(getattr(raw["product"], "pk", raw["product"])))
            if product is None:
                raise BusinessError("unknown_product", f"Ligne {n} : article inconnu.", field=f"{field}.product")
        description = (raw.get("description") or (product.label if product else "")).strip()
        if not description:
            raise BusinessError("required", f"Ligne {n} : la désignation est obligatoire.",
                                field=f"{field}.description")
        kind = raw.get("kind") or (product.kind if product else Product.Kind.GOODS)
        if kind not in Product.Kind.values:
            raise BusinessError("invalid_kind", f"Ligne {n} : nature inconnue.", field=f"{field}.kind")
        quantity = parse_amount(raw.get("quantity") if raw.get("quantity") not in (None, "") else "",
                                field=f"{field}.quantity", places=4)
        if quantity <= 0:
            raise BusinessError("negative_quantity" if quantity < 0 else "zero_quantity",
                                f"Ligne {n} : la quantité doit être positive.", field=f"{field}.quantity")
        if raw.get("unit_price") not in (None, ""):
            unit_price = parse_amount(raw["unit_price"], field=f"{field}.unit_price", places=4)
        elif product is not None:
            unit_price = product.sale_price
        else:
            raise BusinessError("required", f"Ligne {n} : le prix unitaire HT est obligatoire.",
                                field=f"{field}.unit_price")
        if unit_price < 0:
            raise BusinessError("negative_price", f"Ligne {n} : prix unitaire négatif.", field=f"{field}.unit_price")
        if raw.get("discount_pct") not in (None, ""):
            discount = parse_amount(raw["discount_pct"], field=f"{field}.discount_pct")
        else:
            discount = party.default_discount_pct or ZERO
        if not ZERO <= discount < HUNDRED:
            raise BusinessError("invalid_percentage", f"Ligne {n} : remise invalide.", field=f"{field}.discount_pct")
        if raw.get("vat_rate") not in (None, ""):
            rate = parse_amount(raw["vat_rate"], field=f"{field}.vat_rate")
        elif product is not None:
            rate = product.vat_category.rate
        else:
            raise BusinessError("required", f"Ligne {n} : le taux de TVA est obligatoire.", field=f"{field}.vat_rate")
        if rate not in rates:
            raise BusinessError("unknown_vat_rate", f"Ligne {n} : taux de TVA inconnu ({rate} %).",
                                field=f"{field}.vat_rate")
        mention = (raw.get("vat_mention") or "").strip()
        if not mention and product is not None and product.vat_category.rate == rate:
            mention = product.vat_category.exemption_mention
        if not mention and rate == 0:
            mentions = {c.exemption_mention for c in categories if c.rate == 0 and c.exemption_mention}
            if len(mentions) == 1:
                mention = mentions.pop()
        account = str(raw.get("revenue_account") or (product.revenue_account if product else "")
                      or ("706" if kind == Product.Kind.SERVICE else "707")).strip()
        source_line = raw.get("source_line")
        out.append({"line_no": n, "product_id": product.pk if product else None, "description": description[:300],
                    "kind": kind, "quantity": quantity, "unit": (raw.get("unit") or (product.unit if product else "u"))
                    [:20], "unit_price": unit_price, "discount_pct": discount, "vat_rate": rate,
                    "vat_mention": mention[:200], "revenue_account": account,
                    "source_line_id": getattr(source_line, "pk", source_line) or None})
    codes = {x["revenue_account"] for x in out}
    known = set(Account.objects.filter(organisation=organisation, code__in=codes, active=True)
                .values_list("code", flat=True))
    for n, line in enumerate(out, start=1):
        if line["revenue_account"] not in known:
            raise BusinessError("unknown_account", f"Ligne {n} : compte de produit inconnu "
                                f"« {line['revenue_account']} ».", field=f"lines.{n}.revenue_account")
    return out


def _category(lines: list[dict]) -> str:
    kinds = {line["kind"] for line in lines}
    if kinds == {Product.Kind.SERVICE}:
        return OperationCategory.SERVICES
    if Product.Kind.SERVICE in kinds:
        return OperationCategory.MIXED
    return OperationCategory.GOODS


def totals_of(document: SalesDocument, lines) -> Totals:
    """The document's totals through core.totals (the one computation)."""
    return document_totals(
        lines=[LineIn(quantity=Decimal(x.quantity), unit_price=Decimal(x.unit_price), vat_rate=Decimal(x.vat_rate),
                      discount_pct=Decimal(x.discount_pct)) for x in lines],
        reductions=[Reduction(r["label"], Decimal(r["pct"])) for r in document.reductions or []],
        cash_discount_pct=Decimal(document.cash_discount_pct), shipping=Decimal(document.shipping),
        deposit=Decimal(document.deposit_deducted))


def _write_lines(document: SalesDocument, rows: list[dict]) -> None:
    """Replace the lines and tax rows, compute and store the totals."""
    lines = [SalesLine(document=document, organisation_id=document.organisation_id, **row) for row in rows]
    totals = totals_of(document, lines)
    for line, out in zip(lines, totals.lines, strict=True):
        line.net_amount = out.net
    document.lines.all().delete()
    document.tax_rows.all().delete()
    SalesLine.objects.bulk_create(lines)
    mentions = {}
    for line in lines:
        if line.vat_mention:
            mentions.setdefault(line.vat_rate, line.vat_mention)
    SalesTax.objects.bulk_create([SalesTax(document=document, rate=row.rate, base=row.base, tax=row.tax,
                                           mention=mentions.get(row.rate, "")) for row in totals.tax_rows])
    for name in ("lines_total", "commercial_net", "financial_net", "untaxed_total", "tax_total", "total",
                 "net_to_pay"):
        setattr(document, name, getattr(totals, name))
    document.save()
    if hasattr(document, "_prefetched_objects_cache"):
        document._prefetched_objects_cache.clear()


def draft_totals(*, organisation, party, kind: str, data: dict, lines: list[dict]) -> Totals:
    """Totals of a document being typed (the form's live totals): the service's own parsing, nothing written."""
    party = _party(organisation, party, kind=kind)
    settings = _settings(organisation)
    clean = _clean_data(organisation, party, data, kind=kind, settings=settings)
    rows = _clean_lines(organisation, party, lines)
    document = SalesDocument(organisation=organisation, kind=kind, party=party, **clean)
    return totals_of(document, [SalesLine(**row) for row in rows])


# ------------------------------------------------------------------------------------- quantity tracking

def _track(document: SalesDocument, sign: int) -> None:
    """Add (sign=1) or give back (sign=-1) this draft's quantities on the lines it derives from."""
    if document.kind == Kind.DELIVERY:
        for line in document.lines.all():
            if line.source_line_id:
                SalesLine.objects.filter(pk=line.source_line_id).update(
                    delivered_quantity=F("delivered_quantity") + sign * line.quantity)
    elif document.kind == Kind.INVOICE and not document.is_deposit:
        rows = list(document.lines.filter(source_line__isnull=False).values_list(
            "source_line_id", "source_line__source_line_id", "source_line__document__kind", "quantity"))
        for source_id, grand_id, source_kind, quantity in rows:
            SalesLine.objects.filter(pk=source_id).update(invoiced_quantity=F("invoiced_quantity") + sign * quantity)
            if source_kind == Kind.DELIVERY and grand_id:
                SalesLine.objects.filter(pk=grand_id).update(
                    invoiced_quantity=F("invoiced_quantity") + sign * quantity)


def _check_sources(document: SalesDocument, rows: list[dict]) -> None:
    """Derived lines must point at lines of the source document and stay within what is left."""
    if document.kind not in (Kind.DELIVERY, Kind.INVOICE, Kind.CREDIT_NOTE) or document.is_deposit:
        return
    ids = {row["source_line_id"] for row in rows if row["source_line_id"]}
    if not ids:
        return
    source = document.credited_invoice_id if document.kind == Kind.CREDIT_NOTE else document.source_id
    sources = {line.pk: line for line in SalesLine.objects.filter(pk__in=ids, document_id=source)}
    credited = _credited(ids, exclude=document.pk) if document.kind == Kind.CREDIT_NOTE else {}
    for n, row in enumerate(rows, start=1):
        line_id = row["source_line_id"]
        if not line_id:
            continue
        line = sources.get(line_id)
        if line is None:
            raise BusinessError("unknown_line", f"Ligne {n} : ligne d'origine inconnue.", field=f"lines.{n}")
        if document.kind == Kind.DELIVERY:
            left, what = remaining(line.quantity, line.delivered_quantity), "à livrer"
        elif document.kind == Kind.INVOICE:
            left, what = remaining(line.quantity, line.invoiced_quantity), "à facturer"
        else:
            left, what = remaining(line.quantity, credited.get(line.pk, ZERO)), "à créditer"
        if row["quantity"] > left:
            raise BusinessError("quantity_exceeded", f"Ligne {n} : quantité {what} supérieure au reste "
                                f"({left:f}).", field=f"lines.{n}.quantity")


def _credited(invoice_line_ids, *, exclude=None) -> dict:
    """Quantities already credited per invoice line (draft and validated credit notes)."""
    query = SalesLine.objects.filter(source_line_id__in=invoice_line_ids, document__kind=Kind.CREDIT_NOTE).exclude(
        document__state=State.CANCELLED)
    if exclude:
        query = query.exclude(document_id=exclude)
    return dict(query.values("source_line_id").annotate(q=Sum("quantity")).values_list("source_line_id", "q"))


# ------------------------------------------------------------------------------------------ create / edit

def _new(*, actor, organisation, kind, party, data, rows, source=None, extra=None, check=True) -> SalesDocument:
    settings = _settings(organisation)
    clean = _clean_data(organisation, party, data, kind=kind, settings=settings)
    if not clean["operation_category"]:
        clean["operation_category"] = _category(rows)
    document = SalesDocument(organisation=organisation, kind=kind, party=party, source=source,
                             created_by=actor if getattr(actor, "is_authenticated", False) else None,
                             **clean, **(extra or {}))
    if kind in (Kind.QUOTE, Kind.ORDER, Kind.DELIVERY):
        document.number, document.sequence, document.fiscal_year_code = _number(organisation, kind, clean["date"])
    if check:
        _check_sources(document, rows)
    document.save()
    _write_lines(document, rows)
    _track(document, +1)
    _audit(document, actor, f"{kind}.create")
    return document


def _party(organisation, party, *, kind) -> Party:
    party_id = getattr(party, "pk", party)
    party = Party.objects.filter(organisation=organisation, pk=party_id).first() if party_id else None
    if party is None:
        raise BusinessError("unknown_party", "Client inconnu.", field="party")
    if not (party.is_customer or (kind == Kind.QUOTE and party.is_prospect)):
        raise BusinessError("not_customer", f"« {party.name} » n'est pas un client.", field="party")
    if not party.active:
        raise BusinessError("inactive_party", f"Le client « {party.name} » est inactif.", field="party")
    return party


@transaction.atomic
def document_create(*, actor, organisation, kind, party, data: dict, lines: list[dict]) -> SalesDocument:
    """A new draft document of any kind (a quote, a direct order, an invoice without quote…)."""
    if kind not in Kind.values:
        raise BusinessError("wrong_kind", "Type de document inconnu.", field="kind")
    party = _party(organisation, party, kind=kind)
    rows = _clean_lines(organisation, party, lines)
    return _new(actor=actor, organisation=organisation, kind=kind, party=party, data=data, rows=rows)


@transaction.atomic
def document_update(*, actor, document: SalesDocument, data: dict, lines: list[dict]) -> SalesDocument:
    """Replace a draft's header and lines; validated invoices and credit notes are frozen."""
    document = _locked(document)
    if document.state != State.DRAFT:
        raise BusinessError("not_draft", f"{document} n'est plus un brouillon : il ne peut plus être modifié"
                            + (" (émettez un avoir)." if document.kind == Kind.INVOICE else "."), field="state")
    before = _snapshot(document)
    party = document.party
    if data.get("party") and getattr(data["party"], "pk", data["party"]) != document.party_id:
        if document.source_id:
            raise BusinessError("party_locked", "Le client d'un document issu d'un autre ne change pas.",
                                field="party")
        party = _party(document.organisation, data["party"], kind=document.kind)
    settings = _settings(document.organisation)
    merged = {name: getattr(document, name) for name in DOC_FIELDS if name != "payment_term"}
    merged["payment_term"] = document.payment_term_id
    merged.update({k: v for k, v in data.items() if k in DOC_FIELDS})
    if "operation_category" not in data:
        merged["operation_category"] = ""
    clean = _clean_data(document.organisation, party, merged, kind=document.kind, settings=settings)
    rows = _clean_lines(document.organisation, party, lines)
    if not clean["operation_category"]:
        clean["operation_category"] = _category(rows)
    _track(document, -1)
    document.party = party
    for key, value in clean.items():
        setattr(document, key, value)
    _check_sources(document, rows)
    _write_lines(document, rows)
    _track(document, +1)
    _audit(document, actor, f"{document.kind}.update", before)
    return document


@transaction.atomic
def document_delete(*, actor, document: SalesDocument) -> None:
    """Delete a draft (never a numbered invoice or credit note); its quantities go back to its source."""
    document = _locked(document)
    if document.state != State.DRAFT or (document.kind in (Kind.INVOICE, Kind.CREDIT_NOTE) and document.number):
        raise BusinessError("not_draft", f"{document} n'est pas un brouillon : suppression impossible"
                            + (" (émettez un avoir)." if document.kind == Kind.INVOICE else "."), field="state")
    if SalesDocument.objects.filter(source=document).exists():
        raise BusinessError("has_derived", "Des documents en sont issus : suppression impossible.", field="state")
    before = _snapshot(document)
    _track(document, -1)
    audit_record(organisation=document.organisation, actor=actor, action=f"sales.{document.kind}.delete",
                 obj=document, before=before)
    document.lines.all().delete()
    document.delete()


# ------------------------------------------------------------------------------------------------- quotes

@transaction.atomic
def quote_send(*, actor, quote) -> SalesDocument:
    quote = _locked(quote)
    _expect(quote, Kind.QUOTE, {State.DRAFT, State.SENT}, "Envoyer")
    before = _snapshot(quote)
    quote.state = State.SENT
    quote.sent_at = quote.sent_at or timezone.now()
    quote.save(update_fields=["state", "sent_at"])
    _audit(quote, actor, "quote.send", before)
    return quote


def _copy_rows(lines, quantities: dict | None = None) -> list[dict]:
    rows = []
    for line in lines:
        quantity = line.quantity if quantities is None else quantities.get(line.pk, ZERO)
        if not quantity:
            continue
        rows.append({"line_no": len(rows) + 1, "product_id": line.product_id, "description": line.description,
                     "kind": line.kind, "quantity": quantity, "unit": line.unit, "unit_price": line.unit_price,
                     "discount_pct": line.discount_pct, "vat_rate": line.vat_rate, "vat_mention": line.vat_mention,
                     "revenue_account": line.revenue_account, "source_line_id": line.pk})
    return rows


def _header(document: SalesDocument, **override) -> dict:
    data = {"date": timezone.localdate(), "customer_reference": document.customer_reference,
            "payment_term": document.payment_term_id, "reductions": document.reductions,
            "cash_discount_pct": document.cash_discount_pct, "shipping": document.shipping,
            "operation_category": document.operation_category, "vat_on_debits": document.vat_on_debits,
            "delivery_address": document.delivery_address, "notes": document.notes}
    data.update(override)
    return data


@transaction.atomic
def quote_accept(*, actor, quote, on: date | None = None) -> SalesDocument:
    """The customer accepts: the quote is accepted and a confirmed order copies its lines."""
    quote = _locked(quote)
    _expect(quote, Kind.QUOTE, {State.DRAFT, State.SENT}, "Accepter")
    day = on or timezone.localdate()
    if quote.valid_until and day > quote.valid_until:
        raise BusinessError("quote_expired", f"Le devis n'est plus valable depuis le {quote.valid_until:%d/%m/%Y}.",
                            field="valid_until")
    before = _snapshot(quote)
    quote.state = State.ACCEPTED
    quote.save(update_fields=["state"])
    _audit(quote, actor, "quote.accept", before)
    rows = _copy_rows(quote.lines.all())
    return _new(actor=actor, organisation=quote.organisation, kind=Kind.ORDER, party=quote.party,
                data=_header(quote, date=day), rows=rows, source=quote, extra={"state": State.CONFIRMED})


@transaction.atomic
def quote_refuse(*, actor, quote) -> SalesDocument:
    quote = _locked(quote)
    _expect(quote, Kind.QUOTE, {State.DRAFT, State.SENT}, "Refuser")
    before = _snapshot(quote)
    quote.state = State.REFUSED
    quote.save(update_fields=["state"])
    _audit(quote, actor, "quote.refuse", before)
    return quote


@transaction.atomic
def quotes_expire(*, organisation, today: date) -> int:
    """Mark expired the draft or sent quotes whose validity date has passed; returns how many."""
    quotes = list(SalesDocument.objects.select_for_update().filter(
        organisation=organisation, kind=Kind.QUOTE, state__in=[State.DRAFT, State.SENT], valid_until__lt=today))
    if not quotes:
        return 0
    SalesDocument.objects.filter(pk__in=[q.pk for q in quotes]).update(state=State.EXPIRED)
    audit_bulk(organisation=organisation, actor=None, action="sales.quote.expire",
               items=[(q, {"state": State.EXPIRED, "valid_until": q.valid_until}) for q in quotes])
    return len(quotes)


# ------------------------------------------------------------------------------------- orders, deliveries

def _order_of(document: SalesDocument) -> SalesDocument | None:
    if document.kind == Kind.ORDER:
        return document
    if document.source_id and document.source.kind == Kind.ORDER:
        return document.source
    return None


@transaction.atomic
def order_deliver(*, actor, order, quantities: dict[int, Decimal] | None = None, on: date | None = None,
                  allow_excess: bool = False) -> SalesDocument:
    """A delivery note for what is left to deliver (or the given quantities per order line id)."""
    order = _locked(order)
    _expect(order, Kind.ORDER, {State.DRAFT, State.CONFIRMED}, "Livrer")
    lines = list(order.lines.select_for_update().order_by("line_no"))
    left = {line.pk: remaining(line.quantity, line.delivered_quantity) for line in lines}
    if quantities is None:
        wanted = {k: v for k, v in left.items() if v}
        if not wanted:
            raise BusinessError("nothing_left", "Tout a déjà été livré.", field="quantities")
    else:
        wanted = check_quantities(quantities, left, what="à livrer", allow_excess=allow_excess)
    if order.state == State.DRAFT:
        before = _snapshot(order)
        order.state = State.CONFIRMED
        order.save(update_fields=["state"])
        _audit(order, actor, "order.confirm", before)
    rows = _copy_rows(lines, wanted)
    day = on or timezone.localdate()
    return _new(actor=actor, organisation=order.organisation, kind=Kind.DELIVERY, party=order.party,
                data=_header(order, date=day, delivery_date=day, shipping=ZERO), rows=rows, source=order,
                check=not allow_excess)


@transaction.atomic
def delivery_validate(*, actor, delivery) -> SalesDocument:
    """The goods left: the delivery note is validated (its quantities were counted since its creation)."""
    delivery = _locked(delivery)
    _expect(delivery, Kind.DELIVERY, {State.DRAFT}, "Valider")
    before = _snapshot(delivery)
    delivery.state = State.VALIDATED
    delivery.validated_at = timezone.now()
    delivery.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    if not delivery.delivery_date:
        delivery.delivery_date = delivery.date
    delivery.save(update_fields=["state", "validated_at", "validated_by", "delivery_date"])
    _stock_exits(delivery, actor)
    _audit(delivery, actor, "delivery.validate", before)
    return delivery


def _stock_exits(delivery: SalesDocument, actor) -> None:
    """The goods leave stock with the delivery note, in the same transaction: one exit per line of a product
    tracked in stock (refused, and the validation with it, when stock is short and the item forbids negative
    stock)."""
    lines = [line for line in delivery.lines.order_by("line_no") if line.product_id and line.quantity > 0]
    tracked = tracked_product_ids(organisation=delivery.organisation, product_ids=[line.product_id for line in lines])
    moves = [MoveInput(product_id=line.product_id, quantity=line.quantity, kind="delivery",
                       date=delivery.delivery_date, origin_type="sales.delivery", origin_id=delivery.pk,
                       label=f"Bon de livraison {delivery.number} — {delivery.party.name}"[:200])
             for line in lines if line.product_id in tracked]
    if moves:
        stock_moves_record(actor=actor, organisation=delivery.organisation, moves=moves)


# ------------------------------------------------------------------------------------------------ invoices

def deposits_available(order: SalesDocument, *, exclude=None) -> Decimal:
    """Validated deposit invoices of the order, minus what other invoices of the order already deducted."""
    paid = SalesDocument.objects.filter(source=order, kind=Kind.INVOICE, is_deposit=True,
                                        state=State.VALIDATED).aggregate(s=Sum("total"))["s"] or ZERO
    deducted = SalesDocument.objects.filter(kind=Kind.INVOICE, is_deposit=False, deposit_deducted__gt=0).filter(
        source__in=[order.pk, *SalesDocument.objects.filter(source=order, kind=Kind.DELIVERY)
                    .values_list("pk", flat=True)]).exclude(state=State.CANCELLED)
    if exclude:
        deducted = deducted.exclude(pk=exclude)
    return paid - (deducted.aggregate(s=Sum("deposit_deducted"))["s"] or ZERO)


@transaction.atomic
def invoice_from(*, actor, source, quantities: dict[int, Decimal] | None = None) -> SalesDocument:
    """A draft invoice for what is left to invoice on an order or a delivery note; deducts deposits."""
    source = _locked(source)
    if source.kind == Kind.ORDER:
        _expect(source, Kind.ORDER, {State.DRAFT, State.CONFIRMED}, "Facturer")
    else:
        _expect(source, Kind.DELIVERY, {State.DRAFT, State.VALIDATED}, "Facturer")
    lines = list(source.lines.select_for_update().order_by("line_no"))
    left = {line.pk: remaining(line.quantity, line.invoiced_quantity) for line in lines}
    if quantities is None:
        wanted = {k: v for k, v in left.items() if v}
        if not wanted:
            raise BusinessError("nothing_left", "Tout a déjà été facturé.", field="quantities")
    else:
        wanted = check_quantities(quantities, left, what="à facturer")
    rows = _copy_rows(lines, wanted)
    order = _order_of(source)
    # shipping goes with the first invoice of the order
    already = SalesDocument.objects.filter(kind=Kind.INVOICE, is_deposit=False, source__in=[
        x for x in [order.pk if order else None, source.pk] if x]).exclude(state=State.CANCELLED).exists()
    shipping = ZERO if already else (order or source).shipping
    invoice = _new(actor=actor, organisation=source.organisation, kind=Kind.INVOICE, party=source.party,
                   data=_header(order or source, delivery_date=source.delivery_date or source.date,
                                shipping=shipping),
                   rows=rows, source=source)
    if order is not None:
        available = deposits_available(order, exclude=invoice.pk)
        if available > 0:
            invoice.deposit_deducted = min(available, invoice.total)
            _write_lines(invoice, _copy_back(invoice))
    return invoice


def _copy_back(document: SalesDocument) -> list[dict]:
    rows = []
    for line in document.lines.all():
        rows.append({"line_no": line.line_no, "product_id": line.product_id, "description": line.description,
                     "kind": line.kind, "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
                     "discount_pct": line.discount_pct, "vat_rate": line.vat_rate, "vat_mention": line.vat_mention,
                     "revenue_account": line.revenue_account, "source_line_id": line.source_line_id})
    return rows


@transaction.atomic
def deposit_invoice_create(*, actor, order, pct: Decimal) -> SalesDocument:
    """A deposit invoice (facture d'acompte) of `pct` % of the order, one line per VAT rate, on 4191."""
    order = _locked(order)
    _expect(order, Kind.ORDER, {State.DRAFT, State.CONFIRMED}, "Facture d'acompte")
    pct = parse_amount(pct, field="pct")
    if not ZERO < pct <= HUNDRED:
        raise BusinessError("invalid_percentage", "Le pourcentage d'acompte va de 0 à 100 %.", field="pct")
    lines = list(order.lines.all())
    rows = []
    for tax in order.tax_rows.all():
        kinds = {line.kind for line in lines if line.vat_rate == tax.rate}
        amount = round_money(tax.base * pct / HUNDRED)
        if not amount:
            continue
        rate_label = f"{tax.rate.normalize():f}".replace(".", ",")
        rows.append({"line_no": len(rows) + 1, "product_id": None,
                     "description": f"Acompte de {pct.normalize():f} % sur la commande {order.number} "
                                    f"(TVA {rate_label} %)".replace(".", ","),
                     "kind": Product.Kind.SERVICE if kinds == {Product.Kind.SERVICE} else Product.Kind.GOODS,
                     "quantity": Decimal(1), "unit": "u", "unit_price": amount, "discount_pct": ZERO,
                     "vat_rate": tax.rate, "vat_mention": tax.mention, "revenue_account": DEPOSIT_ACCOUNT,
                     "source_line_id": None})
    if not rows:
        raise BusinessError("nothing_left", "La commande n'a pas de montant à facturer en acompte.", field="pct")
    return _new(actor=actor, organisation=order.organisation, kind=Kind.INVOICE, party=order.party,
                data=_header(order, reductions=[], cash_discount_pct=ZERO, shipping=ZERO), rows=rows, source=order,
                extra={"is_deposit": True})


def _prepare_issue(document: SalesDocument) -> None:
    """Copy the customer's identity and addresses, and set the due date (what the mentions check reads)."""
    party = document.party
    document.customer_name = party.name
    document.customer_address = "\n".join(x for x in (party.address_line1, " ".join(
        y for y in (party.postal_code, party.city) if y)) if x)
    document.customer_siren = party.siren or party.siret[:9]
    document.customer_vat_number = party.vat_number
    if not document.delivery_address and party.delivery_address_line1:
        document.delivery_address = "\n".join(x for x in (party.delivery_name, party.delivery_address_line1, " ".join(
            y for y in (party.delivery_postal_code, party.delivery_city) if y)) if x)
    if document.kind == Kind.INVOICE and document.due_date is None:
        term = document.payment_term
        document.due_date = (compute_due_date(document.date, days=term.days, end_of_month=term.end_of_month)
                             if term else document.date)


def pending_mentions(document: SalesDocument) -> list[str]:
    """What validation would refuse for, shown before the user clicks Valider (nothing is written)."""
    copy = SalesDocument.objects.select_related("party", "payment_term", "organisation").get(pk=document.pk)
    _settings(copy.organisation)
    if copy.state == State.DRAFT:
        _prepare_issue(copy)
    return missing_mentions(copy, copy.organisation)


def describe(document: SalesDocument) -> str:
    """How a message names a document, a draft included (a batch refusal must say which invoice)."""
    if document.number:
        return str(document)
    name = document.customer_name or document.party.name
    return f"{document.get_kind_display()} brouillon #{document.pk} ({name}, {document.date:%d/%m/%Y})"


def check_issuable(document: SalesDocument, organisation) -> None:
    """Customer snapshot and due date, then what the law requires before issuing (every mandatory mention, a
    total that is not negative). Reads the document's lines (prefetch them for a batch)."""
    _prepare_issue(document)
    missing = missing_mentions(document, organisation)
    if missing:
        raise BusinessError("missing_mentions", "Mentions obligatoires manquantes : " + " ; ".join(missing) + ".",
                            field="mentions")
    if document.total < 0:
        raise BusinessError("negative_total", "Le total du document est négatif.", field="lines")


def check_deposit(invoice: SalesDocument) -> None:
    """A final invoice never deducts more than the validated deposit invoices of its order have left."""
    if not invoice.deposit_deducted:
        return
    order = _order_of(invoice.source) if invoice.source_id else None
    available = deposits_available(order, exclude=invoice.pk) if order else ZERO
    if invoice.deposit_deducted > available:
        raise BusinessError("deposit_exceeded", "L'acompte déduit dépasse les acomptes facturés restants.",
                            field="deposit_deducted")


def name_in(error: BusinessError, document: SalesDocument, many: bool) -> BusinessError:
    """In a batch, the message of a refusal starts with the document it refuses (unless it names it already)."""
    name = describe(document)
    if many and not error.message.startswith(name):
        error.message = f"{name} : {error.message}"
    return error


ISSUE_FIELDS = ["customer_name", "customer_address", "customer_siren", "customer_vat_number", "delivery_address",
                "due_date", "number", "sequence", "fiscal_year_code", "state", "validated_at", "validated_by", "entry"]


def _update_rows(documents: list[SalesDocument], fields: list[str]) -> None:
    """One parameterised UPDATE run for every document (executemany): Django's bulk_update builds CASE
    expressions whose cost grows with the square of the batch."""
    meta = SalesDocument._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in columns), quote(meta.pk.column))
    # Only timestamps need the field's preparation; the drivers take the other values as they are (core.bulk).
    prepared = [isinstance(f, models.DateTimeField) for f in columns]
    rows = [[f.get_db_prep_save(getattr(d, f.attname), connection) if prep else getattr(d, f.attname)
             for f, prep in zip(columns, prepared, strict=True)] + [d.pk] for d in documents]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def issue_documents(*, actor, organisation, documents: list[SalesDocument], action: str) -> list[SalesDocument]:
    """Issue invoices or credit notes of one kind (drafts of `organisation`, locked by the caller) in the
    caller's transaction, all or nothing: mentions checked for each, consecutive gapless numbers in
    chronological order (date, then id) under one counter lock per fiscal year, every entry posted by one
    `entries_post` call, the documents updated and audited in bulk. The one path of `invoice_validate`,
    `credit_note_validate` and `batch.invoices_validate`; returns the documents in number order."""
    from .posting import sales_books, sales_entry_input

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_documents must run inside transaction.atomic()")
    if not documents:
        return []
    kinds = {document.kind for document in documents}
    if len(kinds) != 1 or not kinds <= {Kind.INVOICE, Kind.CREDIT_NOTE}:
        raise BusinessError("wrong_kind", "Seules des factures, ou des avoirs, s'émettent ensemble.", field="kind")
    kind = kinds.pop()
    many = len(documents) > 1
    _settings(organisation)
    prefetch_related_objects(documents, "lines", "tax_rows")
    years = list(FiscalYear.objects.filter(organisation=organisation))
    groups: dict[str, list[SalesDocument]] = {}
    for document in sorted(documents, key=lambda d: (d.date, d.pk)):
        document.organisation = organisation
        try:
            check_issuable(document, organisation)
            code = _year_code(years, document.date, required=True)
        except BusinessError as error:
            raise name_in(error, document, many) from None
        groups.setdefault(code, []).append(document)
    series, prefix = SERIES[kind]
    last = dict(SalesDocument.objects.filter(organisation=organisation, kind=kind, fiscal_year_code__in=list(groups),
                                             state=State.VALIDATED).order_by()
                .values("fiscal_year_code").annotate(d=Max("date")).values_list("fiscal_year_code", "d"))
    now = timezone.now()
    validated_by = actor if getattr(actor, "is_authenticated", False) else None
    documents = []
    for code, group in sorted(groups.items()):  # fixed lock order: no deadlock between two batches
        first = counter_next(organisation=organisation, series=series, fiscal_year=code, count=len(group))
        if last.get(code) and group[0].date < last[code]:
            error = BusinessError("not_chronological", f"La date du {group[0].date:%d/%m/%Y} précède celle du "
                                  f"dernier document validé de la série ({last[code]:%d/%m/%Y}) : la numérotation "
                                  "doit rester chronologique.", field="date")
            raise name_in(error, group[0], many)
        for offset, document in enumerate(group):
            document.sequence = first + offset
            document.number = f"{prefix}-{code}-{document.sequence:05d}"
            document.fiscal_year_code = code
            document.state = State.VALIDATED
            document.validated_at = now
            document.validated_by = validated_by
            documents.append(document)
    books = sales_books(organisation)
    inputs = []
    for document in documents:
        try:
            inputs.append(sales_entry_input(document, books=books))
        except BusinessError as error:
            raise name_in(error, document, many) from None
    for document, entry in zip(documents, entries_post(actor=actor, organisation=organisation, entries=inputs),
                               strict=True):
        document.entry = entry
    _update_rows(documents, ISSUE_FIELDS)
    audit_bulk(organisation=organisation, actor=actor, action=f"sales.{action}",
               items=[(document, _snapshot(document)) for document in documents])
    return documents


@transaction.atomic
def invoice_validate(*, actor, invoice) -> SalesDocument:
    """Issue the invoice: mentions check, gapless number, customer snapshot, due date, sales entry."""
    invoice = _locked(invoice)
    _expect(invoice, Kind.INVOICE, {State.DRAFT}, "Valider")
    check_deposit(invoice)
    return issue_documents(actor=actor, organisation=invoice.organisation, documents=[invoice],
                           action="invoice.validate")[0]


# ------------------------------------------------------------------------------------------- credit notes

@transaction.atomic
def credit_note_from_invoice(*, actor, invoice, quantities: dict[int, Decimal] | None = None, reason: str,
                             kind_of_credit: str, returns_goods: bool = False) -> SalesDocument:
    """A draft credit note for (part of) a validated invoice: never more than invoiced minus already credited.
    `returns_goods`: the customer sent the goods back and they go back into stock when the note is validated."""
    invoice = _locked(invoice)
    _expect(invoice, Kind.INVOICE, {State.VALIDATED}, "Créer un avoir")
    if kind_of_credit not in CREDIT_KINDS:
        raise BusinessError("invalid_choice", "Motif d'avoir inconnu (retour, réclamation, rabais, annulation).",
                            field="kind_of_credit")
    if not (reason or "").strip():
        raise BusinessError("required", "Le motif de l'avoir est obligatoire.", field="reason")
    if returns_goods and kind_of_credit == "rebate":
        raise BusinessError("rebate_returns_goods", "Un rabais ne s'accompagne pas d'un retour de marchandises.",
                            field="returns_goods")
    lines = list(invoice.lines.order_by("line_no"))
    credited = _credited([line.pk for line in lines])
    left = {line.pk: remaining(line.quantity, credited.get(line.pk, ZERO)) for line in lines}
    if quantities is None:
        wanted = {k: v for k, v in left.items() if v}
        if not wanted:
            raise BusinessError("nothing_left", "Cette facture est déjà entièrement créditée.", field="quantities")
    else:
        wanted = check_quantities(quantities, left, what="à créditer")
    whole = wanted == {line.pk: line.quantity for line in lines}
    first_credit = not SalesDocument.objects.filter(credited_invoice=invoice).exclude(
        state=State.CANCELLED).exists()
    shipping = invoice.shipping if (whole and first_credit) else ZERO
    rows = _copy_rows(lines, wanted)
    return _new(actor=actor, organisation=invoice.organisation, kind=Kind.CREDIT_NOTE, party=invoice.party,
                data=_header(invoice, shipping=shipping), rows=rows, source=invoice,
                extra={"credited_invoice": invoice, "credit_kind": kind_of_credit,
                       "credit_reason": reason.strip()[:200], "returns_goods": bool(returns_goods)})


@transaction.atomic
def credit_note_validate(*, actor, credit_note) -> SalesDocument:
    """Issue the credit note (series AV), post the reverse of the invoice rules and, when the goods came back,
    put them back into stock."""
    credit_note = _locked(credit_note)
    _expect(credit_note, Kind.CREDIT_NOTE, {State.DRAFT}, "Valider")
    rows = _copy_back(credit_note)
    _check_sources(credit_note, rows)
    credit_note = issue_documents(actor=actor, organisation=credit_note.organisation, documents=[credit_note],
                                  action="credit_note.validate")[0]
    if credit_note.returns_goods:
        _stock_returns(credit_note, actor)
    return credit_note


def _stock_returns(credit_note: SalesDocument, actor) -> None:
    """Returned goods re-enter stock with the credit note, in its transaction: one return per line of a product
    tracked in stock, valued at the item's current cost (the stock module's rule for a return without cost)."""
    lines = [line for line in credit_note.lines.all() if line.product_id and line.quantity > 0]
    tracked = tracked_product_ids(organisation=credit_note.organisation,
                                  product_ids=[line.product_id for line in lines])
    moves = [MoveInput(product_id=line.product_id, quantity=line.quantity, kind="return_in", date=credit_note.date,
                       origin_type="sales.credit_note", origin_id=credit_note.pk,
                       label=f"Avoir {credit_note.number} — retour {credit_note.party.name}"[:200])
             for line in sorted(lines, key=lambda x: x.line_no) if line.product_id in tracked]
    if moves:
        stock_moves_record(actor=actor, organisation=credit_note.organisation, moves=moves)
