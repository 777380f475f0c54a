"""Writes on purchase documents themselves: create, update and delete drafts, confirm and cancel orders.

Every function is atomic, refuses with a French BusinessError naming the field, and audits its write. The
receipts, invoices and credit notes that follow an order live in `receipts.py` and `invoices.py`; this module
holds the shared parsing of a document (header and lines) and its totals (core.totals, the one computation).
Numbers are gapless per kind and fiscal year (core.counters) and given at confirmation or validation only.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agora.catalog.models import Product, VatCategory
from agora.core.audit import audit_record
from agora.core.counters import counter_next
from agora.core.dates import parse_date
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount
from agora.core.totals import LineIn, Reduction, Totals, document_totals
from agora.ledger.models import Account, FiscalYear
from agora.parties.domain import due_date as compute_due_date
from agora.parties.models import Party
from agora.purchasing.models import (
    PurchaseDocument,
    PurchaseKind,
    PurchaseLine,
    PurchaseStatus,
    PurchaseTax,
    SourceFormat,
)

Kind = PurchaseKind
Status = PurchaseStatus
HUNDRED = Decimal(100)
DEFAULT_ACCOUNT = "607"
DEFAULT_PAYMENT_DAYS = 30  # C. com. L441-10: 30 days after receipt when nothing was agreed
SERIES = {
    Kind.ORDER: ("purchasing:order", "CF"),
    Kind.RECEIPT: ("purchasing:receipt", "BR"),
    Kind.INVOICE: ("purchasing:invoice", "FF"),
    Kind.CREDIT_NOTE: ("purchasing:credit_note", "AF"),
}
HEADER_FIELDS = ["issue_date", "due_date", "expected_date", "supplier_reference", "order_reference", "reductions",
                 "cash_discount_pct", "shipping", "escompte_offered_pct", "escompte_deadline", "notes",
                 "credit_reason"]


# ---------------------------------------------------------------------------------------------- parsing

def _pct(raw, field: str) -> Decimal:
    value = parse_amount(raw if raw not in (None, "") else "0", field=field)
    if not ZERO <= value < HUNDRED:
        raise BusinessError("invalid_percentage", "Pourcentage invalide (de 0 à moins de 100 %).", field=field)
    return value


def _reductions(raw) -> list[dict]:
    out = []
    for n, item in enumerate(raw or [], start=1):
        pct = _pct(item.get("pct"), f"reductions.{n}.pct")
        if pct:
            out.append({"label": (item.get("label") or "Remise").strip()[:40], "pct": str(pct)})
    return out


def clean_header(data: dict, *, kind: str) -> dict:
    """Header fields of a document, parsed and checked (only those present in `data`, plus the date)."""
    clean = {"issue_date": parse_date(data.get("issue_date") or timezone.localdate(), field="issue_date",
                                       required=True)}
    for name in ("due_date", "expected_date", "escompte_deadline"):
        clean[name] = parse_date(data.get(name), field=name)
    for name, size in (("supplier_reference", 60), ("order_reference", 60), ("credit_reason", 200)):
        clean[name] = str(data.get(name) or "").strip()[:size]
    clean["notes"] = data.get("notes") or ""
    clean["reductions"] = _reductions(data.get("reductions"))
    clean["cash_discount_pct"] = _pct(data.get("cash_discount_pct"), "cash_discount_pct")
    clean["escompte_offered_pct"] = _pct(data.get("escompte_offered_pct"), "escompte_offered_pct")
    clean["shipping"] = parse_amount(data.get("shipping") if data.get("shipping") not in (None, "") else "0",
                                     field="shipping")
    if clean["shipping"] < 0:
        raise BusinessError("negative_amount", "Frais de port négatifs.", field="shipping")
    if clean["escompte_offered_pct"] and clean["escompte_deadline"] is None:
        raise BusinessError("required", "Indiquez la date limite de l'escompte proposé.", field="escompte_deadline")
    if clean["due_date"] and clean["due_date"] < clean["issue_date"]:
        raise BusinessError("invalid_date", "L'échéance précède la date du document.", field="due_date")
    if kind == Kind.CREDIT_NOTE and clean["cash_discount_pct"]:
        raise BusinessError("invalid_percentage", "Un avoir ne porte pas d'escompte.", field="cash_discount_pct")
    return clean


def _supplier(organisation, party) -> Party:
    party_id = getattr(party, "pk", party)
    party = Party.objects.filter(organisation=organisation, pk=party_id).first() if party_id else None
    if party is None:
        raise BusinessError("unknown_party", "Fournisseur inconnu.", field="party")
    if not (party.is_supplier or party.is_subcontractor or party.is_service_provider):
        raise BusinessError("not_supplier", f"« {party.name} » n'est ni fournisseur, ni sous-traitant, ni "
                            "prestataire.", field="party")
    if not party.active:
        raise BusinessError("inactive_party", f"Le fournisseur « {party.name} » est inactif.", field="party")
    return party


def _pk(value) -> int | None:
    value = getattr(value, "pk", value)
    return int(value) if value not in (None, "") else None


def clean_lines(organisation, party, kind: str, lines: list[dict]) -> list[dict]:
    """Lines as PurchaseLine field values; defaults from the product (price, VAT, charge account). Four queries."""
    if not lines:
        raise BusinessError("no_lines", "Le document doit comporter au moins une ligne.", field="lines")
    products = {p.pk: p for p in Product.objects.filter(
        organisation=organisation, pk__in={_pk(x.get("product")) for x in lines if x.get("product")})}
    categories = {c.pk: c for c in VatCategory.objects.filter(organisation=organisation, active=True)}
    order_lines = {x.pk: x for x in PurchaseLine.objects.filter(
        organisation=organisation, document__kind=Kind.ORDER, document__party=party,
        pk__in={_pk(x.get("order_line")) for x in lines if x.get("order_line")})}
    out = []
    for n, raw in enumerate(lines, start=1):
        field = f"lines.{n}"
        product = None
        if raw.get("product"):
            product = products.get(_pk(raw["product"]))
            if product is None:
                raise BusinessError("unknown_product", f"Ligne {n} : article inconnu.", field=f"{field}.product")
        label = str(raw.get("label") or (product.label if product else "")).strip()
        if not label:
            raise BusinessError("required", f"Ligne {n} : la désignation est obligatoire.", field=f"{field}.label")
        quantity = parse_amount(raw.get("quantity") if raw.get("quantity") not in (None, "") else "",
                                field=f"{field}.quantity", places=3)
        if quantity <= 0:
            raise BusinessError("negative_quantity" if quantity < 0 else "zero_quantity",
                                f"Ligne {n} : la quantité doit être positive.", field=f"{field}.quantity")
        if raw.get("unit_price") not in (None, ""):
            unit_price = parse_amount(raw["unit_price"], field=f"{field}.unit_price", places=4)
        elif product is not None:
            unit_price = product.purchase_price
        else:
            raise BusinessError("required", f"Ligne {n} : le prix unitaire HT est obligatoire.",
                                field=f"{field}.unit_price")
        if unit_price < 0:
            raise BusinessError("negative_price", f"Ligne {n} : prix unitaire négatif.", field=f"{field}.unit_price")
        discount = _pct(raw.get("discount_pct"), f"{field}.discount_pct")
        category_id = _pk(raw.get("vat_category")) or (product.vat_category_id if product else None)
        if category_id is None:
            raise BusinessError("required", f"Ligne {n} : la TVA est obligatoire.", field=f"{field}.vat_category")
        category = categories.get(category_id)
        if category is None:
            raise BusinessError("unknown_vat_category", f"Ligne {n} : TVA inconnue.", field=f"{field}.vat_category")
        account = str(raw.get("account") or (product.expense_account if product else "") or DEFAULT_ACCOUNT).strip()
        if not account.startswith(("6", "2")):
            raise BusinessError("invalid_account", f"Ligne {n} : le compte « {account} » n'est ni un compte de "
                                "charge (classe 6) ni un compte d'immobilisation (classe 2).", field=f"{field}.account")
        order_line_id = _pk(raw.get("order_line"))
        if order_line_id and order_line_id not in order_lines:
            raise BusinessError("unknown_line", f"Ligne {n} : ligne de commande inconnue pour ce fournisseur.",
                                field=f"{field}.order_line")
        row = {"position": n, "product_id": product.pk if product else None, "label": label[:300],
               "quantity": quantity, "unit": str(raw.get("unit") or (product.unit if product else "u"))[:20],
               "unit_price": unit_price, "discount_pct": discount, "vat_category_id": category.pk,
               "vat_rate": category.rate, "account": account, "order_line_id": order_line_id}
        if kind == Kind.RECEIPT:
            rejected = parse_amount(raw.get("quantity_rejected") or "0", field=f"{field}.quantity_rejected",
                                    places=3)
            if not ZERO <= rejected <= quantity:
                raise BusinessError("invalid_quantity", f"Ligne {n} : la quantité refusée va de 0 à la quantité "
                                    "livrée.", field=f"{field}.quantity_rejected")
            row.update(quantity_rejected=rejected, quantity_accepted=quantity - rejected,
                       quality_note=str(raw.get("quality_note") or "").strip()[:300])
        out.append(row)
    codes = {row["account"] for row in out}
    known = set(Account.objects.filter(organisation=organisation, code__in=codes, active=True)
                .values_list("code", flat=True))
    for n, row in enumerate(out, start=1):
        if row["account"] not in known:
            raise BusinessError("unknown_account", f"Ligne {n} : compte « {row['account']} » absent du plan "
                                "comptable.", field=f"lines.{n}.account")
    return out


# ---------------------------------------------------------------------------------------------- totals

def totals_of(document: PurchaseDocument, lines) -> Totals:
    """The document's totals through core.totals (the one computation shared with sales)."""
    return document_totals(
        lines=[LineIn(quantity=Decimal(x.quantity), unit_price=Decimal(x.unit_price), vat_rate=Decimal(x.vat_rate),
                      discount_pct=Decimal(x.discount_pct)) for x in lines],
        reductions=[Reduction(r["label"], Decimal(r["pct"])) for r in document.reductions or []],
        cash_discount_pct=Decimal(document.cash_discount_pct), shipping=Decimal(document.shipping))


def write_lines(document: PurchaseDocument, rows: list[dict]) -> None:
    """Replace the lines and tax rows, compute and store the totals."""
    lines = [PurchaseLine(document=document, organisation_id=document.organisation_id, **row) for row in rows]
    totals = totals_of(document, lines)
    for line, out in zip(lines, totals.lines, strict=True):
        line.net_amount = out.net
    document.lines.all().delete()
    document.tax_rows.all().delete()
    PurchaseLine.objects.bulk_create(lines)
    PurchaseTax.objects.bulk_create([PurchaseTax(document=document, rate=row.rate, base=row.base, tax=row.tax)
                                     for row in totals.tax_rows])
    document.lines_total = totals.lines_total
    document.commercial_net = totals.commercial_net
    document.financial_net = totals.financial_net
    document.total_untaxed = totals.untaxed_total
    document.total_vat = totals.tax_total
    document.total_incl_tax = totals.total
    document.net_to_pay = totals.net_to_pay
    document.save()
    if hasattr(document, "_prefetched_objects_cache"):
        document._prefetched_objects_cache.clear()


def copy_rows(lines, quantities: dict[int, Decimal] | None = None, *, order_line=lambda line: line.pk) -> list[dict]:
    """Rows for a derived document: each line's values with the given quantity (all when None; zero skipped)."""
    rows = []
    for line in lines:
        quantity = line.quantity if quantities is None else quantities.get(line.pk, ZERO)
        if not quantity:
            continue
        rows.append({"position": len(rows) + 1, "product_id": line.product_id, "label": line.label,
                     "quantity": quantity, "unit": line.unit, "unit_price": line.unit_price,
                     "discount_pct": line.discount_pct, "vat_category_id": line.vat_category_id,
                     "vat_rate": line.vat_rate, "account": line.account, "order_line_id": order_line(line)})
    return rows


# ---------------------------------------------------------------------------------------------- helpers

def number_next(organisation, kind: str, day: date, *, required_year: bool = False) -> tuple[str, int, str]:
    """The next gapless number of a kind in the fiscal year of `day` ("CF-2026-00001")."""
    series, prefix = SERIES[kind]
    year = FiscalYear.objects.filter(organisation=organisation, start_date__lte=day, end_date__gte=day).first()
    if year is None and required_year:
        raise BusinessError("no_fiscal_year", f"Aucun exercice ne contient le {day:%d/%m/%Y}.", field="issue_date")
    if year is not None and required_year and year.state != "open":
        raise BusinessError("year_closed", f"L'exercice {year.code} est clôturé.", field="issue_date")
    code = year.code if year else str(day.year)
    sequence = counter_next(organisation=organisation, series=series, fiscal_year=code)
    return f"{prefix}-{code}-{sequence:05d}", sequence, code


def locked(document: PurchaseDocument) -> PurchaseDocument:
    """Re-read the document under a row lock (the state we act on is the committed one)."""
    return PurchaseDocument.objects.select_for_update().select_related("party", "organisation").get(pk=document.pk)


def expect(document: PurchaseDocument, kind: str, statuses, action: str) -> None:
    if document.kind != kind:
        raise BusinessError("wrong_kind", f"{document.get_kind_display()} : action « {action} » impossible.",
                            field="kind")
    if document.status not in statuses:
        raise BusinessError("wrong_state", f"{document} est à l'état « {document.get_status_display()} » : "
                            f"action « {action} » impossible.", field="status")


def snapshot(document: PurchaseDocument) -> dict:
    return {"kind": document.kind, "status": document.status, "number": document.number,
            "issue_date": document.issue_date, "party": document.party_id,
            "supplier_reference": document.supplier_reference, "total_untaxed": document.total_untaxed,
            "total_vat": document.total_vat, "total_incl_tax": document.total_incl_tax,
            "lines": [[x.label, x.quantity, x.unit_price, x.vat_rate, x.account, x.quantity_rejected]
                      for x in document.lines.all()]}


def audit(document: PurchaseDocument, actor, action: str, before: dict | None = None) -> None:
    audit_record(organisation=document.organisation, actor=actor, action=f"purchasing.{action}", obj=document,
                 before=before, after=snapshot(document))


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def check_supplier_reference(document: PurchaseDocument) -> None:
    """A supplier's invoice (or credit note) number is recorded once: a second one is a duplicate."""
    if document.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE) or not document.supplier_reference:
        return
    twin = (PurchaseDocument.objects.filter(organisation=document.organisation, party=document.party,
                                            kind=document.kind, supplier_reference=document.supplier_reference)
            .exclude(status=Status.CANCELLED).exclude(pk=document.pk).first())
    if twin is not None:
        raise BusinessError("duplicate_supplier_reference",
                            f"La pièce n° {document.supplier_reference} de « {document.party.name} » est déjà "
                            f"enregistrée ({twin}) : doublon refusé.", field="supplier_reference")


def default_due_date(document: PurchaseDocument) -> date:
    term = document.party.payment_term
    if term is not None:
        return compute_due_date(document.issue_date, days=term.days, end_of_month=term.end_of_month)
    return compute_due_date(document.issue_date, days=DEFAULT_PAYMENT_DAYS, end_of_month=False)


def _source(organisation, party, raw) -> PurchaseDocument | None:
    source_id = _pk(raw)
    if source_id is None:
        return None
    source = PurchaseDocument.objects.filter(organisation=organisation, party=party, pk=source_id).first()
    if source is None:
        raise BusinessError("unknown_source", "Document d'origine inconnu pour ce fournisseur.", field="source")
    return source


def new_document(*, actor, organisation, kind, party, clean: dict, rows: list[dict], source=None,
                 extra: dict | None = None) -> PurchaseDocument:
    """Create a draft from checked values (shared by every creation path), audited."""
    document = PurchaseDocument(organisation=organisation, kind=kind, party=party, source=source,
                                created_by=user_or_none(actor), **clean, **(extra or {}))
    if kind == Kind.INVOICE and document.due_date is None:
        document.due_date = default_due_date(document)
    check_supplier_reference(document)
    document.save()
    write_lines(document, rows)
    audit(document, actor, f"{kind}.create")
    return document


# ---------------------------------------------------------------------------------------------- services

@transaction.atomic
def purchase_document_create(*, actor, organisation, kind, party, data: dict, lines: list[dict]) -> PurchaseDocument:
    """A new draft of any kind (a direct order, a receipt without order, an invoice typed or imported).

    `lines`: dicts with product, label, quantity, unit_price, discount_pct, vat_category, account, order_line
    (and for receipts quantity_rejected, quality_note). `data`: the header fields, plus source_file,
    source_format, einvoice_xml and source (the document it follows) when there are any.
    """
    if kind not in Kind.values:
        raise BusinessError("wrong_kind", "Type de document inconnu.", field="kind")
    party = _supplier(organisation, party)
    clean = clean_header(data, kind=kind)
    rows = clean_lines(organisation, party, kind, lines)
    source_format = data.get("source_format") or ""
    if source_format not in SourceFormat.values:
        raise BusinessError("invalid_choice", "Format de pièce inconnu.", field="source_format")
    extra = {"source_format": source_format, "einvoice_xml": data.get("einvoice_xml") or ""}
    if data.get("source_file"):
        extra["source_file"] = data["source_file"]
    return new_document(actor=actor, organisation=organisation, kind=kind, party=party, clean=clean, rows=rows,
                        source=_source(organisation, party, data.get("source")), extra=extra)


@transaction.atomic
def purchase_document_update(*, actor, document: PurchaseDocument, data: dict, lines: list[dict]) -> PurchaseDocument:
    """Replace a draft's header and lines (a numbered order, receipt or invoice is frozen)."""
    document = locked(document)
    if document.status != Status.DRAFT:
        raise BusinessError("not_draft", f"{document} n'est plus un brouillon : il ne peut plus être modifié.",
                            field="status")
    before = snapshot(document)
    merged = {name: getattr(document, name) for name in HEADER_FIELDS}
    merged.update({k: v for k, v in data.items() if k in HEADER_FIELDS})
    clean = clean_header(merged, kind=document.kind)
    rows = clean_lines(document.organisation, document.party, document.kind, lines)
    for key, value in clean.items():
        setattr(document, key, value)
    if data.get("source_file"):
        document.source_file = data["source_file"]
    if document.kind == Kind.INVOICE and document.due_date is None:
        document.due_date = default_due_date(document)
    check_supplier_reference(document)
    write_lines(document, rows)
    audit(document, actor, f"{document.kind}.update", before)
    return document


@transaction.atomic
def purchase_document_delete(*, actor, document: PurchaseDocument) -> None:
    """Delete a draft that nothing derives from."""
    document = locked(document)
    if document.status != Status.DRAFT:
        raise BusinessError("not_draft", f"{document} n'est pas un brouillon : suppression impossible.",
                            field="status")
    if PurchaseDocument.objects.filter(source=document).exists():
        raise BusinessError("has_derived", "Des documents en sont issus : suppression impossible.", field="status")
    audit_record(organisation=document.organisation, actor=actor, action=f"purchasing.{document.kind}.delete",
                 obj=document, before=snapshot(document))
    document.lines.all().delete()
    document.delete()


@transaction.atomic
def purchase_order_confirm(*, actor, order) -> PurchaseDocument:
    """The order is final: it gets its number (CF-…) and can be sent, received and invoiced."""
    order = locked(order)
    expect(order, Kind.ORDER, {Status.DRAFT}, "Confirmer")
    before = snapshot(order)
    order.number, order.sequence, order.fiscal_year_code = number_next(order.organisation, Kind.ORDER,
                                                                       order.issue_date)
    order.status = Status.CONFIRMED
    order.validated_at = timezone.now()
    order.validated_by = user_or_none(actor)
    order.save(update_fields=["number", "sequence", "fiscal_year_code", "status", "validated_at", "validated_by"])
    audit(order, actor, "order.confirm", before)
    return order


@transaction.atomic
def purchase_order_cancel(*, actor, order) -> PurchaseDocument:
    """Cancel a confirmed order nothing was received or invoiced on (its number stays, marked cancelled)."""
    order = locked(order)
    expect(order, Kind.ORDER, {Status.CONFIRMED, Status.SENT}, "Annuler")
    if PurchaseDocument.objects.filter(source=order).exclude(status=Status.CANCELLED).exists() or \
            order.lines.filter(fulfilments__isnull=False).exists():
        raise BusinessError("has_derived", "Des réceptions ou factures suivent cette commande : annulation "
                            "impossible.", field="status")
    before = snapshot(order)
    order.status = Status.CANCELLED
    order.save(update_fields=["status"])
    audit(order, actor, "order.cancel", before)
    return order
