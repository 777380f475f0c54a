"""Documents leaving Agora: the printed PDF (WeasyPrint), the EN 16931 CII XML and the Factur-X PDF/A-3, and
the sending by e-mail.

Everything here reads the stored document (lines, tax rows, customer snapshot): an issued invoice prints the
same in ten years whatever happens to the party or the catalogue. The step-by-step foot comes from
core.totals (the one computation), fed with the stored lines and reductions.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from lxml import etree

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.exports import logo_uri
from agora.core.mail import mail_send
from agora.core.models import OutgoingMail
from agora.core.money import ZERO, format_amount
from agora.core.totals import LineIn, Reduction, document_totals
from agora.sales.models import DocumentKind, DocumentState, OperationCategory, SalesDocument, SalesSettings
from agora.sales.services.printing import html_pdf

PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
FACTURX_FILENAME = "factur-x.xml"
TITLES = {DocumentKind.QUOTE: "Devis", DocumentKind.ORDER: "Confirmation de commande",
          DocumentKind.DELIVERY: "Bon de livraison", DocumentKind.INVOICE: "Facture",
          DocumentKind.CREDIT_NOTE: "Avoir"}
INVOICE_KINDS = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)
SENT_AT_KINDS = (DocumentKind.QUOTE, DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)


# --- what the documents show -----------------------------------------------------------------------------------

def document_title(document: SalesDocument) -> str:
    if document.kind == DocumentKind.INVOICE and document.is_deposit:
        return "Facture d'acompte"
    return TITLES[document.kind]


def document_filename(document: SalesDocument, extension: str = "pdf") -> str:
    number = document.number or f"brouillon-{document.pk}"
    return f"{document_title(document).replace(' ', '-').replace(chr(39), '-')}-{number}.{extension}"


def sales_settings(organisation) -> SalesSettings:
    """The organisation's sales settings, or the defaults (unsaved) when sales were never set up."""
    return SalesSettings.objects.filter(organisation=organisation).first() or SalesSettings(organisation=organisation)


def _lines(document: SalesDocument) -> list:
    return list(document.lines.select_related("product").order_by("line_no"))


def document_totals_of(document: SalesDocument, lines=None):
    """The foot of `document`, step by step, from its stored lines (core.totals, the one computation)."""
    lines = _lines(document) if lines is None else lines
    return document_totals(
        lines=[LineIn(line.quantity, line.unit_price, line.vat_rate, line.discount_pct) for line in lines],
        reductions=[Reduction(r.get("label") or "Remise", Decimal(str(r.get("pct") or 0)))
                    for r in document.reductions or []],
        cash_discount_pct=document.cash_discount_pct, shipping=document.shipping,
        deposit=document.deposit_deducted, allow_negative=True)


def vat_number_display(value: str) -> str:
    """The full intra-EU VAT number. core.identifiers stores French numbers compacted by python-stdnum, which
    drops the "FR" prefix (11 characters left): EN 16931 (BR-CO-9) and the printed mention need it back."""
    value = (value or "").strip().upper()
    if len(value) == 11 and not value[:2].isalpha():
        return f"FR{value}"
    return value


def _pct(value: Decimal) -> str:
    """12.15 → "12,15"; 20.00 → "20"; 5.50 → "5,5" (as a French invoice writes rates)."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _number(value: Decimal, places: int = 4) -> str:
    """A quantity or unit price the French way, without trailing zeros beyond the cents for prices."""
    text = f"{Decimal(value):.{places}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _price(value: Decimal) -> str:
    value = Decimal(value)
    return format_amount(value) if value == value.quantize(Decimal("0.01")) else _number(value)


def _money_short(value: Decimal) -> str:
    """40.00 → "40" (the law's "40 €"), 12.50 → "12,50"."""
    value = Decimal(value)
    return format_amount(value)[:-3] if value == value.to_integral_value() else format_amount(value)


def _foot(document: SalesDocument, totals, tax_rows) -> list[tuple[str, Decimal, str]]:
    """The foot of the document laid out step by step, as (label, amount, css class) rows."""
    rows = [("Total brut HT", totals.lines_total, "")]
    for step in totals.reductions:
        rows.append((f"{step.label} {_pct(step.pct)} %", -step.amount, "step"))
    if totals.reductions:
        rows.append(("Net commercial HT", totals.commercial_net, "subtotal"))
    if totals.cash_discount:
        rows.append((f"Escompte {_pct(totals.cash_discount.pct)} %", -totals.cash_discount.amount, "step"))
        rows.append(("Net financier HT", totals.financial_net, "subtotal"))
    if totals.shipping:
        rows.append(("Frais de port HT", totals.shipping, "step"))
    rows.append(("Total HT", document.untaxed_total, "subtotal"))
    for row in tax_rows:
        rows.append((f"TVA {_pct(row.rate)} % sur {format_amount(row.base)}", row.tax, "step"))
    rows.append(("Total TTC", document.total, "total"))
    if document.deposit_deducted:
        rows.append(("Acompte déjà versé", -document.deposit_deducted, "step"))
    rows.append(("Net à payer" if document.kind != DocumentKind.CREDIT_NOTE else "Montant de l'avoir TTC",
                 document.net_to_pay, "total"))
    return rows


def document_context(document: SalesDocument) -> dict:
    """Everything the print template needs, read once."""
    organisation = document.organisation
    settings = sales_settings(organisation)
    lines = _lines(document)
    totals = document_totals_of(document, lines)
    logo = logo_uri(organisation)
    credited = document.credited_invoice if document.credited_invoice_id else None
    is_invoice = document.kind in INVOICE_KINDS
    exemptions = sorted({line.vat_mention for line in lines if line.vat_mention}
                        | {row.mention for row in document.tax_rows.all() if row.mention})
    if document.cash_discount_pct:
        cash_discount_terms = (f"Escompte de {_pct(document.cash_discount_pct)} % pour paiement anticipé, "
                               "déjà déduit du net financier.")
    else:
        cash_discount_terms = settings.cash_discount_terms or "Pas d'escompte pour paiement anticipé."
    tax_rows = list(document.tax_rows.all().order_by("-rate"))
    rows = [{"reference": line.product.reference if line.product_id else "", "description": line.description,
             "quantity": _number(line.quantity), "unit": line.unit, "unit_price": _price(line.unit_price),
             "discount": f"{_pct(line.discount_pct)} %" if line.discount_pct else "",
             "vat_rate": f"{_pct(line.vat_rate)} %", "amount": figures.net}
            for line, figures in zip(lines, totals.lines, strict=True)]
    return {
        "document": document, "organisation": organisation, "settings": settings, "title": document_title(document),
        "rows": rows, "totals": totals, "foot": _foot(document, totals, tax_rows),
        "tax_rows": [{"rate": f"{_pct(row.rate)} %", "base": row.base, "tax": row.tax, "mention": row.mention}
                     for row in tax_rows], "logo_uri": logo, "credited": credited,
        "is_invoice": is_invoice, "is_draft": not document.number or document.state == DocumentState.DRAFT,
        "shows_prices": document.kind != DocumentKind.DELIVERY, "exemptions": exemptions,
        "late_interest_rate": _pct(settings.late_interest_rate),
        "fixed_recovery_fee": _money_short(settings.fixed_recovery_fee),
        "cash_discount_terms": cash_discount_terms,
        "vat_on_debits": document.vat_on_debits or settings.vat_on_debits,
        "operation_label": OperationCategory(document.operation_category).label,
        "seller_vat_number": vat_number_display(organisation.vat_number),
        "customer_vat_number": vat_number_display(document.customer_vat_number or document.party.vat_number),
        "customer_siren": document.customer_siren or document.party.siren,
        "capital": format_amount(organisation.share_capital) if organisation.share_capital else "",
    }


def document_html(document: SalesDocument) -> str:
    """The printed document as HTML (what services.printing turns into a PDF)."""
    return render_to_string("sales/output/document.html", document_context(document))


def document_pdf(document: SalesDocument, *, pdf_variant: str | None = None) -> bytes:
    """The printed document (every kind) rendered by WeasyPrint; `pdf_variant="pdf/a-3b"` for Factur-X."""
    return html_pdf(document_html(document), pdf_variant=pdf_variant)


# --- EN 16931 CII XML -----------------------------------------------------------------------------------------

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
BUSINESS_PROCESS = {OperationCategory.GOODS: "B1", OperationCategory.SERVICES: "S1", OperationCategory.MIXED: "M1"}
UNIT_CODES = {"u": "C62", "unité": "C62", "pce": "H87", "pièce": "H87", "h": "HUR", "heure": "HUR", "j": "DAY",
              "jour": "DAY", "kg": "KGM", "g": "GRM", "t": "TNE", "l": "LTR", "m": "MTR", "m2": "MTK", "m²": "MTK",
              "m3": "MTQ", "m³": "MTQ", "km": "KMT", "mois": "MON", "semaine": "WEE", "an": "ANN", "forfait": "C62",
              "lot": "C62"}
POSTCODE_CITY = re.compile(r"^(?P<postcode>\d{4,5})\s+(?P<city>.+)$")


def vat_category(rate: Decimal, mention: str = "") -> tuple[str, str]:
    """(EN 16931 VAT category code, exemption reason code) of a line, from its rate and legal mention."""
    if rate > 0:
        return "S", ""
    text = (mention or "").lower()
    if "autoliquidation" in text:
        return "AE", "VATEX-EU-AE"
    if "262 ter" in text:
        return "K", "VATEX-EU-IC"
    if "262 i" in text or "export" in text:
        return "G", "VATEX-EU-G"
    if "293 b" in text:
        return "E", "VATEX-FR-FRANCHISE"
    return "E", ""


@dataclass
class TaxGroup:
    """The figures of one (category, rate) of an invoice, as EN 16931 breaks them down (BG-23)."""

    category: str
    rate: Decimal
    reason_code: str
    mention: str
    lines_net: Decimal = ZERO
    allowances: list = field(default_factory=list)  # (label, pct, basis, amount, reason_code)
    charge: Decimal = ZERO
    base: Decimal = ZERO
    tax: Decimal = ZERO


def _tax_groups(document: SalesDocument, lines) -> list[TaxGroup]:
    """Split the stored foot by VAT category and rate. Reductions and escompte are per rate in core.totals, so
    running it on each group's lines gives the group's allowances; the shipping share is what remains of the
    stored base once they are taken off."""
    groups: dict[tuple[str, Decimal], TaxGroup] = {}
    members: dict[tuple[str, Decimal], list] = {}
    for line in lines:
        code, reason = vat_category(line.vat_rate, line.vat_mention)
        key = (code, line.vat_rate)
        groups.setdefault(key, TaxGroup(code, line.vat_rate, reason, line.vat_mention))
        members.setdefault(key, []).append(line)
    rows = {row.rate: row for row in document.tax_rows.all()}
    by_rate: dict[Decimal, list[TaxGroup]] = {}
    for key, group in groups.items():
        part = document_totals(
            lines=[LineIn(x.quantity, x.unit_price, x.vat_rate, x.discount_pct) for x in members[key]],
            reductions=[Reduction(r.get("label") or "Remise", Decimal(str(r.get("pct") or 0)))
                        for r in document.reductions or []],
            cash_discount_pct=document.cash_discount_pct, allow_negative=True)
        group.lines_net = part.lines_total
        running = part.lines_total
        for step in part.reductions:
            group.allowances.append((step.label, step.pct, running, step.amount, "95"))
            running = step.result
        if part.cash_discount:
            group.allowances.append(("Escompte", part.cash_discount.pct, running, part.cash_discount.amount, ""))
        group.base = part.financial_net
        by_rate.setdefault(group.rate, []).append(group)
    for rate, rate_groups in by_rate.items():
        row = rows.get(rate)
        if row is None:
            raise BusinessError("tax_rows_missing", f"Le récapitulatif de TVA au taux de {_pct(rate)} % manque : "
                                "revalidez les totaux du document.")
        largest = max(rate_groups, key=lambda g: g.base)
        largest.charge = row.base - sum((g.base for g in rate_groups), ZERO)
        largest.base += largest.charge
        largest.tax = row.tax
    if set(rows) - set(by_rate):
        raise BusinessError("tax_rows_mismatch", "Le récapitulatif de TVA ne correspond pas aux lignes du document.")
    return sorted(groups.values(), key=lambda g: (-g.rate, g.category))


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _decimal(value: Decimal, places: int = 4) -> str:
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _date(value) -> str:
    return value.strftime("%Y%m%d")


def _address_parts(text: str, *, name: str = "", country: str = "FR") -> dict:
    """A snapshot address ("5 avenue Foch\\n75008 Paris") split into EN 16931 fields."""
    rows = [row.strip() for row in (text or "").splitlines() if row.strip()]
    if rows and name and rows[0] == name.strip():
        rows = rows[1:]
    postcode = city = ""
    if rows:
        match = POSTCODE_CITY.match(rows[-1])
        if match:
            postcode, city = match["postcode"], match["city"]
            rows = rows[:-1]
        elif len(rows) > 1:
            city = rows.pop()
    return {"postcode": postcode, "lines": rows[:2] + ([", ".join(rows[2:])] if len(rows) > 2 else []),
            "city": city, "country": (country or "FR").upper()}


class _Builder:
    """A few helpers over lxml to write CII in the XSD's element order."""

    @staticmethod
    def el(parent, tag: str, text=None, **attrs):
        prefix, _, local = tag.partition(":")
        node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{local}", {k: v for k, v in attrs.items() if v})
        if text is not None:
            node.text = str(text)
        return node

    def date(self, parent, tag: str, value, *, qualified: bool = False):
        node = self.el(parent, tag)
        self.el(node, "qdt:DateTimeString" if qualified else "udt:DateTimeString", _date(value), format="102")
        return node

    def address(self, parent, parts: dict):
        node = self.el(parent, "ram:PostalTradeAddress")
        if parts["postcode"]:
            self.el(node, "ram:PostcodeCode", parts["postcode"])
        for tag, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), parts["lines"], strict=False):
            self.el(node, tag, text)
        if parts["city"]:
            self.el(node, "ram:CityName", parts["city"])
        self.el(node, "ram:CountryID", parts["country"])
        return node

    def party(self, parent, tag: str, *, name: str, description: str = "", siren: str = "", address: dict,
              vat_number: str = ""):
        node = self.el(parent, tag)
        self.el(node, "ram:Name", name)
        if description:
            self.el(node, "ram:Description", description)
        if siren:
            legal = self.el(node, "ram:SpecifiedLegalOrganization")
            self.el(legal, "ram:ID", siren, schemeID="0002")
        self.address(node, address)
        if siren:
            uri = self.el(node, "ram:URIUniversalCommunication")
            self.el(uri, "ram:URIID", siren, schemeID="0225")
        if vat_number:
            registration = self.el(node, "ram:SpecifiedTaxRegistration")
            self.el(registration, "ram:ID", vat_number, schemeID="VA")
        return node

    def trade_tax(self, parent, group: TaxGroup, *, header: bool, due_date_type: str = ""):
        node = self.el(parent, "ram:ApplicableTradeTax")
        if header:
            self.el(node, "ram:CalculatedAmount", _amount(group.tax))
        self.el(node, "ram:TypeCode", "VAT")
        if header and group.category != "S":
            self.el(node, "ram:ExemptionReason", group.mention or "Exonération de TVA")
        if header:
            self.el(node, "ram:BasisAmount", _amount(group.base))
        self.el(node, "ram:CategoryCode", group.category)
        if header and group.reason_code:
            self.el(node, "ram:ExemptionReasonCode", group.reason_code)
        if header and due_date_type:
            self.el(node, "ram:DueDateTypeCode", due_date_type)
        self.el(node, "ram:RateApplicablePercent", _amount(group.rate))
        return node

    def allowance(self, parent, *, charge: bool, amount: Decimal, pct: Decimal | None = None,
                  basis: Decimal | None = None, reason_code: str = "", reason: str = "", group: TaxGroup | None):
        node = self.el(parent, "ram:SpecifiedTradeAllowanceCharge")
        indicator = self.el(node, "ram:ChargeIndicator")
        self.el(indicator, "udt:Indicator", "true" if charge else "false")
        if pct is not None:
            self.el(node, "ram:CalculationPercent", _amount(pct))
        if basis is not None:
            self.el(node, "ram:BasisAmount", _amount(basis))
        self.el(node, "ram:ActualAmount", _amount(amount))
        if reason_code:
            self.el(node, "ram:ReasonCode", reason_code)
        if reason:
            self.el(node, "ram:Reason", reason)
        if group is not None:
            tax = self.el(node, "ram:CategoryTradeTax")
            self.el(tax, "ram:TypeCode", "VAT")
            self.el(tax, "ram:CategoryCode", group.category)
            self.el(tax, "ram:RateApplicablePercent", _amount(group.rate))
        return node


def _invoice_type_code(document: SalesDocument) -> str:
    if document.kind == DocumentKind.CREDIT_NOTE:
        return "381"
    return "386" if document.is_deposit else "380"


def _check_exportable(document: SalesDocument) -> None:
    if document.kind not in INVOICE_KINDS:
        raise BusinessError("not_an_invoice", "Seules les factures et les avoirs ont une version Factur-X.")
    if not document.number or document.state == DocumentState.DRAFT:
        raise BusinessError("not_validated", f"{document_title(document)} en brouillon : validez-la d'abord "
                            "(elle n'a pas encore de numéro).")


def _seller_description(organisation) -> str:
    parts = []
    if organisation.legal_form:
        capital = (f" au capital de {organisation.share_capital:.2f} EUR" if organisation.share_capital else "")
        parts.append(f"{organisation.legal_form}{capital}")
    if organisation.rcs_city and organisation.siren:
        parts.append(f"RCS {organisation.rcs_city} {organisation.siren}")
    return " - ".join(parts)


def invoice_facturx_xml(invoice: SalesDocument) -> bytes:
    """The EN 16931 (Factur-X profile EN16931) CII XML of a validated invoice or credit note."""
    _check_exportable(invoice)
    organisation = invoice.organisation
    settings = sales_settings(organisation)
    party = invoice.party
    lines = _lines(invoice)
    if not lines:
        raise BusinessError("no_lines", "Une facture électronique doit avoir au moins une ligne.")
    groups = _tax_groups(invoice, lines)
    b = _Builder()
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = b.el(root, "rsm:ExchangedDocumentContext")
    b.el(b.el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
         BUSINESS_PROCESS[invoice.operation_category])  # BT-23
    b.el(b.el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE_EN16931)

    header = b.el(root, "rsm:ExchangedDocument")
    b.el(header, "ram:ID", invoice.number)  # BT-1
    b.el(header, "ram:TypeCode", _invoice_type_code(invoice))  # BT-3
    b.date(header, "ram:IssueDateTime", invoice.date)  # BT-2
    notes = []
    if invoice.kind == DocumentKind.CREDIT_NOTE and (invoice.credit_reason or invoice.credit_kind):
        reason = ", ".join(filter(None, [invoice.get_credit_kind_display(), invoice.credit_reason]))
        notes.append((f"Motif de l'avoir : {reason}", "ACD"))
    if invoice.notes:
        notes.append((invoice.notes, "AAI"))
    notes.append((f"Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
                  f"{settings.fixed_recovery_fee:.2f} EUR (art. L441-10 et D441-5 du code de commerce).", "PMT"))
    notes.append((f"Pénalités de retard : {_pct(settings.late_interest_rate)} % l'an, exigibles dès le lendemain "
                  "de la date d'échéance.", "PMD"))
    notes.append((f"Escompte de {_pct(invoice.cash_discount_pct)} % pour paiement anticipé, déjà déduit."
                  if invoice.cash_discount_pct else
                  (settings.cash_discount_terms or "Pas d'escompte pour paiement anticipé."), "AAB"))
    if invoice.vat_on_debits or settings.vat_on_debits:
        notes.append(("Option pour le paiement de la taxe d'après les débits.", "TXD"))
    for content, code in notes:
        note = b.el(header, "ram:IncludedNote")
        b.el(note, "ram:Content", content)
        b.el(note, "ram:SubjectCode", code)

    transaction_node = b.el(root, "rsm:SupplyChainTradeTransaction")
    group_of = {}
    for group in groups:
        group_of[(group.category, group.rate)] = group
    for line in lines:
        category, _ = vat_category(line.vat_rate, line.vat_mention)
        group = group_of[(category, line.vat_rate)]
        gross = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
        item = b.el(transaction_node, "ram:IncludedSupplyChainTradeLineItem")
        b.el(b.el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.line_no))
        product = b.el(item, "ram:SpecifiedTradeProduct")
        if line.product_id:
            b.el(product, "ram:SellerAssignedID", line.product.reference)
        b.el(product, "ram:Name", line.description)
        agreement = b.el(item, "ram:SpecifiedLineTradeAgreement")
        b.el(b.el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _decimal(line.unit_price))
        b.el(b.el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", _decimal(line.quantity),
             unitCode=UNIT_CODES.get(line.unit.strip().lower(), "C62"))
        settlement = b.el(item, "ram:SpecifiedLineTradeSettlement")
        b.trade_tax(settlement, group, header=False)
        if line.discount_pct:
            b.allowance(settlement, charge=False, pct=line.discount_pct, basis=gross, amount=gross - line.net_amount,
                        reason_code="95", reason="Remise", group=None)
        summation = b.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        b.el(summation, "ram:LineTotalAmount", _amount(line.net_amount))  # BT-131

    agreement = b.el(transaction_node, "ram:ApplicableHeaderTradeAgreement")
    seller_address = {"postcode": organisation.postal_code,
                      "lines": [x for x in (organisation.address_line1, organisation.address_line2) if x],
                      "city": organisation.city, "country": organisation.country or "FR"}
    b.party(agreement, "ram:SellerTradeParty", name=organisation.legal_name,
            description=_seller_description(organisation), siren=organisation.siren, address=seller_address,
            vat_number=vat_number_display(organisation.vat_number))
    buyer_address = _address_parts(invoice.customer_address, name=invoice.customer_name, country=party.country)
    if not invoice.customer_address.strip():
        buyer_address = {"postcode": party.postal_code, "lines": [party.address_line1] if party.address_line1 else [],
                         "city": party.city, "country": party.country or "FR"}
    b.party(agreement, "ram:BuyerTradeParty", name=invoice.customer_name or party.name,
            siren=invoice.customer_siren, address=buyer_address,
            vat_number=vat_number_display(invoice.customer_vat_number))
    if invoice.customer_reference:
        b.el(b.el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
             invoice.customer_reference)  # BT-13

    delivery = b.el(transaction_node, "ram:ApplicableHeaderTradeDelivery")
    if invoice.delivery_address.strip():
        ship_to = b.el(delivery, "ram:ShipToTradeParty")
        parts = _address_parts(invoice.delivery_address, country=party.delivery_country or party.country)
        name = invoice.delivery_address.strip().splitlines()[0].strip()
        if parts["lines"] and parts["lines"][0] == name and len(parts["lines"]) > 1:
            parts["lines"] = parts["lines"][1:]
            b.el(ship_to, "ram:Name", name)
        b.address(ship_to, parts)
    event = b.el(delivery, "ram:ActualDeliverySupplyChainEvent")
    b.date(event, "ram:OccurrenceDateTime", invoice.delivery_date or invoice.date)  # BT-72

    settlement = b.el(transaction_node, "ram:ApplicableHeaderTradeSettlement")
    b.el(settlement, "ram:PaymentReference", invoice.number)  # BT-83
    b.el(settlement, "ram:InvoiceCurrencyCode", organisation.currency or "EUR")  # BT-5
    services_on_receipts = (invoice.operation_category == OperationCategory.SERVICES
                            and not (invoice.vat_on_debits or settings.vat_on_debits))
    due_date_type = "72" if services_on_receipts else ("5" if invoice.vat_on_debits or settings.vat_on_debits
                                                       else "")
    for group in groups:
        b.trade_tax(settlement, group, header=True, due_date_type=due_date_type)  # BG-23
    allowance_total = charge_total = ZERO
    for group in groups:
        for label, pct, basis, amount, code in group.allowances:
            if amount:
                b.allowance(settlement, charge=False, pct=pct, basis=basis, amount=amount, reason_code=code,
                            reason=label, group=group)
                allowance_total += amount
    for group in groups:
        if group.charge:
            b.allowance(settlement, charge=True, amount=group.charge, reason_code="FC", reason="Frais de port",
                        group=group)
            charge_total += group.charge
    terms = b.el(settlement, "ram:SpecifiedTradePaymentTerms")
    description = invoice.payment_term.label if invoice.payment_term_id else ""
    b.el(terms, "ram:Description", description or "Paiement à l'échéance indiquée.")
    if invoice.due_date:
        b.date(terms, "ram:DueDateDateTime", invoice.due_date)  # BT-9
    lines_total = sum((line.net_amount for line in lines), ZERO)
    summation = b.el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.el(summation, "ram:LineTotalAmount", _amount(lines_total))  # BT-106
    b.el(summation, "ram:ChargeTotalAmount", _amount(charge_total))  # BT-108
    b.el(summation, "ram:AllowanceTotalAmount", _amount(allowance_total))  # BT-107
    b.el(summation, "ram:TaxBasisTotalAmount", _amount(invoice.untaxed_total))  # BT-109
    b.el(summation, "ram:TaxTotalAmount", _amount(invoice.tax_total), currencyID=organisation.currency or "EUR")
    b.el(summation, "ram:GrandTotalAmount", _amount(invoice.total))  # BT-112
    if invoice.deposit_deducted:
        b.el(summation, "ram:TotalPrepaidAmount", _amount(invoice.deposit_deducted))  # BT-113
    b.el(summation, "ram:DuePayableAmount", _amount(invoice.net_to_pay))  # BT-115
    if invoice.credited_invoice_id:
        reference = b.el(settlement, "ram:InvoiceReferencedDocument")  # BT-25 / BT-26
        b.el(reference, "ram:IssuerAssignedID", invoice.credited_invoice.number)
        b.date(reference, "ram:FormattedIssueDateTime", invoice.credited_invoice.date, qualified=True)

    if lines_total - allowance_total + charge_total != invoice.untaxed_total:
        raise BusinessError("totals_mismatch", "Les totaux enregistrés du document ne correspondent pas à ses lignes.")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def invoice_facturx_pdf(invoice: SalesDocument) -> bytes:
    """The invoice as a Factur-X PDF/A-3: the printed PDF with its CII XML embedded (checked against the XSD)."""
    from facturx import generate_from_binary

    xml = invoice_facturx_xml(invoice)
    pdf = document_pdf(invoice, pdf_variant="pdf/a-3b")
    organisation = invoice.organisation
    title = f"{organisation.legal_name} : {document_title(invoice)} {invoice.number}"
    metadata = {"author": organisation.legal_name, "keywords": "Factur-X, facture", "title": title,
                "subject": f"{document_title(invoice)} {invoice.number} du {invoice.date:%d/%m/%Y} "
                           f"émise par {organisation.legal_name}"}
    return generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True,
                                pdf_metadata=metadata, lang="fr-FR")


# --- sending ---------------------------------------------------------------------------------------------------

def document_attachment(document: SalesDocument) -> tuple[str, bytes, str]:
    """The file sent with a document: the Factur-X PDF for invoices and credit notes, the plain PDF otherwise."""
    content = invoice_facturx_pdf(document) if document.kind in INVOICE_KINDS else document_pdf(document)
    return document_filename(document), content, PDF_TYPE


def document_mail(document: SalesDocument, *, message: str | None = None) -> tuple[str, str]:
    """The French subject and body of the e-mail carrying `document`."""
    context = {**document_context(document), "message": (message or "").strip()}
    subject = " ".join(render_to_string("sales/output/mail_subject.txt", context).split())
    body = render_to_string("sales/output/mail_body.txt", context).strip() + "\n"
    return subject, body


def document_send(*, actor, document: SalesDocument, to: str | None = None,
                  message: str | None = None) -> OutgoingMail:
    """E-mail `document` to its customer (or to `to`) with its PDF; logged on the document and the party.

    A failed sending is logged (with the server's reason) and then refused with a French message.
    """
    if document.kind in INVOICE_KINDS:
        _check_exportable(document)
    if document.state == DocumentState.CANCELLED:
        raise BusinessError("cancelled", "Ce document est annulé : il ne peut plus être envoyé.")
    to = (to or "").strip() or document.party.email
    if not to:
        raise BusinessError("email_missing", "Le client n'a pas d'adresse e-mail : indiquez le destinataire.",
                            field="to")
    subject, body = document_mail(document, message=message)
    attachment = document_attachment(document)
    log = mail_send(actor=actor, organisation=document.organisation, obj=document, party_id=document.party_id,
                    to=to, subject=subject, body=body, attachments=[attachment])
    if log.sent_at is None:
        raise BusinessError("mail_failed", f"L'e-mail n'a pas été envoyé. {log.error}", field="to")
    if document.kind in SENT_AT_KINDS:
        with transaction.atomic():
            before = {"sent_at": document.sent_at}
            if document.kind == DocumentKind.QUOTE and document.state == DocumentState.DRAFT:
                from .documents import quote_send  # a draft quote e-mailed to the customer is a sent quote

                document.state = quote_send(actor=actor, quote=document).state
            SalesDocument.objects.filter(pk=document.pk, organisation=document.organisation).update(
                sent_at=log.sent_at)
            document.sent_at = log.sent_at
            audit_record(organisation=document.organisation, actor=actor, action="sales_document.send",
                         obj=document, before=before, after={"sent_at": log.sent_at, "to": log.to})
    return log
