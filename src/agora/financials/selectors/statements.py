"""The year's income statement and balance sheet with the previous year beside, and their analysis (SIG, CAF,
financial balance, ratios): two GROUP BYs for the statements, a few small ones for the ratios."""

from dataclasses import dataclass
from decimal import Decimal

from agora.core.money import ZERO
from agora.ledger.models import FiscalYear, Journal

from ..domain import analysis, statements
from .balances import account_codes, cents, opening_journal_ids, posted_lines, previous_year, to_money, year_balances


@dataclass
class Statements:
    fiscal_year: FiscalYear
    previous_year: FiscalYear | None
    association: bool
    income: statements.IncomeStatement
    sheet: statements.BalanceSheet
    in_kind: dict | None
    balances: dict[str, Decimal]
    previous_balances: dict[str, Decimal]


def year_statements(*, organisation, fiscal_year: FiscalYear) -> Statements:
    """Compte de résultat and bilan of `fiscal_year` (association layout for associations)."""
    codes = account_codes(organisation)
    before = previous_year(fiscal_year)
    current = year_balances(organisation, fiscal_year, codes)
    previous = year_balances(organisation, before, codes)
    association = organisation.kind == "association"
    return Statements(
        fiscal_year=fiscal_year, previous_year=before, association=association,
        income=statements.income_statement(current, previous, association=association),
        sheet=statements.balance_sheet(current, previous, association=association),
        in_kind=statements.contributions_in_kind(current, previous) if association else None,
        balances=current, previous_balances=previous)


@dataclass
class Analysis:
    fiscal_year: FiscalYear
    previous_year: FiscalYear | None
    sig: analysis.Sig
    previous_sig: analysis.Sig
    caf: analysis.Caf
    previous_caf: analysis.Caf
    balance: analysis.FinancialBalance
    previous_balance: analysis.FinancialBalance
    ratios: list[analysis.Ratio]
    readings: list[str]

    def sig_rows(self):
        """(key, label, kind, amount, previous) in the printed order."""
        return [(key, label, kind, self.sig[key], self.previous_sig[key]) for key, label, kind in analysis.SIG_ROWS]

    def balance_rows(self):
        """(label, amount, previous, kind: detail, total or check)."""
        return [(label, amount, prev, kind) for (label, amount, kind), (_, prev, _) in zip(
            self.balance.rows, self.previous_balance.rows, strict=True)]


def _journal_movements(organisation, fiscal_year, kind: str, prefix: str) -> Decimal:
    """Σ debit − credit on `prefix` accounts in journals of `kind` (sales: turnover TTC on 41x)."""
    if fiscal_year is None:
        return ZERO
    row = (posted_lines(organisation, fiscal_year).filter(journal__kind=kind, account__code__startswith=prefix)
           .aggregate(d=cents("debit"), c=cents("credit")))
    return to_money((row["d"] or 0) - (row["c"] or 0))


def _opening_balance(organisation, fiscal_year, prefix: str) -> Decimal:
    """Balance of `prefix` accounts in the year's opening entries (the stock carried from the year before)."""
    if fiscal_year is None:
        return ZERO
    row = (posted_lines(organisation, fiscal_year).filter(journal_id__in=opening_journal_ids(organisation),
                                                          account__code__startswith=prefix)
           .aggregate(d=cents("debit"), c=cents("credit")))
    return to_money((row["d"] or 0) - (row["c"] or 0))


def _ratio_inputs(organisation, fiscal_year, balances, sheet_amounts) -> analysis.RatioInputs:
    return analysis.RatioInputs(
        customers=sheet_amounts["customers"]["gross"],
        suppliers=max(-statements.sum_prefixes(balances, ("401",)), ZERO),
        turnover_ttc=_journal_movements(organisation, fiscal_year, Journal.Kind.SALE, "41"),
        purchases_ttc=-_journal_movements(organisation, fiscal_year, Journal.Kind.PURCHASE, "401"),
        stock_opening=_opening_balance(organisation, fiscal_year, "37"),
        stock_closing=statements.sum_prefixes(balances, ("37",)))


def year_analysis(*, organisation, fiscal_year: FiscalYear, base: Statements | None = None) -> Analysis:
    """SIG and CAF with the previous year, the financial balance and the ratios with their reading."""
    base = base or year_statements(organisation=organisation, fiscal_year=fiscal_year)
    current, previous = base.balances, base.previous_balances
    association = base.association
    ratios = analysis.ratios(analysis.sig(current), _ratio_inputs(
        organisation, fiscal_year, current, statements.sheet_amounts(current)), association=association)
    if base.previous_year is not None:
        before = analysis.ratios(analysis.sig(previous), _ratio_inputs(
            organisation, base.previous_year, previous, statements.sheet_amounts(previous)), association=association)
        for item, old in zip(ratios, before, strict=True):
            item.previous = old.value
    balance = analysis.financial_balance(current)
    return Analysis(fiscal_year=fiscal_year, previous_year=base.previous_year, sig=analysis.sig(current),
                    previous_sig=analysis.sig(previous), caf=analysis.caf(current), previous_caf=analysis.caf(previous),
                    balance=balance, previous_balance=analysis.financial_balance(previous), ratios=ratios,
                    readings=analysis.readings({r.key: r for r in ratios}, balance, association=association))


STATEMENTS_HEADER = ["État", "Poste", "Brut", "Amortissements et dépréciations", "Net", "Exercice précédent"]


def statements_table(report: Statements) -> tuple[list[str], list[list]]:
    """Header and rows for CSV/XLSX: the balance sheet (assets with gross, depreciation and net; liabilities),
    then the income statement, each group followed by its total."""
    rows: list[list] = []
    for side, groups, total, previous in (
            ("Bilan actif", report.sheet.assets, report.sheet.total_assets, report.sheet.previous_assets),
            ("Bilan passif", report.sheet.liabilities, report.sheet.total_liabilities,
             report.sheet.previous_liabilities)):
        assets = side == "Bilan actif"
        for group in groups:
            for line in group.lines:
                rows.append([side, line.label, line.gross if assets else "", line.depreciation if assets else "",
                             line.net, line.previous])
            rows.append([side, f"Total {group.title.lower()}", group.gross if assets else "",
                         group.depreciation if assets else "", group.net, group.previous])
        rows.append([side, "Total de l'actif" if assets else "Total du passif", "", "", total, previous])
    for block in report.income.blocks.values():
        for line in block.lines:
            rows.append(["Compte de résultat", line.label, "", "", line.amount, line.previous])
        rows.append(["Compte de résultat", f"Total {block.title.lower()}", "", "", block.total, block.previous])
    for line in report.income.results:
        rows.append(["Compte de résultat", line.label, "", "", line.amount, line.previous])
    return STATEMENTS_HEADER, rows
