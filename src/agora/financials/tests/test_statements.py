"""The year's statements on the tiny set of entries of `builders.make_year`, every figure worked out by hand."""

from datetime import date
from decimal import Decimal as D

import pytest

from agora.ledger.models import FiscalYear
from agora.ledger.services import fiscal_year_close
from agora.ledger.tests.builders import make_books, make_party, post

from ..domain import statements as domain
from ..selectors.statements import year_analysis, year_statements
from .builders import make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    organisation, accountant = make_year()
    return organisation, FiscalYear.objects.get(organisation=organisation, code="2026")


def _lines(block):
    return {line.key: line.amount for line in block.lines}


def test_income_statement(year):
    """Operating products: goods 8,000 (707), services 1,000 (706), subsidy 400 (74), other products 250 (757)
    = 9,650. Operating charges: goods 4,000 (607), stock change −1,000 (6037: closing stock 1,000, none at the
    start), external 520 (rent 500 + fees 20), wages 2,000, social 800, provisions and depreciation 400 (300 +
    100), other charges 150 (657) = 6,870. Operating result 9,650 − 6,870 = 2,780; financial −60 (661); current
    result 2,720; income tax 200; result 2,720 − 200 = 2,520 (products 9,650 − charges 7,130)."""
    organisation, fiscal_year = year
    report = year_statements(organisation=organisation, fiscal_year=fiscal_year).income
    assert _lines(report.blocks["operating_products"]) == {
        "sales_goods": D("8000.00"), "production_sold": D("1000.00"), "production_stored": D("0.00"),
        "production_capitalised": D("0.00"), "subsidies": D("400.00"), "grant_release": D("0.00"),
        "reversals": D("0.00"), "other_products": D("250.00")}
    assert report.blocks["operating_products"].total == D("9650.00")
    charges = _lines(report.blocks["operating_charges"])
    assert (charges["purchases_goods"], charges["stock_change_goods"], charges["external"], charges["wages"],
            charges["social"], charges["depreciation"], charges["other_charges"]) == (
        D("4000.00"), D("-1000.00"), D("520.00"), D("2000.00"), D("800.00"), D("400.00"), D("150.00"))
    assert report.blocks["operating_charges"].total == D("6870.00")
    results = {line.key: line.amount for line in report.results}
    assert results == {"operating": D("2780.00"), "financial": D("-60.00"), "current": D("2720.00"),
                       "exceptional": D("0.00"), "total_products": D("9650.00"), "total_charges": D("7130.00"),
                       "result": D("2520.00")}
    assert report.previous_result == D("0.00")


def test_balance_sheet(year):
    """Assets: computer 3,000 − depreciation 300 = 2,700 (the furniture, 150 in and 150 out, nets to nothing);
    stock 1,000; customer 9,600 + 1,200 − 7,200 = 3,600 − provision 100 = 3,500; other receivables: deductible
    VAT 600 + 800 = 1,400; bank 10,000 + 6,000 + 7,200 − 2,400 − 3,600 − 2,000 − 520 − 60 + 400 + 250 = 15,270.
    Total 2,700 + 1,000 + 3,500 + 1,400 + 15,270 = 23,870.
    Liabilities: capital 10,150, result 2,520 (= the income statement's), loan 6,000, supplier 4,800 − 2,400 =
    2,400 (the 404 is settled), tax and social 800 (431) + 200 (444) + 1,800 (44571) = 2,800. Total 23,870."""
    organisation, fiscal_year = year
    sheet = year_statements(organisation=organisation, fiscal_year=fiscal_year).sheet
    expected = {"tangible": (D("3000.00"), D("300.00"), D("2700.00")),
                "stocks": (D("1000.00"), D("0"), D("1000.00")), "customers": (D("3600.00"), D("100.00"), D("3500.00")),
                "other_receivables": (D("1400.00"), D("0"), D("1400.00")),
                "cash": (D("15270.00"), D("0"), D("15270.00"))}
    for key, (gross, depreciation, net) in expected.items():
        line = sheet.line(key)
        assert (line.gross, line.depreciation, line.net) == (gross, depreciation, net), key
    liabilities = {key: sheet.line(key).net for key in ("capital", "result", "borrowings", "suppliers",
                                                         "tax_social", "other_debts", "overdrafts")}
    assert liabilities == {"capital": D("10150.00"), "result": D("2520.00"), "borrowings": D("6000.00"),
                           "suppliers": D("2400.00"), "tax_social": D("2800.00"), "other_debts": D("0.00"),
                           "overdrafts": D("0.00")}
    assert sheet.total_assets == sheet.total_liabilities == D("23870.00")
    assert sheet.balanced


def test_sig_caf_financial_balance_and_ratios(year):
    """SIG: margin 8,000 − (4,000 − 1,000) = 5,000; production 1,000; consumption 520; value added 5,480;
    EBE 5,480 + 400 − 2,800 = 3,080; operating result 3,080 + 250 − 400 − 150 = 2,780; current 2,720; net 2,520.
    CAF additive: 2,520 + 400 (68) − 0 (78) + 150 (657) − 250 (757) − 0 (747) = 2,820; subtractive: EBE 3,080
    + (250 − 250) (75 without 757) − (150 − 150) (65 without 657) − 60 (66) − 200 (IS) = 2,820.
    FR: resources 10,150 + 6,000 + 2,520 + 300 + 100 = 19,070 − uses 3,000 = 16,070; BFR: stock 1,000 +
    customer 3,600 + VAT 1,400 − (supplier 2,400 + 800 + 200 + 1,800) = 800; net cash 16,070 − 800 = 15,270
    = the bank. Ratios: margin 5,000 / 8,000 = 62.5 %; EBE 3,080 / 9,000 = 34.2 %; customers 3,600 / (9,600 +
    1,200) × 360 = 120.0 days; suppliers 2,400 / 4,800 × 360 = 180.0 days; stock (0 + 1,000) / 2 / 3,000 × 360
    = 60.0 days."""
    organisation, fiscal_year = year
    report = year_analysis(organisation=organisation, fiscal_year=fiscal_year)
    sig = report.sig
    assert [sig[k] for k in ("commercial_margin", "production", "consumption", "value_added", "ebitda",
                             "operating_result", "financial_result", "current_result", "exceptional_result",
                             "net_result")] == [D(x) for x in ("5000.00", "1000.00", "520.00", "5480.00", "3080.00",
                                                               "2780.00", "-60.00", "2720.00", "0.00", "2520.00")]
    assert report.caf.additive == report.caf.subtractive == D("2820.00")
    balance = report.balance
    assert (balance.stable_resources, balance.stable_uses, balance.working_capital) == (
        D("19070.00"), D("3000.00"), D("16070.00"))
    assert (balance.operating_assets, balance.operating_debts, balance.requirement) == (
        D("6000.00"), D("5200.00"), D("800.00"))
    assert balance.net_cash == balance.cash_accounts == D("15270.00")
    assert balance.working_capital - balance.requirement == balance.net_cash
    ratios = {r.key: r.value for r in report.ratios}
    assert ratios == {"commercial_margin_rate": D("62.5"), "ebitda_rate": D("34.2"), "customer_days": D("120.0"),
                      "supplier_days": D("180.0"), "stock_days": D("60.0")}
    assert ("Vos clients vous paient en moyenne en 120 jours ; vos fournisseurs sont payés en 180 jours."
            in report.readings)


def test_previous_year_column_after_closing():
    """2025: a service sold 1,000 + VAT 200, paid; closed (result 1,000 carried to 120 in the AN of 2026).
    2026: rent 300 paid. Income statement 2026: result −300, previous 1,000 (production sold 1,000 in the
    previous column). Balance sheet 2026: bank 1,200 − 300 = 900; VAT 200, result pending allocation 1,000,
    result −300 → 900; previous: bank 1,200 = VAT 200 + result 1,000."""
    organisation, accountant = make_books(slug="passe", year=2025)
    make_party(organisation, "C001")
    post(organisation, accountant, "VT", date(2025, 3, 1), "Prestation", ("411", 1200, 0, "C001"),
         ("706", 0, 1000), ("44571", 0, 200))
    post(organisation, accountant, "BQ1", date(2025, 4, 1), "Règlement", ("5121", 1200, 0), ("411", 0, 1200, "C001"))
    fiscal_year_close(actor=accountant, fiscal_year=FiscalYear.objects.get(organisation=organisation, code="2025"))
    post(organisation, accountant, "BQ1", date(2026, 2, 1), "Loyer", ("6132", 300, 0), ("5121", 0, 300))
    current = FiscalYear.objects.get(organisation=organisation, code="2026")
    report = year_statements(organisation=organisation, fiscal_year=current)
    assert report.previous_year.code == "2025"
    assert (report.income.result, report.income.previous_result) == (D("-300.00"), D("1000.00"))
    sold = next(line for line in report.income.blocks["operating_products"].lines if line.key == "production_sold")
    assert (sold.amount, sold.previous) == (D("0.00"), D("1000.00"))
    sheet = report.sheet
    assert (sheet.line("cash").net, sheet.line("cash").previous) == (D("900.00"), D("1200.00"))
    assert (sheet.line("pending_result").net, sheet.line("result").net, sheet.line("result").previous) == (
        D("1000.00"), D("-300.00"), D("1000.00"))
    assert (sheet.total_assets, sheet.previous_assets) == (D("900.00"), D("1200.00"))
    assert sheet.balanced


def test_association_layout_with_dedicated_funds_and_contributions_in_kind():
    """An association: own funds 2,000 (102); fees 500 (756), donations 300 cash (7541), subsidy 1,000 (74);
    rent 400; 200 of the subsidy put into dedicated funds (6894/194); volunteers' time 1,500 (864/875).
    Result 500 + 300 + 1,000 − 400 − 200 = 1,200. Bank 2,000 + 500 + 1,000 − 400 = 3,100, cash box 300:
    assets 3,400 = own funds 2,000 + result 1,200 + dedicated funds 200. Class 8 below: 1,500 each side."""
    organisation, accountant = make_books(slug="jardins", kind="association")
    o, a = organisation, accountant
    post(o, a, "BQ1", date(2026, 1, 2), "Fonds associatifs", ("5121", 2000, 0), ("102", 0, 2000))
    post(o, a, "BQ1", date(2026, 2, 1), "Cotisations", ("5121", 500, 0), ("756", 0, 500))
    post(o, a, "CA", date(2026, 2, 2), "Dons", ("530", 300, 0), ("7541", 0, 300))
    post(o, a, "BQ1", date(2026, 3, 1), "Subvention", ("5121", 1000, 0), ("74", 0, 1000))
    post(o, a, "BQ1", date(2026, 3, 5), "Loyer", ("6132", 400, 0), ("5121", 0, 400))
    post(o, a, "OD", date(2026, 12, 31), "Report en fonds dédiés", ("6894", 200, 0), ("194", 0, 200))
    post(o, a, "OD", date(2026, 12, 31), "Bénévolat", ("864", 1500, 0), ("875", 0, 1500))
    report = year_statements(organisation=o, fiscal_year=FiscalYear.objects.get(organisation=o))
    assert report.association
    products = _lines(report.income.blocks["operating_products"])
    assert (products["membership_fees"], products["donations"], products["subsidies"]) == (
        D("500.00"), D("300.00"), D("1000.00"))
    assert _lines(report.income.blocks["operating_charges"])["dedicated_out"] == D("200.00")
    assert report.income.result == D("1200.00")
    sheet = report.sheet
    assert (sheet.line("association_funds").net, sheet.line("result").net, sheet.line("dedicated_funds").net) == (
        D("2000.00"), D("1200.00"), D("200.00"))
    assert sheet.line("cash").net == sheet.total_assets == sheet.total_liabilities == D("3400.00")
    assert "capital" not in {line.key for group in sheet.liabilities for line in group.lines}
    uses = {line.key: line.amount for line in report.in_kind["uses"]}
    resources = {line.key: line.amount for line in report.in_kind["resources"]}
    assert (uses["864"], resources["875"]) == (D("1500.00"), D("1500.00"))


def test_sides_follow_each_accounts_balance():
    """A supplier with a debit balance is a receivable, a bank with a credit balance an overdraft, a customer
    with a credit balance a debt; contra accounts reduce their line."""
    assert domain.classify("401", D("50")) == ("other_receivables", "gross")
    assert domain.classify("401", D("-50")) == ("suppliers", "liability")
    assert domain.classify("5121", D("-10")) == ("overdrafts", "liability")
    assert domain.classify("411", D("-10")) == ("other_debts", "liability")
    assert domain.classify("4091", D("10")) == ("advances_paid", "gross")
    assert domain.classify("28183", D("-10")) == ("tangible", "depreciation")
    assert domain.classify("2805", D("-10")) == ("intangible", "depreciation")
    assert domain.classify("491", D("-10")) == ("customers", "depreciation")
    assert domain.classify("486", D("10")) == ("prepaid", "gross")
    assert domain.classify("6411", D("10")) is None
    sheet = domain.balance_sheet({"5121": D("-100.00"), "401": D("30.00"), "101": D("-10.00"), "607": D("80.00")}, {})
    assert (sheet.line("overdrafts").net, sheet.line("other_receivables").net, sheet.line("result").net) == (
        D("100.00"), D("30.00"), D("-80.00"))
    assert sheet.total_assets == sheet.total_liabilities == D("30.00")


def test_unbalanced_books_are_flagged():
    """Class 8 out of balance (or any hole) shows: actif ≠ passif is reported, never hidden."""
    sheet = domain.balance_sheet({"5121": D("100.00"), "101": D("-90.00")}, {})
    assert not sheet.balanced
