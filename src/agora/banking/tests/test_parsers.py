"""Parsers on the sample files, figures checked by hand against the files, and refusals naming the line."""

from datetime import date
from decimal import Decimal

import pytest

from agora.banking.parsers import CsvLayout, detect_format, parse_statement
from agora.banking.parsers.cfonb import parse_cfonb
from agora.banking.writers import cfonb_amount
from agora.core.errors import BusinessError

from .builders import CSV_COLUMNS, sample

D = Decimal


def test_ofx_sgml():
    """LEDGERBAL 1 934,50; movements +1 200,00 −15,50 −250,00 = +934,50, so the derived opening is 1 000,00."""
    (statement,) = parse_statement(sample("releve-ofx1.ofx"))
    assert (statement.bank_code, statement.branch_code, statement.account_number) == ("30006", "00001", "12345678901")
    assert statement.matches_iban("FR76 3000 6000 0112 3456 7890 189")
    assert not statement.matches_iban("FR1420041010050500013M02606")
    assert (statement.start_date, statement.end_date) == (date(2026, 1, 1), date(2026, 1, 31))
    assert (statement.opening_balance, statement.closing_balance) == (D("1000.00"), D("1934.50"))
    assert [(line.date, line.amount, line.reference) for line in statement.lines] == [
        (date(2026, 1, 5), D("1200.00"), "202601050001"), (date(2026, 1, 10), D("-15.50"), "202601100001"),
        (date(2026, 1, 20), D("-250.00"), "202601200001")]
    assert statement.lines[0].label == "VIR SEPA DUPONT SARL FACTURE F-2026-0001"


def test_ofx_xml_version_2():
    """2 444,51 − (−89,99 + 600,00) = 1 934,50: February opens where January closed."""
    (statement,) = parse_statement(sample("releve-ofx2.ofx"))
    assert statement.opening_balance == D("1934.50") and statement.closing_balance == D("2444.51")
    assert [line.amount for line in statement.lines] == [D("-89.99"), D("600.00")]


def test_camt_001_02():
    """5 000,00 + 1 500,00 − 320,40 − 12,00 = 6 167,60; the pending (PDNG) entry of 99,00 is left out."""
    (statement,) = parse_statement(sample("camt053-001-02.xml"))
    assert statement.iban == "FR7630006000011234567890189" and statement.reference == "RELEVE-2026-03"
    assert (statement.opening_balance, statement.closing_balance) == (D("5000.00"), D("6167.60"))
    first, second, third = statement.lines
    assert (first.amount, first.reference, first.counterparty_name, first.counterparty_iban, first.value_date) == (
        D("1500.00"), "F-2026-0002", "DUPONT SARL", "FR7630004000031234567890143", date(2026, 3, 5))
    assert first.bank_code == "PMNT-RCDT-ESCT" and first.label == "Facture F-2026-0002"
    assert (second.amount, second.date, second.reference, second.label) == (
        D("-320.40"), date(2026, 3, 12), "20260312-000045", "PRLV EDF CONTRAT 998877")  # NOTPROVIDED → bank ref
    assert (third.amount, third.label, third.bank_code) == (D("-12.00"), "COMMISSION DE TENUE DE COMPTE", "FRAIS")


def test_camt_001_08():
    """Opening PRCD 200,00 DBIT = −200,00 (dated 31/03, so the period starts 01/04); −200 + 1 000 − 45,90 = 754,10;
    the party is read under <Pty> (version .08)."""
    (statement,) = parse_statement(sample("camt053-001-08.xml"))
    assert (statement.start_date, statement.end_date) == (date(2026, 4, 1), date(2026, 4, 30))
    assert (statement.opening_balance, statement.closing_balance) == (D("-200.00"), D("754.10"))
    assert [(line.amount, line.counterparty_name) for line in statement.lines] == [
        (D("1000.00"), "ATELIER MOREAU"), (D("-45.90"), "STATION TOTAL LYON")]


def test_cfonb_120():
    """01: 3 210,45 (…3210 4 then E = +5); 04: +850,00, −1 234,56 ("O" = −6), −7,80 ("}" = −0);
    07: 3 210,45 + 850,00 − 1 234,56 − 7,80 = 2 818,09. The 05 LIB complement extends the label."""
    (statement,) = parse_statement(sample("releve-cfonb120.txt"))
    assert (statement.opening_balance, statement.closing_balance) == (D("3210.45"), D("2818.09"))
    assert [line.amount for line in statement.lines] == [D("850.00"), D("-1234.56"), D("-7.80")]
    assert statement.lines[0].label == "VIR SEPA RECU LEFEBVRE FACTURE F-2026-0031"
    assert statement.lines[0].reference == "F-2026-0031" and statement.lines[1].bank_code == "06"
    assert statement.matches_iban("FR7630006000011234567890189")


def test_cfonb_sign_characters():
    assert cfonb_amount(D("12.30")) == "0000000000123{" and cfonb_amount(D("-0.05")) == "0000000000000N"
    assert cfonb_amount(D("1.01")) == "0000000000010A" and cfonb_amount(D("-1.09")) == "0000000000010R"


def test_cfonb_without_line_breaks_and_bad_decimals():
    """Records may come glued together (cut every 120 characters) or with their trailing blanks stripped; a
    non-digit number of decimals (pos. 20) is refused on its line."""
    records = sample("releve-cfonb120.txt").decode().splitlines()
    (statement,) = parse_cfonb("".join(records).encode())
    assert len(statement.lines) == 3
    (trimmed,) = parse_statement("\r\n".join(record.rstrip() for record in records).encode())
    assert trimmed.closing_balance == D("2818.09") and trimmed.lines[2].label == "FRAIS CARTE"
    with pytest.raises(BusinessError, match="Ligne 1"):
        parse_cfonb((records[0][:19] + "X" + records[0][20:] + "\r\n").encode())


def test_csv_with_debit_and_credit_columns():
    """Crédit 1 234,56 → +1 234,56; débit 980,00 → −980,00; two identical URSSAF lines both kept."""
    layout = CsvLayout(delimiter=";", encoding="cp1252", columns=CSV_COLUMNS)
    (statement,) = parse_statement(sample("releve-banque.csv"), "csv", layout)
    assert [line.amount for line in statement.lines] == [D("1234.56"), D("-980.00"), D("-980.00")]
    assert statement.lines[0].label == "VIR SEPA DURAND PERE ET FILS" and statement.opening_balance is None
    assert (statement.start_date, statement.end_date) == (date(2026, 5, 2), date(2026, 5, 6))


def test_detection():
    assert [detect_format(sample(name)) for name in ("releve-ofx1.ofx", "releve-ofx2.ofx", "camt053-001-02.xml",
                                                     "releve-cfonb120.txt", "releve-banque.csv")] == [
        "ofx", "ofx", "camt053", "cfonb120", "csv"]


@pytest.mark.parametrize(("content", "fmt", "message"), [
    (b"", None, "vide"),
    (sample("camt053-001-02.xml").replace(b"6167.60", b"6167.61"), None, "solde final annoncé est 6167.61"),
    (sample("camt053-001-02.xml").replace(b"<NbOfNtries>3", b"<NbOfNtries>4"), None, "en annonce 4"),
    (sample("camt053-001-02.xml").replace(b"camt.053.001.02", b"camt.053.001.01"), None, "non prise en charge"),
    (sample("camt053-001-02.xml").replace(b"<Amt Ccy=\"EUR\">320.40", b"<Amt Ccy=\"EUR\">3x0.40"), None,
     "écriture 2 : montant illisible « 3x0.40 »"),
    (sample("camt053-001-02.xml")[:900], None, "XML invalide"),
    (sample("releve-ofx1.ofx").replace(b"<BALAMT>1934.50", b"<BALAMT>abc"), None,
     "solde (LEDGERBAL) : montant illisible « abc »"),
    (sample("releve-ofx1.ofx")[:700], None, "balise de fin </OFX> manque"),
    (sample("releve-ofx1.ofx").replace(b"<DTPOSTED>20260110", b"<DTPOSTED>20261310"), None,
     "opération 2 (202601100001) : date illisible « 20261310 »"),
    (sample("releve-ofx1.ofx").replace(b"<STMTTRN>\r\n<TRNTYPE>DEBIT", b"<STMTTRN>\r\n<STMTTRN>\r\n<TRNTYPE>DEBIT"),
     None, "élément inattendu <STMTTRN>"),
    (sample("releve-cfonb120.txt").replace(b"0000000028180I", b"0000000028180A"), None, "solde final annoncé"),
    (sample("releve-cfonb120.txt").replace(b"090626PRLV", b"320626PRLV"), None, "Ligne 4 : date illisible"),
    (sample("releve-cfonb120.txt")[:-124], None, "nouveau solde (07) manquant"),
])
def test_malformed_files_name_the_fault(content, fmt, message):
    with pytest.raises(BusinessError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        parse_statement(content, fmt)
    assert error.value.field == "file"


def test_csv_bad_amount_names_the_line():
    layout = CsvLayout(delimiter=";", encoding="cp1252", columns=CSV_COLUMNS)
    content = sample("releve-banque.csv").replace(b"1 234,56", b"12,3x")
    with pytest.raises(BusinessError, match="Ligne 2 : montant illisible « 12,3x »"):
        parse_statement(content, "csv", layout)
    with pytest.raises(BusinessError, match="Modèle CSV incomplet"):
        parse_statement(content, "csv", CsvLayout(columns={"date": 0}))
    with pytest.raises(BusinessError, match="modèle d'import"):
        parse_statement(content)
