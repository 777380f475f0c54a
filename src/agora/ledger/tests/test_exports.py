"""The SQL-built general ledger CSV is byte for byte the generic CSV of general_ledger_rows."""

from datetime import date

import pytest

from agora.core.exports import csv_lines
from agora.ledger.exports import general_ledger_csv
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
