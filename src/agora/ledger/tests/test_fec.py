"""FEC export compared line by line with hand-checked golden files, and judged by the independent checker.

The year 2025 of Durand SARL (SIREN 732829320), posted through the services with a frozen clock so the
validation dates are known; then 2026 opens, gets one invoice, and 2025 is closed (AN entry posted after
that invoice, yet first in the 2026 file). Result 2025: 706 1 500 − (607 2 000 + 627 63 + 6064 50) = −613,
a loss carried to 129.
"""

import contextlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from tests.fec_checker import check_fec, check_filename

from agora.core.errors import BusinessError
from agora.ledger.domain import EntryInput
from agora.ledger.fec import COLUMNS, fec_filename, fec_iter, fec_write
from agora.ledger.models import EntryLine, FiscalYear
from agora.ledger.services import (
    entries_post,
    entry_reverse,
    fiscal_year_close,
    fiscal_year_create,
    matching_create,
)

from .builders import lines, make_books, make_party

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).resolve().parents[4] / "tests" / "golden"


@contextlib.contextmanager
def clock(*args):
    """Freeze Django's clock (UTC) while the block posts, so posted_at and ValidDate are known."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(*args, tzinfo=UTC)):
        yield


def book(org, user, at, journal, day, label, *rows, reference="", voucher_date=None):
    with clock(*at):
        return entries_post(actor=user, organisation=org, entries=[EntryInput(
            journal=journal, date=day, label=label, reference=reference, voucher_date=voucher_date,
            lines=lines(*rows))])[0]


def line_on(entry, account):
    return EntryLine.objects.get(entry=entry, account__code=account).pk


@pytest.fixture
def books():
    org, user = make_books(year=2025)
    make_party(org, "C001", "Client Martin")
    make_party(org, "C002", "Client Bernard")
    make_party(org, "F001", "Fournisseur Dupont", is_customer=False, is_supplier=True)
    book(org, user, (2025, 1, 2, 9), "BQ1", date(2025, 1, 2), "Apport en capital", ("5121", 5000, 0),
         ("101", 0, 5000), reference="APPORT")
    invoice = book(org, user, (2025, 1, 10, 9), "VT", date(2025, 1, 10), "Facture F2025-001",
                   ("411", 1200, 0, "C001"), ("706", 0, 1000), ("44571", 0, 200), reference="F2025-001")
    purchase = book(org, user, (2025, 1, 21, 8), "AC", date(2025, 1, 20), "Facture Dupont FA-77", ("607", 2000, 0),
                    ("44566", 400, 0), ("401", 0, 2400, "F001"), reference="FA-77", voucher_date=date(2025, 1, 18))
    partial = book(org, user, (2025, 2, 6, 7, 30), "BQ1", date(2025, 2, 5), "Règlement partiel Martin",
                   ("5121", 500, 0), ("411", 0, 500, "C001"), reference="VIR-0205")
    first = matching_create(actor=user, organisation=org, line_ids=[line_on(invoice, "411"), line_on(partial, "411")])
    assert first.display_code == "aa"
    # Posted at 23:30 UTC = 00:30 in Paris the next day: ValidDate is the French date, 6 March.
    rest = book(org, user, (2025, 3, 5, 23, 30), "BQ1", date(2025, 3, 5), "Solde Martin", ("5121", 700, 0),
                ("411", 0, 700, "C001"), reference="VIR-0305")
    full = matching_create(actor=user, organisation=org, line_ids=[line_on(partial, "411"), line_on(rest, "411")])
    assert (full.pk, full.display_code, full.date) == (first.pk, "AA", date(2025, 3, 5))
    payment = book(org, user, (2025, 3, 10, 10), "BQ1", date(2025, 3, 10), "Paiement Dupont",
                   ("401", 2400, 0, "F001"), ("5121", 0, 2400), reference="CHQ-1001")
    matching_create(actor=user, organisation=org, line_ids=[line_on(purchase, "401"), line_on(payment, "401")])
    fees = book(org, user, (2025, 4, 2, 7), "OD", date(2025, 4, 1), "Frais bancaires mars", ("627", 36, 0),
                ("5121", 0, 36), reference="REL-03")
    with clock(2025, 4, 3, 8):
        reversal = entry_reverse(actor=user, entry=fees, on=date(2025, 4, 3))
    matching_create(actor=user, organisation=org, line_ids=[line_on(fees, "5121"), line_on(reversal, "5121")])
    book(org, user, (2025, 4, 3, 8, 5), "OD", date(2025, 4, 3), "Frais bancaires mars corrigés", ("627", 63, 0),
         ("5121", 0, 63), reference="REL-03B")
    book(org, user, (2025, 12, 15, 15), "VT", date(2025, 12, 15), "Facture F2025-002", ("411", 600, 0, "C002"),
         ("706", 0, 500), ("44571", 0, 100), reference="F2025-002")
    # Dated before the previous invoice but validated after it: the FEC follows validation order.
    book(org, user, (2025, 12, 20, 10), "AC", date(2025, 11, 30), "Facture Dupont FA-99", ("6064", 50, 0),
         ("44566", 10, 0), ("401", 0, 60, "F001"), reference="FA-99", voucher_date=date(2025, 11, 28))
    with clock(2026, 1, 2, 8):
        fiscal_year_create(actor=user, organisation=org)
    book(org, user, (2026, 1, 5, 10), "VT", date(2026, 1, 5), "Facture F2026-001", ("411", 1200, 0, "C001"),
         ("706", 0, 1000), ("44571", 0, 200), reference="F2026-001")
    year_2025 = FiscalYear.objects.get(organisation=org, code="2025")
    with clock(2026, 1, 15, 10):
        opening = fiscal_year_close(actor=user, fiscal_year=year_2025)
    assert opening.display_number == "AN-2026-000001"
    return org, user, year_2025, FiscalYear.objects.get(organisation=org, code="2026")


def exported(org, year, **options) -> bytes:
    return b"".join(fec_iter(org, year, **options))


@pytest.mark.parametrize("code", ["2025", "2026"])
def test_fec_matches_the_golden_file_line_by_line(books, code):
    org, _, year_2025, year_2026 = books
    year = year_2025 if code == "2025" else year_2026
    name = fec_filename(org, year)
    assert name == f"732829320FEC{code}1231.txt"
    data = exported(org, year)
    assert data.count(b"\r\n") == len(data.splitlines()), "every record ends with CRLF"
    produced = data.decode("utf-8").split("\r\n")
    assert produced[-1] == ""
    golden = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    assert len(produced[:-1]) == len(golden)
    for number, (ours, expected) in enumerate(zip(produced[:-1], golden, strict=True), start=1):
        assert ours == expected, f"ligne {number}"
    assert check_fec(data, filename=name, year_start=year.start_date, year_end=year.end_date,
                     siren="732829320") == []


def test_fec_header_and_options(books):
    org, _, year_2025, _ = books
    tab = exported(org, year_2025, separator="tab").decode().split("\r\n")
    assert tab[0].split("\t") == COLUMNS and len(tab[0].split("\t")) == 18
    assert tab[1] == "\t".join(["BQ1", "Banque", "BQ1-2025-000001", "20250102", "5121", "Banque - compte courant",
                                "", "", "APPORT", "20250102", "Apport en capital", "5000,00", "0,00", "", "",
                                "20250102", "", ""])
    latin = exported(org, year_2025, encoding="iso-8859-15")
    assert "TVA collectée".encode("iso-8859-15") in latin and "é".encode() not in latin
    assert check_fec(latin, filename="732829320FEC20251231.txt", year_end=date(2025, 12, 31)) == []
    with pytest.raises(BusinessError, match="Séparateur"):
        exported(org, year_2025, separator=";")
    with pytest.raises(BusinessError, match="Encodage"):
        exported(org, year_2025, encoding="cp1252")


def test_fec_holds_posted_entries_only_and_refuses_without_siren(books):
    from agora.ledger.services import entry_draft_save
    org, user, _, year_2026 = books
    before = exported(org, year_2026)
    with clock(2026, 2, 1, 9):
        entry_draft_save(actor=user, organisation=org, data=EntryInput(
            journal="OD", date=date(2026, 2, 1), label="Brouillard", lines=lines(("627", 5, 0), ("5121", 0, 5))))
    assert exported(org, year_2026) == before
    org.siren = ""
    with pytest.raises(BusinessError, match="SIREN") as caught:
        fec_filename(org, year_2026)
    assert caught.value.field == "siren"


def test_fec_command_writes_the_file(books, tmp_path, capsys):
    org, _, year_2025, _ = books
    call_command("fec", org=org.slug, year="2025", output=str(tmp_path))
    path = tmp_path / "732829320FEC20251231.txt"
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_bytes() == exported(org, year_2025)
    assert fec_write(org, year_2025, tmp_path / "sub", separator="tab").name == path.name
    call_command("fec", "--org", org.slug, "--year", "2025", "-o", str(tmp_path / "latin"), "--separator", "tab",
                 "--encoding", "iso-8859-15")
    assert (tmp_path / "latin" / path.name).read_bytes() == exported(org, year_2025, separator="tab",
                                                                      encoding="iso-8859-15")


@pytest.mark.parametrize(("args", "message"), [
    (["--org", "inconnue", "--year", "2025"], "Organisation inconnue : « inconnue »"),
    (["--org", "durand", "--year", "1999"], "Exercice introuvable : « 1999 »"),
])
def test_fec_command_errors_exit_2_in_french(books, args, message, capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("fec", *args)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_orgs_command_lists_organisations(books, capsys):
    make_books(slug="amicale", kind="association")
    call_command("orgs")
    assert capsys.readouterr().out.splitlines() == ["amicale  association  Amicale SARL",
                                                     "durand   company      Durand SARL"]


# ---------------------------------------------------------------- the checker itself, on broken files

HEADER = "|".join(COLUMNS)
GOOD = [
    "VT|Ventes|VT1|20250110|411|Clients|C001|Martin|F1|20250110|Facture|120,00|0,00|AA|20250305|20250110||",
    "VT|Ventes|VT1|20250110|706|Prestations|||F1|20250110|Facture|0,00|100,00|||20250110||",
    "VT|Ventes|VT1|20250110|44571|TVA collectée|||F1|20250110|Facture|0,00|20,00|||20250110||",
]
NAME = "732829320FEC20251231.txt"


def check(rows, *, header=HEADER, name=NAME):
    data = "\r\n".join([header, *rows, ""]).encode()
    return check_fec(data, filename=name, year_start=date(2025, 1, 1), year_end=date(2025, 12, 31))


def replace(row: str, column: str, value: str) -> str:
    values = row.split("|")
    values[COLUMNS.index(column)] = value
    return "|".join(values)


def test_checker_accepts_a_good_file():
    assert check(GOOD) == []


@pytest.mark.parametrize(("rows", "expected"), [
    ([replace(GOOD[0], "Debit", "120.00"), *GOOD[1:]],
     "Ligne 2 : Debit « 120.00 » n'est pas un montant valide (virgule décimale, sans séparateur de milliers)."),
    ([replace(GOOD[0], "Debit", "1 120,00"), *GOOD[1:]],
     "Ligne 2 : Debit « 1 120,00 » n'est pas un montant valide (virgule décimale, sans séparateur de milliers)."),
    ([replace(GOOD[0], "EcritureDate", "20250230"), *GOOD[1:]],
     "Ligne 2 : EcritureDate « 20250230 » n'est pas une date AAAAMMJJ réelle."),
    ([*GOOD[:2], replace(GOOD[2], "EcritureDate", "20260102")],
     "Ligne 4 : EcritureDate 20260102 hors de l'exercice."),
    ([replace(GOOD[0], "CompteNum", "4A1"), *GOOD[1:]], "Ligne 2 : CompteNum « 4A1 » ne commence pas par 3 chiffres."),
    ([replace(GOOD[0], "EcritureLib", ""), *GOOD[1:]], "Ligne 2 : le champ obligatoire EcritureLib est vide."),
    ([replace(GOOD[0], "DateLet", ""), *GOOD[1:]], "Ligne 2 : EcritureLet et DateLet vont ensemble."),
    ([replace(GOOD[0], "CompAuxLib", ""), *GOOD[1:]], "Ligne 2 : CompAuxNum et CompAuxLib vont ensemble."),
    ([GOOD[0] + "|", *GOOD[1:]], "Ligne 2 : 19 champs au lieu de 18."),
    ([*GOOD[:2], replace(GOOD[2], "JournalCode", "OD")], "Écriture VT1 (ligne 2) : plusieurs JournalCode (OD, VT)."),
    ([*GOOD[:2], replace(GOOD[2], "PieceRef", "F2")], "Écriture VT1 (ligne 2) : plusieurs PieceRef (F1, F2)."),
    ([*GOOD[:2], replace(GOOD[2], "PieceDate", "20250111")],
     "Écriture VT1 (ligne 2) : plusieurs PieceDate (20250110, 20250111)."),
    ([*GOOD[:2], replace(replace(GOOD[2], "EcritureDate", "20250111"), "PieceDate", "20250110")],
     "Écriture VT1 (ligne 2) : plusieurs EcritureDate (20250110, 20250111)."),
    ([*GOOD[:2], replace(GOOD[2], "Credit", "21,00")],
     "Écriture VT1 (ligne 2) : déséquilibrée, débit 120,00 ≠ crédit 121,00."),
])
def test_checker_finds_each_broken_rule(rows, expected):
    assert expected in check(rows)


def test_checker_totals_header_and_name():
    unbalanced = [*GOOD, "OD|Divers|OD1|20250110|627|Frais|||R|20250110|Frais|5,00|0,00|||20250110||"]
    errors = check(unbalanced)
    assert "Fichier : total débit 125,00 ≠ total crédit 120,00." in errors
    assert "Écriture OD1 (ligne 5) : déséquilibrée, débit 5,00 ≠ crédit 0,00." in errors
    assert check(GOOD, header=HEADER.replace("EcritureLet", "Lettrage"))[0].startswith("En-tête : les 18 champs")
    assert check(GOOD, header=HEADER.replace("|", ";")) == [
        "En-tête : séparateur introuvable (tabulation ou | attendu)."]
    assert check(GOOD, name="732829320FEC20251130.txt") == [
        "Nom de fichier « 732829320FEC20251130.txt » : la date 20251130 n'est pas la clôture de l'exercice "
        "(20251231)."]
    assert check_filename("FEC20251231.txt")[0].startswith("Nom de fichier « FEC20251231.txt » : attendu")
    assert check_filename("732829320FEC20251331.txt") == [
        "Nom de fichier « 732829320FEC20251331.txt » : la date de clôture 20251331 n'existe pas."]
    bom = "\ufeff".encode() + "\r\n".join([HEADER, *GOOD]).encode()
    assert check_fec(bom)[0].startswith("Le fichier commence par un BOM")


# ---------------------------------------------------------------- text cleaning, foreign amounts, draft order

def test_fec_cleans_text_fields_and_writes_foreign_amounts(books):
    """Labels holding the separator, a tab or a line break become spaces; a line without its own label
    carries the entry's; a foreign-currency amount is written signed with a comma. Hand-built records."""
    from agora.ledger.domain import LineInput
    from agora.ledger.services import entry_draft_save, entry_post

    org, user, _, year_2026 = books
    with clock(2026, 2, 10, 9):
        draft = entry_draft_save(actor=user, organisation=org, data=EntryInput(
            journal="OD", date=date(2026, 2, 10), label="Achat | outillage\tchantier", reference="R|1",
            lines=[LineInput(account="6064", debit=Decimal("1234.05")),
                   LineInput(account="5121", credit=Decimal("1234.05"), label="Chèque\r\nn° 12")]))
        # A later save re-inserts the draft's lines after other rows: the export must still group them.
        draft = entry_draft_save(actor=user, organisation=org, entry=draft, data=EntryInput(
            journal="OD", date=date(2026, 2, 10), label="Achat | outillage\tchantier", reference="R|1",
            lines=[LineInput(account="6064", debit=Decimal("1234.05")),
                   LineInput(account="5121", credit=Decimal("1234.05"), label="Chèque\r\nn° 12")]))
    book(org, user, (2026, 2, 10, 10), "BQ1", date(2026, 2, 10), "Remise", ("5121", "0.07", 0), ("706", 0, "0.07"))
    EntryLine.objects.filter(entry=draft, account__code="6064").update(currency_amount=Decimal("-12.50"),
                                                                       currency="USD")
    with clock(2026, 2, 11, 9):
        entry_post(actor=user, entry=draft)
    records = exported(org, year_2026).decode().split("\r\n")
    mine = [r.split("|") for r in records if "OD-2026-000001" in r]
    # JournalCode … EcritureLib, Debit, Credit, EcritureLet, DateLet, ValidDate, Montantdevise, Idevise
    assert [row[:3] + row[8:] for row in mine] == [
        ["OD", "Opérations diverses", "OD-2026-000001", "R 1", "20260210", "Achat   outillage chantier",
         "1234,05", "0,00", "", "", "20260211", "-12,50", "USD"],
        ["OD", "Opérations diverses", "OD-2026-000001", "R 1", "20260210", "Chèque  n° 12",
         "0,00", "1234,05", "", "", "20260211", "", ""],
    ]
    remise = [r.split("|") for r in records if "BQ1-2026-000001" in r]
    assert [(row[11], row[12]) for row in remise] == [("0,07", "0,00"), ("0,00", "0,07")]
    assert check_fec("\r\n".join(records).encode(), filename=fec_filename(org, year_2026),
                     year_start=year_2026.start_date, year_end=year_2026.end_date) == []
