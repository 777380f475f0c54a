"""Reports on hand-worked books: trial balance, general ledger, journal, lists, and their exports.

The books of Durand SARL for 2026 (amounts in euros):
  AN  01/01  5121 D 10 000 · 411 C001 D 1 200 · 101 C 8 000 · 401 F001 C 3 200
  VT  15/01  411 C001 D 1 200 · 706 C 1 000 · 44571 C 200
  VT  10/02  411 C002 D 600 · 706 C 500 · 44571 C 100
  AC  20/02  607 D 2 000 · 44566 D 400 · 401 F001 C 2 400
  BQ1 05/03  5121 D 1 200 · 411 C001 C 1 200   (settles the opening invoice: matching AA, full)
  BQ1 20/03  401 F001 D 3 200 · 5121 C 3 200
  BQ1 25/03  5121 D 200 · 411 C002 C 200      (part of the 600 invoice: matching ab, partial)
  OD  31/03  627 D 30 · 5121 C 30
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from agora.core.errors import BusinessError
from agora.core.exports import csv_response, pdf_bytes, pdf_response, xlsx_response
from agora.ledger import selectors
from agora.ledger.models import EntryLine, FiscalYear
from agora.ledger.services import matching_create

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    org, user = make_books()
    make_party(org, "C001", "Client Martin")
    make_party(org, "C002", "Client Bernard")
    make_party(org, "F001", "Fournisseur Dupont", is_customer=False, is_supplier=True)
    an = post(org, user, "AN", date(2026, 1, 1), "À-nouveaux", ("5121", 10000, 0), ("411", 1200, 0, "C001"),
              ("101", 0, 8000), ("401", 0, 3200, "F001"))
    sale(org, user, date(2026, 1, 15), "C001", "1000.00", "200.00", "Facture F1")
    second = sale(org, user, date(2026, 2, 10), "C002", "500.00", "100.00", "Facture F2")
    post(org, user, "AC", date(2026, 2, 20), "Achat marchandises", ("607", 2000, 0), ("44566", 400, 0),
         ("401", 0, 2400, "F001"), reference="FA-77")
    paid = post(org, user, "BQ1", date(2026, 3, 5), "Règlement Martin", ("5121", 1200, 0), ("411", 0, 1200, "C001"))
    post(org, user, "BQ1", date(2026, 3, 20), "Paiement Dupont", ("401", 3200, 0, "F001"), ("5121", 0, 3200))
    part = post(org, user, "BQ1", date(2026, 3, 25), "Acompte Bernard", ("5121", 200, 0), ("411", 0, 200, "C002"))
    post(org, user, "OD", date(2026, 3, 31), "Frais bancaires", ("627", 30, 0), ("5121", 0, 30))

    def line_411(entry):
        return EntryLine.objects.get(entry=entry, account__code="411").pk

    matching_create(actor=user, organisation=org, line_ids=[line_411(an), line_411(paid)])
    matching_create(actor=user, organisation=org, line_ids=[line_411(second), line_411(part)])
    year = FiscalYear.objects.get(organisation=org, code="2026")
    return org, user, year


def as_tuples(report):
    return [(r.account_code, r.party_code, r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit,
             r.closing_credit) for r in report.rows]


def test_trial_balance_opening_movements_closing(books):
    org, _, year = books
    report = selectors.trial_balance(organisation=org, fiscal_year=year)
    assert as_tuples(report) == [
        ("101", "", D(0), D(8000), D(0), D(0), D(0), D(8000)),
        ("401", "", D(0), D(3200), D(3200), D(2400), D(0), D(2400)),
        ("411", "", D(1200), D(0), D(1800), D(1400), D(1600), D(0)),
        ("44566", "", D(0), D(0), D(400), D(0), D(400), D(0)),
        ("44571", "", D(0), D(0), D(0), D(300), D(0), D(300)),
        ("5121", "", D(10000), D(0), D(1400), D(3230), D(8170), D(0)),
        ("607", "", D(0), D(0), D(2000), D(0), D(2000), D(0)),
        ("627", "", D(0), D(0), D(30), D(0), D(30), D(0)),
        ("706", "", D(0), D(0), D(0), D(1500), D(0), D(1500)),
    ]
    t = report.totals
    assert (t.opening_debit, t.opening_credit, t.debit, t.credit, t.closing_debit, t.closing_credit) == (
        D(11200), D(11200), D(8830), D(8830), D(12200), D(12200))
    assert report.balanced
    classes = {c.account_class: (c.opening_debit, c.opening_credit, c.debit, c.credit, c.closing_debit,
                                 c.closing_credit) for c in report.class_totals}
    assert classes == {
        1: (D(0), D(8000), D(0), D(0), D(0), D(8000)),
        4: (D(1200), D(3200), D(5400), D(4100), D(2000), D(2700)),
        5: (D(10000), D(0), D(1400), D(3230), D(8170), D(0)),
        6: (D(0), D(0), D(2030), D(0), D(2030), D(0)),
        7: (D(0), D(0), D(0), D(1500), D(0), D(1500)),
    }


def test_trial_balance_from_a_date_carries_earlier_lines_into_opening(books):
    org, _, year = books
    report = selectors.trial_balance(organisation=org, fiscal_year=year, date_from=date(2026, 3, 1),
                                     account_class=4)
    assert as_tuples(report) == [
        ("401", "", D(0), D(5600), D(3200), D(0), D(0), D(2400)),
        ("411", "", D(3000), D(0), D(0), D(1400), D(1600), D(0)),
        ("44566", "", D(400), D(0), D(0), D(0), D(400), D(0)),
        ("44571", "", D(0), D(300), D(0), D(0), D(0), D(300)),
    ]
    until_february = selectors.trial_balance(organisation=org, fiscal_year=year, date_to=date(2026, 2, 28))
    assert {r.account_code: (r.closing_debit, r.closing_credit) for r in until_february.rows}["5121"] == (
        D(10000), D(0))


def test_customer_and_supplier_auxiliary_balances(books):
    org, _, year = books
    customers = selectors.trial_balance(organisation=org, fiscal_year=year, auxiliary="customer")
    assert as_tuples(customers) == [
        ("411", "C001", D(1200), D(0), D(1200), D(1200), D(1200), D(0)),
        ("411", "C002", D(0), D(0), D(600), D(200), D(400), D(0)),
    ]
    assert customers.rows[0].party_name == "Client Martin"
    assert (customers.totals.closing_debit, customers.totals.closing_credit) == (D(1600), D(0))
    suppliers = selectors.trial_balance(organisation=org, fiscal_year=year, auxiliary="supplier")
    assert as_tuples(suppliers) == [("401", "F001", D(0), D(3200), D(3200), D(2400), D(0), D(2400))]


def test_general_ledger_running_balance_and_matching_codes(books):
    org, _, year = books
    rows = list(selectors.general_ledger_rows(organisation=org, fiscal_year=year, account_from="411",
                                              account_to="411"))
    assert [(r.kind, r.date, r.entry_number, r.label, r.debit, r.credit, r.balance, r.matching, r.party_code)
            for r in rows] == [
        ("opening", date(2026, 1, 1), "", "Solde à nouveau", D(1200), D(0), D(1200), "", ""),
        ("line", date(2026, 1, 15), "VT-2026-000001", "Facture F1", D(1200), D(0), D(2400), "", "C001"),
        ("line", date(2026, 2, 10), "VT-2026-000002", "Facture F2", D(600), D(0), D(3000), "ab", "C002"),
        ("line", date(2026, 3, 5), "BQ1-2026-000001", "Règlement Martin", D(0), D(1200), D(1800), "AA", "C001"),
        ("line", date(2026, 3, 25), "BQ1-2026-000003", "Acompte Bernard", D(0), D(200), D(1600), "ab", "C002"),
        ("total", date(2026, 12, 31), "", "Total du compte 411", D(3000), D(1400), D(1600), "", ""),
    ]


def test_general_ledger_orders_accounts_and_filters(books):
    org, _, year = books
    rows = list(selectors.general_ledger_rows(organisation=org, fiscal_year=year))
    accounts = [r.account_code for r in rows if r.kind == "opening"]
    assert accounts == ["101", "401", "411", "44566", "44571", "5121", "607", "627", "706"]
    bank = [(r.kind, r.debit, r.credit, r.balance) for r in rows if r.account_code == "5121"]
    assert bank == [("opening", D(10000), D(0), D(10000)), ("line", D(1200), D(0), D(11200)),
                    ("line", D(0), D(3200), D(8000)), ("line", D(200), D(0), D(8200)),
                    ("line", D(0), D(30), D(8170)), ("total", D(11400), D(3230), D(8170))]
    # A prefix bound takes in the sub-accounts; a date range moves earlier lines into the opening row.
    march = list(selectors.general_ledger_rows(organisation=org, fiscal_year=year, account_from="6",
                                               account_to="6", date_from=date(2026, 3, 1)))
    assert [(r.kind, r.account_code, r.balance) for r in march] == [
        ("opening", "607", D(2000)), ("total", "607", D(2000)),
        ("opening", "627", D(0)), ("line", "627", D(30)), ("total", "627", D(30))]


def test_journal_rows_with_totals(books):
    org, _, year = books
    rows = list(selectors.journal_rows(organisation=org, fiscal_year=year, journal="VT"))
    assert [(r.kind, r.entry_number, r.account_code, r.party_code, r.debit, r.credit) for r in rows] == [
        ("line", "VT-2026-000001", "411", "C001", D(1200), D(0)),
        ("line", "VT-2026-000001", "706", "", D(0), D(1000)),
        ("line", "VT-2026-000001", "44571", "", D(0), D(200)),
        ("line", "VT-2026-000002", "411", "C002", D(600), D(0)),
        ("line", "VT-2026-000002", "706", "", D(0), D(500)),
        ("line", "VT-2026-000002", "44571", "", D(0), D(100)),
        ("total", "", "", "", D(1800), D(1800)),
    ]
    everything = list(selectors.journal_rows(organisation=org, fiscal_year=year))
    totals = [(r.journal, r.debit) for r in everything if r.kind == "total"]
    assert totals == [("AC", D(2400)), ("AN", D(11200)), ("BQ1", D(4600)), ("OD", D(30)), ("VT", D(1800))]


def test_open_lines_for_the_matching_screen(books):
    org, _, _ = books
    from agora.ledger.models import Account
    from agora.parties.models import Party
    account = Account.objects.get(organisation=org, code="411")
    lines = selectors.open_lines(organisation=org, account=account)
    assert [(line.entry.display_number, line.debit, line.credit, line.matching_code) for line in lines] == [
        ("VT-2026-000001", D(1200), D(0), ""), ("VT-2026-000002", D(600), D(0), "ab"),
        ("BQ1-2026-000003", D(0), D(200), "ab")]
    martin = Party.objects.get(organisation=org, code="C001")
    with_matched = selectors.open_lines(organisation=org, account=account, party=martin, include_matched=True)
    assert [(line.entry.display_number, line.matching_code) for line in with_matched] == [
        ("AN-2026-000001", "AA"), ("VT-2026-000001", ""), ("BQ1-2026-000001", "AA")]


def test_entry_list_is_one_query_with_totals(books, django_assert_num_queries):
    org, _, year = books
    with django_assert_num_queries(1):
        entries = list(selectors.entry_list(organisation=org))
        assert [(e.display_number, e.total) for e in entries[:2]] == [("OD-2026-000001", D(30)),
                                                                      ("BQ1-2026-000003", D(200))]
    assert len(entries) == 8
    assert [e.display_number for e in selectors.entry_list(organisation=org, journal="bq1",
                                                           date_from=date(2026, 3, 10))] == [
        "BQ1-2026-000003", "BQ1-2026-000002"]
    assert [e.display_number for e in selectors.entry_list(organisation=org, search="Martin")] == [
        "BQ1-2026-000001"]
    assert selectors.entry_list(organisation=org, fiscal_year=year, state="draft").count() == 0
    other, _ = make_books(slug="autre")
    assert selectors.entry_list(organisation=other).count() == 0
    with pytest.raises(selectors.Entry.DoesNotExist):
        selectors.entry_get(organisation=other, pk=entries[0].pk)
    assert selectors.fiscal_year_current(organisation=org, day=date(2026, 6, 1)) == year


def test_csv_export_is_french_excel_friendly(books):
    org, _, year = books
    header, rows = selectors.trial_balance_table(selectors.trial_balance(organisation=org, fiscal_year=year))
    response = csv_response("balance.csv", header, rows)
    content = b"".join(response.streaming_content).decode("utf-8")
    lines = content.split("\r\n")
    assert content.startswith("\ufeffCompte;Intitulé;Tiers;")
    assert lines[3] == "411;Clients;;;1200,00;0,00;1800,00;1400,00;1600,00;0,00"
    assert lines[-2] == "Total général;;;;11200,00;11200,00;8830,00;8830,00;12200,00;12200,00"
    assert response["Content-Disposition"] == 'attachment; filename="balance.csv"'


def test_xlsx_export_keeps_numbers_as_numbers(books):
    org, _, year = books
    header, rows = selectors.general_ledger_table(selectors.general_ledger_rows(
        organisation=org, fiscal_year=year, account_from="5121", account_to="5121"))
    response = xlsx_response("grand-livre.xlsx", header, rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Compte", "Intitulé du compte", "Date")
    assert values[2][0] == "5121" and values[2][8] == 1200 and values[2][10] == 11200
    assert isinstance(values[2][10], (int, float)) and values[2][2].year == 2026
    assert len(values) == 1 + 6


def test_pdf_exports_are_real_pdfs_and_long_ones_are_refused(books):
    org, _, year = books
    report = selectors.trial_balance(organisation=org, fiscal_year=year)
    response = pdf_response("ledger/pdf/trial_balance.html", {"organisation": org, "report": report},
                            "balance.pdf")
    assert response.content.startswith(b"%PDF") and response["Content-Type"] == "application/pdf"
    ledger = pdf_bytes("ledger/pdf/general_ledger.html", {
        "organisation": org, "fiscal_year": year,
        "rows": selectors.general_ledger_rows(organisation=org, fiscal_year=year)})
    assert ledger.startswith(b"%PDF")
    journal = pdf_bytes("ledger/pdf/journal.html", {
        "organisation": org, "fiscal_year": year, "rows": selectors.journal_rows(organisation=org, fiscal_year=year)})
    assert journal.startswith(b"%PDF")
    with pytest.raises(BusinessError, match="exportez-le en CSV") as caught:
        pdf_bytes("ledger/pdf/journal.html", {"organisation": org, "fiscal_year": year,
                                              "rows": selectors.journal_rows(organisation=org, fiscal_year=year)},
                  max_rows=10)
    assert caught.value.code == "too_long_for_pdf"
