"""The year's statements and their analysis in the JSON API: income statement and balance sheet, SIG, CAF,
financial balance and ratios, the cash statement, each also as PDF."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema

from agora.core import exports
from agora.core.api import ERRORS, Money, organisation_for
from agora.core.errors import BusinessError
from agora.ledger.models import FiscalYear
from agora.ledger.selectors import fiscal_year_current

from ..selectors.cash import CATEGORIES, cash_statement, cash_statement_rows
from ..selectors.statements import year_analysis, year_statements

router = Router(tags=["états financiers"])
PREFIX = "/orgs/{org}/financials"
PDF_RESPONSE = {"responses": {200: {"description": "Document PDF",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}


def fiscal_year_of(organisation, code: str | None) -> FiscalYear:
    """The year named by its code ("2026"); without one, the year containing today, else the latest."""
    if code:
        year = FiscalYear.objects.filter(organisation=organisation, code=code).first()
        if year is None:
            raise BusinessError("unknown_fiscal_year", f"Exercice inconnu : « {code} ».", field="fiscal_year")
        return year
    year = fiscal_year_current(organisation=organisation, day=timezone.localdate())
    if year is None:
        raise BusinessError("no_fiscal_year", "Aucun exercice n'est ouvert.", field="fiscal_year")
    return year


class FinLineOut(Schema):
    key: str
    label: str
    amount: Money
    previous: Money


class FinBlockOut(Schema):
    key: str
    title: str
    lines: list[FinLineOut]
    total: Money
    previous: Money


class FinSheetLineOut(Schema):
    key: str
    label: str
    gross: Money
    depreciation: Money
    net: Money
    previous: Money


class FinSheetGroupOut(Schema):
    title: str
    lines: list[FinSheetLineOut]
    net: Money
    previous: Money


class FinStatementsOut(Schema):
    fiscal_year: str
    previous_year: str | None
    start_date: date
    end_date: date
    association: bool
    income_statement: list[FinBlockOut]
    results: list[FinLineOut]
    assets: list[FinSheetGroupOut]
    liabilities: list[FinSheetGroupOut]
    total_assets: Money
    total_liabilities: Money
    balanced: bool
    contributions_in_kind: dict[str, list[FinLineOut]] | None


class FinAmountRowOut(Schema):
    label: str
    amount: Money


class FinRatioOut(Schema):
    key: str
    label: str
    value: Decimal | None
    previous: Decimal | None
    unit: str


class FinBalanceOut(Schema):
    stable_resources: Money
    stable_uses: Money
    working_capital: Money
    working_capital_requirement: Money
    net_cash: Money
    cash_accounts: Money
    agrees: bool


class FinAnalysisOut(Schema):
    fiscal_year: str
    previous_year: str | None
    sig: list[FinLineOut]
    caf_additive: list[FinAmountRowOut]
    caf_subtractive: list[FinAmountRowOut]
    caf: Money
    caf_agrees: bool
    caf_previous: Money
    financial_balance: FinBalanceOut
    ratios: list[FinRatioOut]
    readings: list[str]


class FinCashPeriodOut(Schema):
    start: date
    end: date
    label: str
    opening: Money
    receipts: dict[str, Money]
    disbursements: dict[str, Money]
    total_receipts: Money
    total_disbursements: Money
    closing: Money
    closing_books: Money
    reconciled: bool


class FinCashStatementOut(Schema):
    fiscal_year: str
    period: str
    categories: dict[str, str]
    periods: list[FinCashPeriodOut]
    reconciled: bool


def _pdf(organisation, template: str, context: dict, stem: str):
    context = {**context, "organisation": organisation, "logo": exports.logo_uri(organisation)}
    return exports.pdf_response(template, context, f"{stem}-{organisation.slug}-{context['fiscal_year'].code}.pdf")


@router.get(PREFIX + "/statements", response={200: FinStatementsOut, **ERRORS},
            summary="Bilan et compte de résultat")
def statements(request, org: str, fiscal_year: str | None = None):
    """The year's statements (simplified French layout; association layout for associations) with the
    previous year's figures; `fiscal_year` is a year code, by default the current year."""
    organisation = organisation_for(request, org, "financials.view")
    report = year_statements(organisation=organisation, fiscal_year=fiscal_year_of(organisation, fiscal_year))
    sheet = report.sheet

    def group_out(group):
        return {"title": group.title, "net": group.net, "previous": group.previous,
                "lines": [{"key": x.key, "label": x.label, "gross": x.gross, "depreciation": x.depreciation,
                           "net": x.net, "previous": x.previous} for x in group.lines]}

    return {"fiscal_year": report.fiscal_year.code,
            "previous_year": report.previous_year.code if report.previous_year else None,
            "start_date": report.fiscal_year.start_date, "end_date": report.fiscal_year.end_date,
            "association": report.association,
            "income_statement": [{"key": key, "title": b.title, "total": b.total, "previous": b.previous,
                                  "lines": [vars(x) for x in b.lines]} for key, b in report.income.blocks.items()],
            "results": [vars(x) for x in report.income.results],
            "assets": [group_out(g) for g in sheet.assets], "liabilities": [group_out(g) for g in sheet.liabilities],
            "total_assets": sheet.total_assets, "total_liabilities": sheet.total_liabilities,
            "balanced": sheet.balanced,
            "contributions_in_kind": ({k: [vars(x) for x in v] for k, v in report.in_kind.items()}
                                      if report.in_kind else None)}


@router.get(PREFIX + "/statements.pdf", response={200: None, **ERRORS}, summary="Bilan et compte de résultat (PDF)",
            openapi_extra=PDF_RESPONSE)
def statements_pdf(request, org: str, fiscal_year: str | None = None):
    organisation = organisation_for(request, org, "financials.view")
    report = year_statements(organisation=organisation, fiscal_year=fiscal_year_of(organisation, fiscal_year))
    return _pdf(organisation, "financials/pdf/statements.html", {"report": report, "fiscal_year": report.fiscal_year},
                "bilan-compte-de-resultat")


@router.get(PREFIX + "/analysis", response={200: FinAnalysisOut, **ERRORS},
            summary="SIG, CAF, équilibre financier et ratios")
def analysis(request, org: str, fiscal_year: str | None = None):
    """SIG with the previous year, CAF by both methods (checked equal), FR/BFR/net cash (checked against the
    class 5 accounts) and ratios (percent or days on 360) with their plain-French reading."""
    organisation = organisation_for(request, org, "financials.view")
    report = year_analysis(organisation=organisation, fiscal_year=fiscal_year_of(organisation, fiscal_year))
    balance = report.balance
    return {"fiscal_year": report.fiscal_year.code,
            "previous_year": report.previous_year.code if report.previous_year else None,
            "sig": [{"key": k, "label": label, "amount": a, "previous": p} for k, label, _, a, p in report.sig_rows()],
            "caf_additive": [{"label": label, "amount": a} for label, a in report.caf.rows_additive],
            "caf_subtractive": [{"label": label, "amount": a} for label, a in report.caf.rows_subtractive],
            "caf": report.caf.additive, "caf_agrees": report.caf.agrees, "caf_previous": report.previous_caf.additive,
            "financial_balance": {"stable_resources": balance.stable_resources, "stable_uses": balance.stable_uses,
                                  "working_capital": balance.working_capital,
                                  "working_capital_requirement": balance.requirement, "net_cash": balance.net_cash,
                                  "cash_accounts": balance.cash_accounts, "agrees": balance.agrees},
            "ratios": [vars(r) for r in report.ratios], "readings": report.readings}


@router.get(PREFIX + "/analysis.pdf", response={200: None, **ERRORS}, summary="SIG, CAF et analyse (PDF)",
            openapi_extra=PDF_RESPONSE)
def analysis_pdf(request, org: str, fiscal_year: str | None = None):
    organisation = organisation_for(request, org, "financials.view")
    report = year_analysis(organisation=organisation, fiscal_year=fiscal_year_of(organisation, fiscal_year))
    return _pdf(organisation, "financials/pdf/analysis.html", {"report": report, "fiscal_year": report.fiscal_year},
                "analyse-financiere")


def _cash(request, org, fiscal_year, period):
    organisation = organisation_for(request, org, "financials.view")
    if period not in ("month", "quarter"):
        raise BusinessError("invalid_period", "Périodicité inconnue : « month » ou « quarter ».", field="period")
    year = fiscal_year_of(organisation, fiscal_year)
    return organisation, cash_statement(organisation=organisation, fiscal_year=year, period=period)


@router.get(PREFIX + "/cash-statement", response={200: FinCashStatementOut, **ERRORS}, summary="État de trésorerie")
def cash_statement_api(request, org: str, fiscal_year: str | None = None, period: str = "month"):
    """Receipts and disbursements on class 5 by counter-account category, per month or quarter, with the cash
    at each period's start and end and the check against the class 5 balances."""
    _, report = _cash(request, org, fiscal_year, period)
    return {"fiscal_year": report.fiscal_year.code, "period": report.period, "categories": dict(CATEGORIES),
            "reconciled": report.reconciled,
            "periods": [{"start": p.start, "end": p.end, "label": p.label, "opening": p.opening,
                         "receipts": p.receipts, "disbursements": p.disbursements,
                         "total_receipts": p.total_receipts, "total_disbursements": p.total_disbursements,
                         "closing": p.closing, "closing_books": p.closing_books, "reconciled": p.reconciled}
                        for p in report.periods]}


@router.get(PREFIX + "/cash-statement.pdf", response={200: None, **ERRORS}, summary="État de trésorerie (PDF)",
            openapi_extra=PDF_RESPONSE)
def cash_statement_pdf(request, org: str, fiscal_year: str | None = None, period: str = "month"):
    organisation, report = _cash(request, org, fiscal_year, period)
    return _pdf(organisation, "financials/pdf/cash_statement.html",
                {"report": report, "rows": cash_statement_rows(report),
                 "fiscal_year": report.fiscal_year}, "etat-de-tresorerie")
