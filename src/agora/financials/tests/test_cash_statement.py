"""The periodic cash statement on `builders.make_year`, worked out by hand."""

from decimal import Decimal as D

import pytest

from agora.ledger.models import FiscalYear

from ..selectors.cash import cash_statement, cash_statement_table
from .builders import make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    organisation, _ = make_year()
    return organisation, FiscalYear.objects.get(organisation=organisation, code="2026")


def test_quarters_by_category_reconciled_to_the_bank(year):
    """Q1: capital 10,000 (other) and loan 6,000 in → 16,000 (the furniture in kind moves no cash).
    Q2: customer 7,200 in; out: supplier 2,400, computer 3,600 (fixed assets), wages 2,000 (staff), rent and
    fees 520 + interest 60 = 580 (other) → 16,000 + 7,200 − 8,580 = 14,620. Q3: subsidy 400 (other), furniture
    sold 250 (fixed assets) → 15,270. Q4: nothing moves: 15,270 = the bank's balance."""
    organisation, fiscal_year = year
    report = cash_statement(organisation=organisation, fiscal_year=fiscal_year, period="quarter")
    assert [p.label for p in report.periods] == ["janv. – mars 2026", "avr. – juin 2026", "juil. – sept. 2026",
                                                "oct. – déc. 2026"]
    q1, q2, q3, q4 = report.periods
    assert (q1.opening, q1.receipts["other"], q1.receipts["loans"], q1.total_disbursements, q1.closing) == (
        D("0.00"), D("10000.00"), D("6000.00"), D("0.00"), D("16000.00"))
    assert q2.receipts["customers"] == D("7200.00")
    assert {k: v for k, v in q2.disbursements.items() if v} == {
        "suppliers": D("2400.00"), "fixed_assets": D("3600.00"), "staff": D("2000.00"), "other": D("580.00")}
    assert q2.closing == D("14620.00")
    assert (q3.receipts["other"], q3.receipts["fixed_assets"], q3.closing) == (D("400.00"), D("250.00"),
                                                                               D("15270.00"))
    assert (q4.opening, q4.closing, q4.closing_books) == (D("15270.00"), D("15270.00"), D("15270.00"))
    assert report.reconciled


def test_months_and_export_table(year):
    """Twelve months; June: wages 2,000 and 580 out → closing 17,200 − 2,580 = 14,620; the export's last rows
    are the closing cash and the class 5 balances, equal."""
    organisation, fiscal_year = year
    report = cash_statement(organisation=organisation, fiscal_year=fiscal_year)
    assert len(report.periods) == 12
    june = report.periods[5]
    assert (june.opening, june.total_disbursements, june.closing) == (D("17200.00"), D("2580.00"), D("14620.00"))
    header, rows = cash_statement_table(report)
    assert header[0] == "Poste" and header[-1] == "Exercice" and len(header) == 14
    assert rows[-2][0] == "Trésorerie en fin de période" and rows[-2][-1] == rows[-1][-1] == D("15270.00")
