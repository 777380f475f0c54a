"""Importing a received e-invoice (Factur-X PDF, CII or UBL XML) as a draft supplier invoice or credit note.

Everything is read and checked before the first write (format, XSD, arithmetic, addressee, duplicate, totals as
Agora will recompute them), and the writes happen in one transaction: a refused file leaves nothing behind. The
supplier is found by SIREN (from the SIREN, SIRET or French VAT number) then by VAT number, or created from the
seller's data when unknown; the order by the reference the supplier quotes; products by item reference.
"""

import os
import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename

from agora.catalog.models import Product, VatCategory
from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.money import format_amount
from agora.core.totals import LineIn, Reduction, document_totals
from agora.parties.models import Party
from agora.parties.services import party_create, party_update
from agora.purchasing.einvoice import IncomingInvoice, einvoice_read
from agora.purchasing.einvoice.detect import FIELD
from agora.purchasing.einvoice.incoming import IncomingParty
from agora.purchasing.einvoice.mapping import header_figures, line_figures
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseLine, PurchaseStatus

from .documents import purchase_document_create

_fmt = format_amount  # amounts and rates in messages, the French way: "1 234,56"
ZERO_RATE_WORDS = {"AE": "autoliquidation", "K": "262 ter", "G": "262 i", "E": "exon"}



def _vat_compact(value: str) -> str:
    """"FR 44 732829320", "44732829320" → "FR44732829320" (French numbers may be stored without "FR")."""
    value = re.sub(r"[\s.-]", "", value or "").upper()
    return f"FR{value}" if len(value) == 11 and value[:2].isdigit() else value


def _who(party: IncomingParty) -> str:
    ids = [f"SIREN {party.siren}"] if party.siren else []
    if party.vat_compact:
        ids.append(f"TVA {party.vat_compact}")
    return f"{party.name or 'un acheteur sans nom'}" + (f" ({', '.join(ids)})" if ids else "")


def _check_addressee(organisation, invoice: IncomingInvoice) -> None:
    """The buyer of the invoice must be us: same SIREN, or same VAT number."""
    siren = organisation.siren or (organisation.siret or "")[:9]
    vat = _vat_compact(organisation.vat_number)
    if not (siren or vat):
        raise BusinessError("organisation_unidentified", "Renseignez le SIREN de l'organisation (Paramètres) : il "
                            "sert à vérifier que les factures reçues vous sont bien adressées.", field=FIELD)
    buyer = invoice.buyer
    if (siren and buyer.siren == siren) or (vat and buyer.vat_compact == vat):
        return
    ours = f"{organisation.legal_name} (SIREN {siren})" if siren else f"{organisation.legal_name} (TVA {vat})"
    if not (buyer.siren or buyer.vat_compact):
        raise BusinessError("einvoice_buyer_unidentified", f"La facture n'identifie pas l'acheteur (ni SIREN, ni "
                            f"SIRET, ni n° de TVA) : impossible de vérifier qu'elle est adressée à {ours}.",
                            field=FIELD)
    raise BusinessError("einvoice_wrong_buyer", f"Cette facture est adressée à {_who(buyer)}, pas à {ours}.",
                        field=FIELD)


def _check_supported(organisation, invoice: IncomingInvoice) -> None:
    currency = organisation.currency or "EUR"
    if invoice.currency and invoice.currency != currency:
        raise BusinessError("einvoice_currency", f"Facture en {invoice.currency} : seules les factures en "
                            f"{currency} sont importées.", field=FIELD)
    if invoice.prepaid:
        raise BusinessError("einvoice_prepaid", f"Cette facture déduit un acompte déjà versé "
                            f"({_fmt(invoice.prepaid)} €) : la déduction d'acomptes n'est pas gérée sur les "
                            "factures fournisseurs, saisissez-la à la main.", field=FIELD)
    if invoice.rounding:
        raise BusinessError("einvoice_rounding", f"Cette facture porte un arrondi de {_fmt(invoice.rounding)} € sur "
                            "le net à payer, que les factures fournisseurs ne gèrent pas : saisissez-la à la main.",
                            field=FIELD)


def _next_supplier_code(organisation) -> str:
    """"F" and the next free number after the highest F-number in use (F001, F002…)."""
    codes = Party.objects.filter(organisation=organisation, code__startswith="F").values_list("code", flat=True)
    numbers = [int(code[1:]) for code in codes if re.fullmatch(r"F\d{1,19}", code)]
    return f"F{max(numbers, default=0) + 1:03d}"


def _supplier(*, actor, organisation, seller: IncomingParty) -> tuple[Party, bool]:
    """(the supplier party, created?): by SIREN, then by VAT number, else created from the seller's data."""
    parties = Party.objects.filter(organisation=organisation).order_by("-is_supplier", "-active", "pk")
    party = parties.filter(siren=seller.siren).first() if seller.siren else None
    vat = seller.vat_compact
    if party is None and vat:
        party = parties.filter(vat_number__in={vat, vat.removeprefix("FR")}).first()
    if party is not None:
        if not (party.is_supplier or party.is_subcontractor or party.is_service_provider):
            party = party_update(actor=actor, party=party, data={"is_supplier": True})
        return party, False
    if not (seller.siren or vat):
        raise BusinessError("einvoice_seller_unidentified", f"Le vendeur « {seller.name} » n'est identifié ni par "
                            "un SIREN ni par un n° de TVA : créez le fournisseur, puis saisissez la facture.",
                            field=FIELD)
    data = {"code": _next_supplier_code(organisation), "name": (seller.name or f"Fournisseur {seller.siren}")[:200],
            "kind": "organisation", "is_supplier": True, "siren": seller.siren, "siret": seller.siret,
            "vat_number": vat if vat.startswith("FR") else "", "address_line1": seller.address_line1[:200],
            "postal_code": seller.postal_code[:10], "city": seller.city[:100],
            "country": (seller.country or "FR")[:2].upper(), "email": seller.email[:254],
            "notes": "" if vat.startswith("FR") or not vat else f"N° de TVA : {vat}"}
    try:
        return party_create(actor=actor, organisation=organisation, data=data), True
    except BusinessError as error:
        raise BusinessError(error.code, f"Le fournisseur « {data['name']} » est inconnu et n'a pas pu être créé "
                            f"depuis la facture : {error.message}", field=FIELD) from error


def _check_duplicate(organisation, party: Party, kind: str, invoice: IncomingInvoice) -> None:
    twin = (PurchaseDocument.objects.filter(organisation=organisation, party=party, kind=kind,
                                            supplier_reference=invoice.number[:60])
            .exclude(status=PurchaseStatus.CANCELLED).first())
    if twin is not None:
        if kind == PurchaseKind.CREDIT_NOTE:
            message = f"Déjà importé : l'avoir n° {invoice.number} de « {party.name} » est déjà enregistré ({twin})."
        else:
            message = (f"Déjà importée : la facture n° {invoice.number} de « {party.name} » est déjà enregistrée "
                       f"({twin}).")
        raise BusinessError("duplicate_supplier_reference", message, field=FIELD)


def _source(organisation, party: Party, kind: str, invoice: IncomingInvoice) -> PurchaseDocument | None:
    """The order the invoice quotes (our number), or the invoice a credit note corrects (the supplier's)."""
    if kind == PurchaseKind.CREDIT_NOTE and invoice.preceding_invoice:
        return (PurchaseDocument.objects.filter(organisation=organisation, party=party, kind=PurchaseKind.INVOICE,
                                                supplier_reference=invoice.preceding_invoice[:60])
                .exclude(status=PurchaseStatus.CANCELLED).first())
    if kind == PurchaseKind.INVOICE and invoice.order_reference:
        return (PurchaseDocument.objects.filter(organisation=organisation, party=party, kind=PurchaseKind.ORDER,
                                                number=invoice.order_reference[:30])
                .exclude(status__in=[PurchaseStatus.CANCELLED, PurchaseStatus.DRAFT]).first())
    return None


def _vat_category(categories: list[VatCategory], rate: Decimal, code: str, number: int) -> VatCategory:
    candidates = [c for c in categories if c.rate == rate]
    if rate == 0 and len(candidates) > 1:
        word = ZERO_RATE_WORDS.get(code, "")
        candidates = [c for c in candidates if word and word in c.exemption_mention.lower()] or candidates
    elif rate > 0:
        candidates = [c for c in candidates if not c.exemption_mention] or candidates
    if not candidates:
        raise BusinessError("einvoice_unknown_vat", f"Ligne {number} : aucune catégorie de TVA au taux de "
                            f"{_fmt(rate)} % dans le catalogue : créez-la, puis importez à nouveau la facture.",
                            field=FIELD)
    return candidates[0]


def _default_account(party: Party) -> str:
    if party.is_subcontractor:
        return "611"
    return "604" if party.is_service_provider and not party.is_supplier else "607"


def _lines(organisation, party: Party, invoice: IncomingInvoice, order: PurchaseDocument | None) -> list[dict]:
    """Line dicts for purchase_document_create, products and order lines matched by reference."""
    categories = list(VatCategory.objects.filter(organisation=organisation, active=True).order_by("code"))
    references = {x for line in invoice.lines for x in (line.seller_item_id, line.buyer_item_id) if x}
    products = {p.reference: p for p in Product.objects.filter(organisation=organisation, reference__in=references)}
    order_lines = list(PurchaseLine.objects.filter(document=order).order_by("position")) if order else []
    free = list(order_lines)
    rows = []
    for number, line in enumerate(invoice.lines, start=1):
        figures = line_figures(line, number)
        product = products.get(line.buyer_item_id) or products.get(line.seller_item_id)
        order_line = next((x for x in free if str(x.position) == line.order_line_id), None) or next(
            (x for x in free if product is not None and x.product_id == product.pk), None)
        if order_line is not None:
            free.remove(order_line)
        account = (order_line.account if order_line else None) or (product.expense_account if product else None)
        rows.append({"product": product, "label": figures.label, "quantity": figures.quantity,
                     "unit": figures.unit, "unit_price": figures.unit_price, "discount_pct": figures.discount_pct,
                     "vat_category": _vat_category(categories, line.vat_rate, line.vat_category, number),
                     "account": account or _default_account(party), "order_line": order_line})
    if not invoice.lines:  # BASIC WL: no lines, one per VAT rate of the breakdown
        for number, tax in enumerate(invoice.taxes, start=1):
            rows.append({"product": None, "label": f"Facture {invoice.number} — base TVA {_fmt(tax.rate)} %",
                         "quantity": Decimal(1), "unit": "u", "unit_price": tax.basis, "discount_pct": Decimal(0),
                         "vat_category": _vat_category(categories, tax.rate, tax.category, number),
                         "account": _default_account(party), "order_line": None})
    return rows


def _check_same_totals(invoice: IncomingInvoice, header: dict, rows: list[dict]) -> None:
    """Agora's own computation of the draft (core.totals) must give the invoice's figures, rate by rate."""
    totals = document_totals(
        lines=[LineIn(Decimal(r["quantity"]), Decimal(r["unit_price"]), r["vat_category"].rate,
                      Decimal(r["discount_pct"])) for r in rows],
        reductions=[Reduction(r["label"], Decimal(r["pct"])) for r in header["reductions"]],
        cash_discount_pct=Decimal(header["cash_discount_pct"]), shipping=Decimal(header["shipping"]))
    ours = {row.rate: (row.base, row.tax) for row in totals.tax_rows}
    theirs: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for tax in invoice.taxes:
        base, amount = theirs.get(tax.rate, (Decimal(0), Decimal(0)))
        theirs[tax.rate] = (base + tax.basis, amount + tax.amount)
    problems = []
    for rate in sorted(set(ours) | set(theirs), reverse=True):
        (our_base, our_tax), (base, tax) = ours.get(rate, (0, 0)), theirs.get(rate, (0, 0))
        if (our_base, our_tax) != (base, tax):
            problems.append(f"TVA {_fmt(rate)} % : base {_fmt(base)} et TVA {_fmt(tax)} sur la facture, "
                            f"{_fmt(our_base)} et {_fmt(our_tax)} recalculées")
    if totals.total != invoice.grand_total:
        problems.append(f"total TTC {_fmt(invoice.grand_total)} sur la facture, {_fmt(totals.total)} recalculé")
    if problems:
        raise BusinessError("einvoice_totals_differ", "Les totaux recalculés par Agora ne sont pas ceux de la "
                            f"facture ({' ; '.join(problems)}) : elle n'est pas importée, pour ne pas enregistrer "
                            "d'autres montants que ceux facturés.", field=FIELD)


def _xml_text(received) -> str:
    encoding = received.tree.getroottree().docinfo.encoding or "utf-8"
    return received.xml.decode(encoding, "replace")


def _stored_name(filename: str, format_: str) -> str:
    base = get_valid_filename(os.path.basename(filename or "")) or "facture"
    extension = ".pdf" if format_ == "facturx" else ".xml"
    return base if base.lower().endswith(extension) else f"{base}{extension}"


def _write(*, actor, organisation, filename: str, content: bytes, received, invoice: IncomingInvoice,
           kind: str) -> tuple[PurchaseDocument, bool]:
    """Match or create the supplier, match the order and products, check the totals, create the draft:
    (the draft, was the supplier created?)."""
    party, created = _supplier(actor=actor, organisation=organisation, seller=invoice.seller)
    _check_duplicate(organisation, party, kind, invoice)
    source = _source(organisation, party, kind, invoice)
    header = {"reductions": [], "cash_discount_pct": "0", "shipping": "0"} if not invoice.lines \
        else header_figures(invoice)
    rows = _lines(organisation, party, invoice, source if kind == PurchaseKind.INVOICE else None)
    _check_same_totals(invoice, header, rows)
    data = {"issue_date": invoice.issue_date, "due_date": invoice.due_date, "supplier_reference": invoice.number,
            "order_reference": invoice.order_reference, "notes": "\n".join(n for n in invoice.notes if n),
            "source": source, "source_format": received.format, "einvoice_xml": _xml_text(received),
            "source_file": ContentFile(content, name=_stored_name(filename, received.format)), **header}
    document = purchase_document_create(actor=actor, organisation=organisation, kind=kind, party=party, data=data,
                                        lines=rows)
    return document, created


@transaction.atomic
def einvoice_import(*, actor, organisation, filename: str, content: bytes) -> PurchaseDocument:
    """Import one received e-invoice as a draft supplier invoice (or credit note), its file attached."""
    received, invoice = einvoice_read(content)
    _check_addressee(organisation, invoice)
    _check_supported(organisation, invoice)
    kind = PurchaseKind.CREDIT_NOTE if invoice.is_credit_note else PurchaseKind.INVOICE
    try:
        document, created = _write(actor=actor, organisation=organisation, filename=filename, content=content,
                                   received=received, invoice=invoice, kind=kind)
    except IntegrityError as error:  # a unique index caught an import of the same moment (invoice or supplier)
        raise BusinessError("einvoice_conflict", "Un autre import enregistrait au même moment cette facture ou son "
                            "fournisseur : importez de nouveau le fichier (un doublon sera refusé).",
                            field=FIELD) from error
    if (document.total_untaxed, document.total_vat, document.total_incl_tax) != (
            invoice.tax_basis_total, invoice.tax_total, invoice.grand_total):
        document.source_file.delete(save=False)
        raise BusinessError("einvoice_totals_differ", "Les totaux enregistrés diffèrent de ceux de la facture : "
                            "import annulé.", field=FIELD)
    audit_record(organisation=organisation, actor=actor, action="purchasing.einvoice.import", obj=document,
                 after={"filename": filename, "format": received.format, "profile": invoice.profile,
                        "supplier_reference": invoice.number, "supplier": document.party.code,
                        "supplier_created": created, "source": document.source_id,
                        "total_incl_tax": invoice.grand_total})
    return document
