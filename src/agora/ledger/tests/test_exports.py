"""The SQL-built general ledger CSV is byte for byte the generic CSV of general_ledger_rows."""

from datetime import date

import pytest

from agora.core.exports import csv_lines
from agora.ledger.exports import _number_template, general_ledger_csv
from agora.ledger.models import EntryLine, FiscalYear
from agora.ledger.selectors import general_ledger_rows, general_ledger_table
from agora.ledger.services import entry_reverse, fiscal_year_close, matching_create

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    org, user = make_books(year=2025)
    make_party(org, "C001", "Martin; « fils » & Cie")
    make_party(org, "C002", 'Atelier "Dupont"')
    first = sale(org, user, date(2025, 3, 1), "C001", "1000.00", "200.00", 'Facture "F1"; livraison')
    paid = post(org, user, "BQ1", date(2025, 3, 20), "Acompte\nMartin", ("5121", "500.00", 0),
                ("411", 0, "500.00", "C001"))
    matching_create(actor=user, organisation=org, line_ids=[
        EntryLine.objects.get(entry=first, account__code="411").pk,
        EntryLine.objects.get(entry=paid, account__code="411").pk])
    second = sale(org, user, date(2025, 4, 2), "C002", "0.10", "0.02", "Petite facture")
    settled = post(org, user, "BQ1", date(2025, 4, 3), "Règlement", ("5121", "0.12", 0), ("411", 0, "0.12", "C002"))
    matching_create(actor=user, organisation=org, line_ids=[
        EntryLine.objects.get(entry=second, account__code="411").pk,
        EntryLine.objects.get(entry=settled, account__code="411").pk])
    fees = post(org, user, "OD", date(2025, 5, 5), "Frais", ("627", "12.34", 0), ("5121", 0, "12.34"))
    entry_reverse(actor=user, entry=fees, on=date(2025, 5, 6))
    post(org, user, "AC", date(2025, 6, 1), "Achat", ("607", "9999.99", 0), ("5121", 0, "9999.99"))
    fiscal_year_close(actor=user, fiscal_year=FiscalYear.objects.get(organisation=org, code="2025"))
    post(org, user, "BQ1", date(2026, 2, 1), "Solde Martin", ("5121", "700.00", 0), ("411", 0, "700.00", "C001"))
    return org


@pytest.mark.parametrize(("year", "options"), [
    ("2025", {}),
    ("2026", {}),
    ("2025", {"date_from": date(2025, 4, 1), "date_to": date(2025, 5, 31)}),
    ("2025", {"account_from": "4", "account_to": "5"}),
])
def test_sql_built_csv_equals_the_generic_csv(books, year, options):
    fiscal_year = FiscalYear.objects.get(organisation=books, code=year)
    generic = "".join(csv_lines(*general_ledger_table(general_ledger_rows(
        organisation=books, fiscal_year=fiscal_year, **options))))
    fast = "".join(general_ledger_csv(organisation=books, fiscal_year=fiscal_year, **options))
    assert fast.splitlines() == generic.splitlines()
    assert fast == generic
    assert "-0,00" not in fast and "\r\n" in fast


def test_party_filter(books):
    from agora.parties.models import Party

    fiscal_year = FiscalYear.objects.get(organisation=books, code="2025")
    party = Party.objects.get(organisation=books, code="C001")
    generic = "".join(csv_lines(*general_ledger_table(general_ledger_rows(
        organisation=books, fiscal_year=fiscal_year, party=party))))
    assert "".join(general_ledger_csv(organisation=books, fiscal_year=fiscal_year, party=party)) == generic


def test_lines_of_one_day_follow_the_entry_numbers_not_the_ids(books):
    """A draft saved first and posted last gets the higher number though its id is lower; two journals share
    the day. The CSV orders a day's lines by entry number as the generic rows do."""
    from agora.ledger.domain import EntryInput
    from agora.ledger.services import entry_draft_save, entry_post

    from .builders import lines

    org = books
    user = EntryLine.objects.filter(organisation=org).first().entry.posted_by
    day = date(2026, 3, 10)
    draft = entry_draft_save(actor=user, organisation=org, data=EntryInput(
        journal="OD", date=day, label="Saisi en premier", lines=lines(("5121", "3.00", 0), ("627", 0, "3.00"))))
    for journal, amount in (("OD", "4.00"), ("BQ1", "5.00"), ("OD", "6.00")):
        post(org, user, journal, day, f"Même jour {amount}", ("5121", amount, 0), ("627", 0, amount))
    entry_post(actor=user, entry=draft)
    fiscal_year = FiscalYear.objects.get(organisation=books, code="2026")
    generic = "".join(csv_lines(*general_ledger_table(general_ledger_rows(organisation=org,
                                                                          fiscal_year=fiscal_year))))
    fast = "".join(general_ledger_csv(organisation=org, fiscal_year=fiscal_year))
    assert fast == generic
    bank = [row.split(";")[4] for row in fast.splitlines() if row.startswith("5121;") and ";10/03/2026;" in row]
    assert bank == ["OD-2026-000001", "BQ1-2026-000002", "OD-2026-000002", "OD-2026-000003"]


@pytest.mark.parametrize("code", ["VT", "A;B", 'Q"X', "50%"])
def test_number_cells_are_quoted_as_the_csv_module_quotes_them(code):
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow([code, f"{code}-2026-000012"])
    assert _number_template(code, "2026") % 12 == out.getvalue()[:-2]


@pytest.mark.parametrize("cents", [0, 1, 7, 99, 100, 101, 123405, -1, -99, -100, -123405, 10**15 + 7])
def test_cents_text_writes_what_the_decimal_cell_writes(cents):
    from decimal import Decimal

    from agora.core.exports import csv_value
    from agora.ledger.cents import cents_text

    assert cents_text(cents) == csv_value(Decimal(cents) / 100 if cents else Decimal("0.00"))
