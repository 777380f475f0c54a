"""Reading received e-invoices (no database): format detection by content, XSD validation naming the field in
error, CII and UBL parsing into IncomingInvoice, and the arithmetic checks. Figures are those worked by hand in
the fixture files' header comments."""

from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.purchasing.einvoice import einvoice_read
from agora.purchasing.einvoice.incoming import IncomingLine
from agora.purchasing.einvoice.mapping import line_figures
from agora.purchasing.tests.einvoice_files import blank_pdf, cii, facturx_pdf, line_of, ubl, ubl_credit_note

D = Decimal


def refused(content: bytes) -> BusinessError:
    with pytest.raises(BusinessError) as error:
        einvoice_read(content)
    assert error.value.field == "file"
    return error.value


def test_cii_invoice_is_read_with_its_figures():
    received, invoice = einvoice_read(cii())
    assert (received.format, received.syntax, received.pdf) == ("cii", "cii", None)
    assert (invoice.number, invoice.type_code, str(invoice.issue_date), str(invoice.due_date)) == (
        "PR-2026-0412", "380", "2026-03-15", "2026-04-14")
    assert invoice.profile == "en16931" and not invoice.is_credit_note
    assert (invoice.seller.name, invoice.seller.siren, invoice.seller.siret, invoice.seller.vat_compact) == (
        "Papeterie Rhône SARL", "552100554", "55210055400013", "FR96552100554")
    assert (invoice.buyer.siren, invoice.order_reference) == ("732829320", "CF-2026-00001")
    assert [(x.seller_item_id, x.buyer_item_id, x.quantity, x.net_price, x.discount_pct, x.line_total, x.vat_rate)
            for x in invoice.lines] == [
        ("PR-A4-80", "RAMETTE", D("100"), D("4.50"), D("0.00"), D("450.00"), D("20.00")),
        ("PR-CL-75", "", D("24"), D("3.25"), D("10.00"), D("70.20"), D("20.00")),
        ("", "", D("2"), D("18.90"), D("0.00"), D("37.80"), D("5.50"))]
    assert [(a.charge, a.amount, a.vat_rate) for a in invoice.allowances] == [
        (True, D("11.19"), D("20.00")), (True, D("0.81"), D("5.50"))]
    assert [(t.rate, t.basis, t.amount) for t in invoice.taxes] == [
        (D("20.00"), D("531.39"), D("106.28")), (D("5.50"), D("38.61"), D("2.12"))]
    assert (invoice.line_total, invoice.charge_total, invoice.tax_basis_total, invoice.tax_total,
            invoice.grand_total, invoice.due_payable) == (D("558.00"), D("12.00"), D("570.00"), D("108.40"),
                                                          D("678.40"), D("678.40"))


def test_ubl_invoice_is_read_with_its_figures():
    received, invoice = einvoice_read(ubl())
    assert (received.format, received.syntax) == ("ubl", "ubl")
    assert (invoice.number, invoice.type_code, str(invoice.issue_date), str(invoice.due_date)) == (
        "CCG-0057", "380", "2026-03-20", "2026-04-19")
    seller = invoice.seller
    assert (seller.name, seller.siren, seller.siret, seller.vat_compact, seller.email, seller.city) == (
        "Cabinet Conseil Gestion SAS", "801234568", "80123456800013", "FR66801234568", "facturation@ccg.example",
        "Lyon")
    assert (invoice.buyer.siren, invoice.buyer.vat_compact) == ("732829320", "FR44732829320")
    assert [(x.quantity, x.unit_code, x.net_price, x.line_total) for x in invoice.lines] == [
        (D("2.5"), "HUR", D("120.00"), D("300.00")), (D("1"), "C62", D("45.00"), D("45.00"))]
    assert [(a.charge, a.reason, a.pct, a.amount) for a in invoice.allowances] == [
        (False, "Remise fidélité", D("5"), D("17.25"))]
    assert (invoice.tax_basis_total, invoice.tax_total, invoice.grand_total, invoice.due_payable) == (
        D("327.75"), D("65.55"), D("393.30"), D("393.30"))


def test_ubl_credit_note_is_recognised():
    content = ubl_credit_note()
    _received, invoice = einvoice_read(content)
    assert invoice.is_credit_note and invoice.type_code == "381"
    assert [x.quantity for x in invoice.lines] == [D("2.5"), D("1")]


def test_facturx_pdf_gives_its_embedded_cii():
    pdf = facturx_pdf(cii())
    received, invoice = einvoice_read(pdf)
    assert (received.format, received.syntax, received.pdf) == ("facturx", "cii", pdf)
    assert invoice.grand_total == D("678.40")


def test_xsd_error_names_the_field_and_its_line():
    content = cii(due=("<ram:DuePayableAmount>678.40", "<ram:DuePayableAmount>six cents"))
    error = refused(content)
    assert error.code == "einvoice_xsd"
    line = line_of(content, "<ram:DuePayableAmount>")
    assert error.message.startswith("Facture non conforme au schéma CII Factur-X (profil EN 16931). Champ en "
                                    f"erreur : ram:DuePayableAmount (ligne {line}) : valeur « six cents » invalide")


def test_xsd_error_on_a_missing_element_in_ubl():
    content = ubl(issue=("  <cbc:IssueDate>2026-03-20</cbc:IssueDate>\n", ""))
    error = refused(content)
    assert error.code == "einvoice_xsd"
    assert "Facture non conforme au schéma UBL 2.1. Champ en erreur : cbc:DueDate" in error.message
    assert "élément inattendu à cet endroit ; attendu : " in error.message and "IssueDate" in error.message


@pytest.mark.parametrize(("change", "message"), [
    ({"grand": ("<ram:GrandTotalAmount>678.40", "<ram:GrandTotalAmount>687.40")},
     "Total incohérent : ram:GrandTotalAmount (ligne {line}) vaut 687,40 alors que le total HT + la TVA donne "
     "678,40."),
    ({"lines": ("<ram:LineTotalAmount>558.00", "<ram:LineTotalAmount>568.00")},
     "Total incohérent : ram:LineTotalAmount (ligne {line}) vaut 568,00 alors que la somme des lignes donne "
     "558,00."),
    ({"vat": ("<ram:CalculatedAmount>106.28", "<ram:CalculatedAmount>106.30")},
     "Total incohérent : TVA à 20,00 % (ram:CalculatedAmount (ligne {line})) vaut 106,30 alors que la base 531,39 "
     "× 20,00 % donne 106,28."),
])
def test_wrong_totals_are_refused_naming_the_field(change, message):
    content = cii(**change)
    error = refused(content)
    assert error.code == "einvoice_total_mismatch"
    needle = next(iter(change.values()))[1]
    assert error.message == message.format(line=line_of(content, needle))


def test_vat_within_one_cent_per_rate_is_accepted():
    # 531.39 × 20 % = 106.278: a supplier rounding line by line may state 106.27 (0.01 off, tolerated).
    content = cii(vat=("<ram:CalculatedAmount>106.28", "<ram:CalculatedAmount>106.27"),
                  total=("currencyID=\"EUR\">108.40", "currencyID=\"EUR\">108.39"),
                  grand=("<ram:GrandTotalAmount>678.40", "<ram:GrandTotalAmount>678.39"),
                  due=("<ram:DuePayableAmount>678.40", "<ram:DuePayableAmount>678.39"))
    assert einvoice_read(content)[1].tax_total == D("108.39")


@pytest.mark.parametrize(("content", "code", "message"), [
    (b"", "einvoice_empty", "Le fichier est vide."),
    (bytes(range(256)) * 4, "einvoice_unknown_format",
     "Format non reconnu : ni PDF Factur-X, ni XML CII ou UBL (contenu binaire)."),
    (b"Date;Montant\n2026-03-01;12,50\n", "einvoice_unknown_format", "Format non reconnu : ni PDF Factur-X, ni "
     "XML CII ou UBL (le fichier commence par « Date;Montant 2026-03-01;12,50 »)."),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Actualites</title></channel></rss>',
     "einvoice_unknown_format", "Format non reconnu : ce XML est un document « rss », pas une facture électronique "
     "CII (Factur-X) ni UBL 2.1."),
    (b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>',
     "einvoice_unknown_format", "Format non reconnu : ce XML est un document « Order "
     "(urn:oasis:names:specification:ubl:schema:xsd:Order-2) »"),
])
def test_foreign_files_are_refused(content, code, message):
    error = refused(content)
    assert error.code == code
    assert error.message.startswith(message)


def test_truncated_xml_is_refused_with_its_line():
    content = cii()[:3000]
    error = refused(content)
    assert error.code == "einvoice_malformed"
    assert error.message.startswith(f"Le fichier XML est mal formé, tronqué ou illisible (ligne "
                                    f"{content.decode('utf-8', 'ignore').count(chr(10)) + 1}) : ")


def test_pdf_without_embedded_xml_is_refused():
    error = refused(blank_pdf())
    assert (error.code, error.message) == ("einvoice_no_xml", "Ce PDF ne contient pas de facture électronique "
                                           "Factur-X (aucun XML embarqué).")


def test_damaged_pdf_is_refused():
    error = refused(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    assert error.code in ("einvoice_bad_pdf", "einvoice_no_xml")


def test_facturx_pdf_with_an_invalid_xml_names_the_field():
    error = refused(facturx_pdf(cii(due=("<ram:DuePayableAmount>678.40", "<ram:DuePayableAmount>x"))))
    assert error.code == "einvoice_xsd" and "ram:DuePayableAmount" in error.message


def test_entities_are_not_expanded():
    content = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<r>&x;</r>')
    error = refused(content)
    assert error.code == "einvoice_unknown_format"


def _line(quantity, price, total, pct="0", base="1"):
    return IncomingLine(line_id="1", name="Article", quantity=D(quantity), unit_code="C62", net_price=D(price),
                        base_quantity=D(base), line_total=D(total), vat_rate=D(20), vat_category="S",
                        discount_pct=D(pct))


def test_line_figures_keep_the_stated_net():
    # As sent: 24 × 3.25 = 78.00 − 10 % = 70.20.
    figures = line_figures(_line("24", "3.25", "70.20", pct="10"), 1)
    assert (figures.quantity, figures.unit_price, figures.discount_pct) == (D("24"), D("3.25"), D("10"))
    # Price per 100 units: 250 × (12.00 / 100) = 30.00.
    figures = line_figures(_line("250", "12.00", "30.00", base="100"), 1)
    assert (figures.quantity, figures.unit_price) == (D("250"), D("0.12"))
    # A fixed-amount line allowance (−5.00 on 3 × 19.99 = 59.97 → 54.97): unit price 54.97 / 3 = 18.3233 gives
    # 54.97 (3 × 18.3233 = 54.9699 → 54.97).
    figures = line_figures(_line("3", "19.99", "54.97"), 1)
    assert (figures.quantity, figures.unit_price, figures.discount_pct) == (D("3"), D("18.3233"), D("0"))
    # Nothing else fits (1000 × 0.33333 stated 333.33; 333.33 / 1000 = 0.3333 gives 333.30): one unit at the
    # net, the quantity kept in the label.
    figures = line_figures(_line("1000", "0.33333", "333.33"), 1)
    assert (figures.quantity, figures.unit_price, figures.label) == (D("1"), D("333.33"),
                                                                      "Article (1000 u × 0,33333)")
