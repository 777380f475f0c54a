"""Importing received e-invoices as draft supplier invoices: the Factur-X round trip between two organisations,
the CII and UBL fixtures (figures worked by hand in the files' header comments), supplier/order/product matching,
and every refusal writing nothing (rows counted before and after)."""

from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.parties.models import Party
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseLine, PurchaseTax
from agora.purchasing.services.einvoice import einvoice_import
from agora.purchasing.tests.builders import (
    line,
    make_order,
    make_purchase_products,
    make_purchasing_books,
    make_supplier,
)
from agora.purchasing.tests.einvoice_files import blank_pdf, cii, facturx_pdf, ubl, ubl_credit_note

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, buyer = make_purchasing_books()
    return organisation, buyer


def counts() -> tuple[int, ...]:
    return (PurchaseDocument.objects.count(), PurchaseLine.objects.count(), PurchaseTax.objects.count(),
            Party.objects.count(), AuditEvent.objects.count())


def refused(organisation, buyer, content: bytes, filename: str = "facture.xml") -> BusinessError:
    before = counts()
    with pytest.raises(BusinessError) as error:
        einvoice_import(actor=buyer, organisation=organisation, filename=filename, content=content)
    assert counts() == before, "a refused file must write nothing"
    assert error.value.field == "file"
    return error.value


def test_cii_invoice_matches_supplier_order_and_products(books):
    organisation, buyer = books
    supplier = make_supplier(organisation)
    paper, _desk = make_purchase_products(organisation)
    order = make_order(organisation, buyer, supplier, [line(paper, 100, "4.50")])
    assert order.number == "CF-2026-00001"

    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="PR-2026-0412.xml", content=cii())

    assert (invoice.kind, invoice.status, invoice.party, invoice.source) == (
        PurchaseKind.INVOICE, "draft", supplier, order)
    assert (invoice.supplier_reference, invoice.order_reference, str(invoice.issue_date), str(invoice.due_date)) == (
        "PR-2026-0412", "CF-2026-00001", "2026-03-15", "2026-04-14")
    assert (invoice.source_format, invoice.einvoice_xml) == ("cii", cii().decode("utf-8"))
    assert invoice.source_file.name.startswith("purchasing/") and invoice.source_file.name.endswith(".xml")
    assert invoice.source_file.read() == cii()
    rows = list(invoice.lines.order_by("position"))
    assert [(x.product, x.label, x.quantity, x.unit_price, x.discount_pct, x.vat_rate, x.account, x.net_amount)
            for x in rows] == [
        (paper, "Ramette papier A4 80 g", D("100"), D("4.50"), D("0"), D("20"), "607", D("450.00")),
        (None, "Classeur à levier dos 75 mm", D("24"), D("3.25"), D("10"), D("20"), "607", D("70.20")),
        (None, "Livre « Tenir sa comptabilité »", D("2"), D("18.90"), D("0"), D("5.5"), "607", D("37.80"))]
    assert rows[0].order_line == order.lines.get()
    assert (rows[1].order_line, rows[2].order_line) == (None, None)
    # Shipping 12.00 split by core.totals as on the invoice: 11.19 (20 %) and 0.81 (5.5 %).
    assert invoice.shipping == D("12.00")
    assert [(t.rate, t.base, t.tax) for t in invoice.tax_rows.order_by("-rate")] == [
        (D("20"), D("531.39"), D("106.28")), (D("5.5"), D("38.61"), D("2.12"))]
    assert (invoice.total_untaxed, invoice.total_vat, invoice.total_incl_tax, invoice.net_to_pay) == (
        D("570.00"), D("108.40"), D("678.40"), D("678.40"))
    event = AuditEvent.objects.get(action="purchasing.einvoice.import")
    assert event.after["supplier"] == "F001" and event.after["supplier_created"] is False
    assert event.after["format"] == "cii" and event.after["source"] == order.pk


def test_facturx_pdf_is_kept_as_the_source_file(books):
    organisation, buyer = books
    make_supplier(organisation)
    pdf = facturx_pdf(cii())
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="../../facture papeterie",
                              content=pdf)
    assert invoice.source_format == "facturx"
    assert invoice.source_file.name.endswith(".pdf") and ".." not in invoice.source_file.name
    assert invoice.source_file.read() == pdf
    assert invoice.total_incl_tax == D("678.40")
    assert invoice.source is None  # the order it quotes does not exist here


def test_ubl_invoice_from_an_unknown_supplier_creates_it(books):
    organisation, buyer = books
    make_supplier(organisation)  # F001 is taken

    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="CCG-0057.xml", content=ubl())

    supplier = invoice.party
    assert (supplier.code, supplier.name, supplier.siren, supplier.siret, supplier.vat_number, supplier.email,
            supplier.address_line1, supplier.postal_code, supplier.city, supplier.is_supplier) == (
        "F002", "Cabinet Conseil Gestion SAS", "801234568", "80123456800013", "FR66801234568",
        "facturation@ccg.example", "21 cours Vitton", "69006", "Lyon", True)
    assert AuditEvent.objects.filter(action="party.create", object_id=str(supplier.pk)).exists()
    assert AuditEvent.objects.get(action="purchasing.einvoice.import").after["supplier_created"] is True
    # 2.5 h × 120 = 300.00 and 45.00; remise 5 % = 17.25; 327.75 + VAT 65.55 = 393.30.
    assert [(x.label, x.quantity, x.unit, x.unit_price, x.account, x.net_amount)
            for x in invoice.lines.order_by("position")] == [
        ("Audit des comptes fournisseurs", D("2.5"), "h", D("120"), "607", D("300.00")),
        ("Frais de dossier", D("1"), "u", D("45"), "607", D("45.00"))]
    assert invoice.reductions == [{"label": "Remise fidélité", "pct": "5.00"}]
    assert (invoice.total_untaxed, invoice.total_vat, invoice.total_incl_tax) == (D("327.75"), D("65.55"),
                                                                                  D("393.30"))
    assert invoice.source_format == "ubl"


def test_known_customer_becomes_a_supplier(books):
    organisation, buyer = books
    customer = make_supplier(organisation, code="C001", name="Cabinet Conseil Gestion SAS", siren="801234568",
                             vat_number="", is_supplier=False, is_customer=True)
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=ubl())
    customer.refresh_from_db()
    assert invoice.party == customer and customer.is_supplier and customer.is_customer


def test_supplier_found_by_vat_number(books):
    organisation, buyer = books
    supplier = make_supplier(organisation, siren="", vat_number="FR66801234568", name="CCG")
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml",
                              content=ubl(legal=("<cbc:CompanyID schemeID=\"0002\">801234568</cbc:CompanyID>", ""),
                                          endpoint=("<cbc:EndpointID schemeID=\"0009\">80123456800013</cbc:"
                                                    "EndpointID>", "")))
    assert invoice.party == supplier


def test_service_provider_lines_go_to_604(books):
    organisation, buyer = books
    make_supplier(organisation, code="F010", name="CCG", siren="801234568", vat_number="", is_supplier=False,
                  is_service_provider=True)
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=ubl())
    assert {x.account for x in invoice.lines.all()} == {"604"}


def test_ubl_credit_note_becomes_a_supplier_credit_note_of_the_invoice(books):
    organisation, buyer = books
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=ubl())
    content = ubl_credit_note(
        number=("<cbc:ID>CCG-0057</cbc:ID>", "<cbc:ID>CCG-A-003</cbc:ID>"),
        billing=("  <cac:AccountingSupplierParty>", "  <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>"
                 "CCG-0057</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>\n"
                 "  <cac:AccountingSupplierParty>"))
    credit_note = einvoice_import(actor=buyer, organisation=organisation, filename="avoir.xml", content=content)
    assert (credit_note.kind, credit_note.source, credit_note.party) == (PurchaseKind.CREDIT_NOTE, invoice,
                                                                         invoice.party)
    assert credit_note.total_incl_tax == D("393.30")


# --- refusals: a clear French message, nothing written -------------------------------------------------------

def test_duplicate_is_refused(books):
    organisation, buyer = books
    supplier = make_supplier(organisation)
    first = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=cii())
    error = refused(organisation, buyer, facturx_pdf(cii()), "f.pdf")
    assert error.code == "duplicate_supplier_reference"
    assert error.message == (f"Déjà importée : la facture n° PR-2026-0412 de « {supplier.name} » est déjà "
                             f"enregistrée ({first}).")


def test_invoice_addressed_to_someone_else_is_refused(books):
    organisation, buyer = books
    content = cii(buyer=('<ram:ID schemeID="0002">732829320</ram:ID>', '<ram:ID schemeID="0002">412345670</ram:ID>'),
                  name=("<ram:Name>Durand SARL</ram:Name>", "<ram:Name>Dupont et Fils SA</ram:Name>"))
    error = refused(organisation, buyer, content)
    assert (error.code, error.message) == (
        "einvoice_wrong_buyer", "Cette facture est adressée à Dupont et Fils SA (SIREN 412345670), pas à "
        "Durand SARL (SIREN 732829320).")


def test_buyer_identified_by_vat_number_only_is_accepted(books):
    organisation, buyer = books
    organisation.siren, organisation.siret, organisation.vat_number = "", "", "FR44732829320"
    organisation.save()
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=ubl())
    assert invoice.total_incl_tax == D("393.30")


@pytest.mark.parametrize(("content", "code", "start"), [
    (lambda: cii(grand=("<ram:GrandTotalAmount>678.40", "<ram:GrandTotalAmount>688.40")), "einvoice_total_mismatch",
     "Total incohérent : ram:GrandTotalAmount (ligne "),
    (blank_pdf, "einvoice_no_xml", "Ce PDF ne contient pas de facture électronique Factur-X (aucun XML embarqué)."),
    (lambda: bytes(range(256)), "einvoice_unknown_format", "Format non reconnu : "),
    (lambda: b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "einvoice_unknown_format",
     "Format non reconnu : ce XML est un document « rss »"),
    (lambda: cii()[:2500], "einvoice_malformed", "Le fichier XML est mal formé, tronqué ou illisible (ligne "),
    (lambda: cii(due=("<ram:DuePayableAmount>678.40", "<ram:DuePayableAmount>-")), "einvoice_xsd",
     "Facture non conforme au schéma CII Factur-X (profil EN 16931). Champ en erreur : ram:DuePayableAmount"),
    (lambda: ubl(currency=("<cbc:DocumentCurrencyCode>EUR", "<cbc:DocumentCurrencyCode>USD")), "einvoice_currency",
     "Facture en USD : seules les factures en EUR sont importées."),
])
def test_bad_files_are_refused_and_write_nothing(books, content, code, start):
    organisation, buyer = books
    make_supplier(organisation)
    error = refused(organisation, buyer, content())
    assert error.code == code
    assert error.message.startswith(start)


def test_unknown_vat_rate_is_refused(books):
    organisation, buyer = books
    # 300.00 + 45.00 at 8.5 % (a DOM rate the catalogue lacks): remise 17.25 → 327.75, VAT 27.86, 355.61.
    content = ubl(**{f"rate{n}": ("<cbc:Percent>20</cbc:Percent>", "<cbc:Percent>8.5</cbc:Percent>")
                     for n in range(4)},
                  tax1=("<cbc:TaxAmount currencyID=\"EUR\">65.55", "<cbc:TaxAmount currencyID=\"EUR\">27.86"),
                  tax2=("<cbc:TaxAmount currencyID=\"EUR\">65.55", "<cbc:TaxAmount currencyID=\"EUR\">27.86"),
                  incl=("393.30</cbc:TaxInclusiveAmount>", "355.61</cbc:TaxInclusiveAmount>"),
                  payable=("393.30</cbc:PayableAmount>", "355.61</cbc:PayableAmount>"))
    error = refused(organisation, buyer, content)
    assert (error.code, error.message) == (
        "einvoice_unknown_vat", "Ligne 1 : aucune catégorie de TVA au taux de 8,50 % dans le catalogue : créez-la, "
        "puis importez à nouveau la facture.")


def test_fixed_amount_allowance_that_core_totals_cannot_reproduce_is_refused(books):
    organisation, buyer = books
    # A 17.25 allowance with neither percentage nor basis: it cannot be stored as a reduction %.
    content = ubl(pct=("<cbc:MultiplierFactorNumeric>5</cbc:MultiplierFactorNumeric>", ""),
                  base=("<cbc:BaseAmount currencyID=\"EUR\">345.00</cbc:BaseAmount>", ""))
    error = refused(organisation, buyer, content)
    assert error.code == "einvoice_allowances"


def test_vat_rounded_line_by_line_is_refused_rather_than_changed(books):
    organisation, buyer = books
    make_supplier(organisation)
    # The supplier states 106.27 for 531.39 × 20 % (= 106.278): within the cent tolerated by the check of the file,
    # but Agora recomputes 106.28: importing would change the figures, so the import is refused.
    content = cii(vat=("<ram:CalculatedAmount>106.28", "<ram:CalculatedAmount>106.27"),
                  total=("currencyID=\"EUR\">108.40", "currencyID=\"EUR\">108.39"),
                  grand=("<ram:GrandTotalAmount>678.40", "<ram:GrandTotalAmount>678.39"),
                  due=("<ram:DuePayableAmount>678.40", "<ram:DuePayableAmount>678.39"))
    error = refused(organisation, buyer, content)
    assert (error.code, error.message) == (
        "einvoice_totals_differ", "Les totaux recalculés par Agora ne sont pas ceux de la facture (TVA 20,00 % : "
        "base 531,39 et TVA 106,27 sur la facture, 531,39 et 106,28 recalculées ; total TTC 678,39 sur la facture, "
        "678,40 recalculé) : elle n'est pas importée, pour ne pas enregistrer d'autres montants que ceux facturés.")


def test_unidentified_seller_is_refused(books):
    organisation, buyer = books
    content = ubl(legal=("<cbc:CompanyID schemeID=\"0002\">801234568</cbc:CompanyID>", ""),
                  endpoint=("<cbc:EndpointID schemeID=\"0009\">80123456800013</cbc:EndpointID>", ""),
                  vat=("<cbc:CompanyID>FR66801234568</cbc:CompanyID>", ""))
    error = refused(organisation, buyer, content)
    assert (error.code, error.message) == (
        "einvoice_seller_unidentified", "Le vendeur « Cabinet Conseil Gestion SAS » n'est identifié ni par un SIREN "
        "ni par un n° de TVA : créez le fournisseur, puis saisissez la facture.")


def _without_lines(content: bytes) -> bytes:
    text = content.decode("utf-8")
    start = text.index("    <ram:IncludedSupplyChainTradeLineItem>")
    end = text.rindex("</ram:IncludedSupplyChainTradeLineItem>") + len("</ram:IncludedSupplyChainTradeLineItem>\n")
    return (text[:start] + text[end:]).encode("utf-8")


def test_basic_wl_invoice_without_lines_gets_one_line_per_vat_rate(books):
    organisation, buyer = books
    make_supplier(organisation)
    content = _without_lines(cii(profile=("urn:cen.eu:en16931:2017", "urn:factur-x.eu:1p0:basicwl")))
    invoice = einvoice_import(actor=buyer, organisation=organisation, filename="f.xml", content=content)
    # The VAT breakdown of the invoice: 531.39 at 20 % and 38.61 at 5.5 % (shipping included).
    assert [(x.label, x.quantity, x.unit_price, x.vat_rate) for x in invoice.lines.order_by("position")] == [
        ("Facture PR-2026-0412 — base TVA 20,00 %", D("1"), D("531.39"), D("20")),
        ("Facture PR-2026-0412 — base TVA 5,50 %", D("1"), D("38.61"), D("5.5"))]
    assert (invoice.shipping, invoice.total_vat, invoice.total_incl_tax) == (D("0"), D("108.40"), D("678.40"))


def test_basic_wl_invoice_without_vat_breakdown_is_refused_by_its_xsd(books):
    organisation, buyer = books
    text = _without_lines(cii(profile=("urn:cen.eu:en16931:2017", "urn:factur-x.eu:1p0:basicwl"))).decode()
    start, end = text.index("      <ram:ApplicableTradeTax>"), text.index("      <ram:SpecifiedTradeAllowanceCharge>")
    error = refused(organisation, buyer, (text[:start] + text[end:]).encode())
    assert error.code == "einvoice_xsd"
    assert error.message.startswith("Facture non conforme au schéma CII Factur-X (profil BASIC WL). Champ en erreur : "
                                    "ram:SpecifiedTradeAllowanceCharge (ligne ")


def test_organisation_without_siren_nor_vat_number_cannot_check_the_addressee(books):
    organisation, buyer = books
    organisation.siren, organisation.siret, organisation.vat_number = "", "", ""
    organisation.save()
    error = refused(organisation, buyer, ubl())
    assert (error.code, error.message) == (
        "organisation_unidentified", "Renseignez le SIREN de l'organisation (Paramètres) : il sert à vérifier que "
        "les factures reçues vous sont bien adressées.")
