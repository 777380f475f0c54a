"""Two e-invoices received by the demo company, imported as drafts waiting for the assistant: a CII XML from the
IT reseller (office supplies and an installation, quoting the order placed for them) and a Factur-X PDF from the
maintenance subcontractor. They go through `einvoice_import` like a file the assistant drops on the screen.

The XML is written here from a few plain figures (all lines at 20 %, no allowance nor charge), so its totals are
the ones the import recomputes; the PDF is a one-page WeasyPrint rendering of the same invoice with the XML inside.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from lxml import etree

from agora.core.money import format_amount, round_money
from agora.parties.models import Party
from agora.purchasing.models import PurchaseDocument

from .services.einvoice import einvoice_import

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
VAT_RATE = Decimal("20.00")


@dataclass(frozen=True)
class ReceivedLine:
    label: str
    quantity: Decimal
    unit_price: Decimal
    reference: str = ""  # the seller's item reference
    order_line: int | None = None  # the position of the line on our order

    @property
    def total(self) -> Decimal:
        return round_money(self.quantity * self.unit_price)


@dataclass(frozen=True)
class ReceivedInvoice:
    number: str
    issue_date: date
    due_date: date
    seller: Party
    lines: list[ReceivedLine]
    order_reference: str = ""
    note: str = ""

    @property
    def basis(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return round_money(self.basis * VAT_RATE / 100)


def vat_number(siren: str) -> str:
    """The French intra-community VAT number of a SIREN: FR, the key (12 + 3 × (SIREN mod 97)) mod 97, the SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


class _Builder:
    """Namespaced sub-elements in the order the CII schema wants them (callers add them in that order)."""

    @staticmethod
    def el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attributes)
        if text is not None:
            node.text = text
        return node

    def date(self, parent, tag: str, day: date) -> None:
        self.el(self.el(parent, tag), "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")

    def party(self, parent, tag: str, *, name: str, siren: str, vat: str, address: str, postcode: str,
              city: str) -> None:
        node = self.el(parent, tag)
        self.el(node, "ram:Name", name)
        self.el(self.el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", siren, schemeID="0002")
        postal = self.el(node, "ram:PostalTradeAddress")
        self.el(postal, "ram:PostcodeCode", postcode)
        self.el(postal, "ram:LineOne", address)
        self.el(postal, "ram:CityName", city)
        self.el(postal, "ram:CountryID", "FR")
        self.el(self.el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", vat, schemeID="VA")

    def vat(self, parent, *, basis: Decimal | None = None, amount: Decimal | None = None) -> None:
        tax = self.el(parent, "ram:ApplicableTradeTax")
        if amount is not None:
            self.el(tax, "ram:CalculatedAmount", f"{amount:.2f}")
        self.el(tax, "ram:TypeCode", "VAT")
        if basis is not None:
            self.el(tax, "ram:BasisAmount", f"{basis:.2f}")
        self.el(tax, "ram:CategoryCode", "S")
        self.el(tax, "ram:RateApplicablePercent", f"{VAT_RATE:.2f}")


def cii_xml(invoice: ReceivedInvoice, buyer) -> bytes:
    """The invoice in CII (Factur-X profile EN 16931), addressed to `buyer` (the organisation)."""
    b = _Builder()
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = b.el(root, "rsm:ExchangedDocumentContext")
    b.el(b.el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", "urn:cen.eu:en16931:2017")
    document = b.el(root, "rsm:ExchangedDocument")
    b.el(document, "ram:ID", invoice.number)
    b.el(document, "ram:TypeCode", "380")
    b.date(document, "ram:IssueDateTime", invoice.issue_date)
    if invoice.note:
        b.el(b.el(document, "ram:IncludedNote"), "ram:Content", invoice.note)
    transaction = b.el(root, "rsm:SupplyChainTradeTransaction")
    for number, line in enumerate(invoice.lines, start=1):
        item = b.el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        b.el(b.el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
        product = b.el(item, "ram:SpecifiedTradeProduct")
        if line.reference:
            b.el(product, "ram:SellerAssignedID", line.reference)
        b.el(product, "ram:Name", line.label)
        agreement = b.el(item, "ram:SpecifiedLineTradeAgreement")
        if line.order_line is not None:
            b.el(b.el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:LineID", str(line.order_line))
        b.el(b.el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", f"{line.unit_price:.2f}")
        b.el(b.el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", f"{line.quantity}", unitCode="C62")
        settlement = b.el(item, "ram:SpecifiedLineTradeSettlement")
        b.vat(settlement)
        b.el(b.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
             f"{line.total:.2f}")
    agreement = b.el(transaction, "ram:ApplicableHeaderTradeAgreement")
    seller = invoice.seller
    b.party(agreement, "ram:SellerTradeParty", name=seller.name, siren=seller.siren, vat=vat_number(seller.siren),
            address=seller.address_line1, postcode=seller.postal_code, city=seller.city)
    b.party(agreement, "ram:BuyerTradeParty", name=buyer.legal_name, siren=buyer.siren, vat=buyer.vat_number,
            address=buyer.address_line1, postcode=buyer.postal_code, city=buyer.city)
    if invoice.order_reference:
        b.el(b.el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", invoice.order_reference)
    b.el(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = b.el(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    b.vat(settlement, basis=invoice.basis, amount=invoice.vat)
    b.date(b.el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:DueDateDateTime", invoice.due_date)
    summation = b.el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    total = invoice.basis + invoice.vat
    b.el(summation, "ram:LineTotalAmount", f"{invoice.basis:.2f}")
    b.el(summation, "ram:TaxBasisTotalAmount", f"{invoice.basis:.2f}")
    b.el(summation, "ram:TaxTotalAmount", f"{invoice.vat:.2f}", currencyID="EUR")
    b.el(summation, "ram:GrandTotalAmount", f"{total:.2f}")
    b.el(summation, "ram:DuePayableAmount", f"{total:.2f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_pdf(invoice: ReceivedInvoice, buyer) -> bytes:
    """The supplier's printed invoice (one page, WeasyPrint, PDF/A-3) with its CII XML embedded: a Factur-X."""
    from facturx import generate_from_binary
    from weasyprint import HTML

    def money(value: Decimal) -> str:
        return f"{format_amount(value)} €"

    rows = "".join(f"<tr><td>{escape(x.label)}</td><td>{format_amount(x.quantity)}</td>"
                   f"<td>{money(x.unit_price)}</td><td>{money(x.total)}</td></tr>" for x in invoice.lines)
    seller = invoice.seller
    html = f"""<html lang="fr"><head><meta charset="utf-8"><style>
        body {{ font-family: sans-serif; font-size: 10pt; }} table {{ width: 100%; border-collapse: collapse; }}
        td, th {{ border-bottom: 1px solid #ccc; padding: 4px; text-align: right; }}
        td:first-child, th:first-child {{ text-align: left; }}</style></head><body>
        <p><strong>{escape(seller.name)}</strong><br>{escape(seller.address_line1)}<br>{seller.postal_code}
        {escape(seller.city)}<br>SIREN {seller.siren} — TVA {vat_number(seller.siren)}</p>
        <p style="text-align: right">{escape(buyer.legal_name)}<br>{escape(buyer.address_line1)}<br>
        {buyer.postal_code} {escape(buyer.city)}</p>
        <h1>Facture n° {escape(invoice.number)}</h1>
        <p>Du {invoice.issue_date:%d/%m/%Y}, à régler au plus tard le {invoice.due_date:%d/%m/%Y}.</p>
        <table><tr><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th></tr>{rows}
        </table><p style="text-align: right">Total HT {money(invoice.basis)}<br>TVA 20 % {money(invoice.vat)}<br>
        <strong>Total TTC {money(invoice.basis + invoice.vat)}</strong></p><p>{escape(invoice.note)}</p>
        </body></html>"""
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return generate_from_binary(pdf, cii_xml(invoice, buyer), flavor="factur-x", level="en16931", check_xsd=True,
                                lang="fr-FR", pdf_metadata={"author": seller.name, "title": f"Facture {invoice.number}",
                                                            "subject": f"Facture {invoice.number}",
                                                            "keywords": "Factur-X, facture"})


def received_import(*, actor, organisation, invoice: ReceivedInvoice, as_pdf: bool) -> PurchaseDocument | None:
    """Import one received invoice (Factur-X PDF or CII XML) as a draft; None if it is already there."""
    if PurchaseDocument.objects.filter(organisation=organisation, party=invoice.seller,
                                       supplier_reference=invoice.number).exists():
        return None
    if as_pdf:
        filename, content = f"{invoice.number}.pdf", facturx_pdf(invoice, organisation)
    else:
        filename, content = f"{invoice.number}.xml", cii_xml(invoice, organisation)
    return einvoice_import(actor=actor, organisation=organisation, filename=filename, content=content)
