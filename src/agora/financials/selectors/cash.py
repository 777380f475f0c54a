"""The periodic cash statement (état de trésorerie): per month or quarter, what came in and went out of the
cash accounts (class 5) by counter-account category, with the cash at the start and the end of each period
reconciled to the class 5 balances read directly.

A receipt or a payment is read from the other lines of the entries that touch a class 5 account: a credit on
411 in such an entry is money in from customers, a debit on 627 money out for bank charges. Transfers between
two cash accounts have no such line and move nothing. Two figures are computed independently and compared per
period: start + receipts − disbursements, and the class 5 balance at the period's end.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from agora.core.money import ZERO
from agora.ledger.models import Account, FiscalYear

from ..domain.statements import longest_prefix
from .balances import cents, opening_journal_ids, posted_lines, to_money
from .monthly import MONTHS, month_starts

CATEGORIES = [("customers", "Clients"), ("suppliers", "Fournisseurs"), ("staff", "Personnel"),
              ("social", "Organismes sociaux"), ("state", "État, impôts et TVA"),
              ("fixed_assets", "Immobilisations"), ("loans", "Emprunts"), ("other", "Autres")]
CATEGORY_OF = {"41": "customers", "40": "suppliers", "404": "fixed_assets", "42": "staff", "43": "social",
               "44": "state", "2": "fixed_assets", "462": "fixed_assets", "757": "fixed_assets", "775": "fixed_assets",
               "16": "loans", "17": "loans"}


def category(code: str) -> str:
    return longest_prefix(code, CATEGORY_OF) or "other"


@dataclass
class CashPeriod:
    start: date
    end: date
    label: str
    opening: Decimal = ZERO
    receipts: dict[str, Decimal] = field(default_factory=lambda: {key: ZERO for key, _ in CATEGORIES})
    disbursements: dict[str, Decimal] = field(default_factory=lambda: {key: ZERO for key, _ in CATEGORIES})
    closing_books: Decimal = ZERO

    @property
    def total_receipts(self) -> Decimal:
        return sum(self.receipts.values(), ZERO)

    @property
    def total_disbursements(self) -> Decimal:
        return sum(self.disbursements.values(), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_receipts - self.total_disbursements

    @property
    def reconciled(self) -> bool:
        return self.closing == self.closing_books


@dataclass
class CashStatement:
    fiscal_year: FiscalYear
    period: str
    periods: list[CashPeriod]

    @property
    def reconciled(self) -> bool:
        return all(p.reconciled for p in self.periods)

    def totals(self) -> dict:
        return {"receipts": {k: sum((p.receipts[k] for p in self.periods), ZERO) for k, _ in CATEGORIES},
                "disbursements": {k: sum((p.disbursements[k] for p in self.periods), ZERO) for k, _ in CATEGORIES}}


def _periods(fiscal_year: FiscalYear, period: str) -> list[CashPeriod]:
    starts = month_starts(fiscal_year)
    if period == "quarter":
        starts = starts[::3]
    out = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else None
        last = date.fromordinal(end.toordinal() - 1) if end else fiscal_year.end_date
        label = (f"{MONTHS[start.month - 1]} {start:%Y}" if period == "month"
                 else f"{MONTHS[start.month - 1]} – {MONTHS[last.month - 1]} {last:%Y}")
        out.append(CashPeriod(max(start, fiscal_year.start_date), last, label))
    return out


def cash_statement(*, organisation, fiscal_year: FiscalYear, period: str = "month") -> CashStatement:
    """Receipts and disbursements by category and period (month or quarter) of the year."""
    period = "quarter" if period == "quarter" else "month"
    codes = dict(Account.objects.filter(organisation=organisation).values_list("pk", "code"))
    cash_ids = [pk for pk, code in codes.items() if code.startswith("5")]
    opening_ids = opening_journal_ids(organisation)
    lines = posted_lines(organisation, fiscal_year)
    cash_lines = lines.filter(account_id__in=cash_ids)
    opening = to_money(sum(((d or 0) - (c or 0)) for d, c in cash_lines.filter(journal_id__in=opening_ids)
                           .order_by().values("account_id").annotate(d=cents("debit"), c=cents("credit"))
                           .values_list("d", "c")))
    moves = cash_lines.exclude(journal_id__in=opening_ids)
    # Grouped by day, not by month: a month truncation is a Python function per row on SQLite; a year has at
    # most 366 days per account, bucketed into months here.
    books: dict[date, Decimal] = {}
    for day, d, c in (moves.order_by().values("date").annotate(d=cents("debit"), c=cents("credit"))
                      .values_list("date", "d", "c")):
        month = day.replace(day=1)
        books[month] = books.get(month, ZERO) + to_money((d or 0) - (c or 0))
    counterparts = (lines.filter(entry_id__in=moves.values("entry_id")).exclude(account_id__in=cash_ids)
                    .order_by().values("account_id", "date")
                    .annotate(d=cents("debit"), c=cents("credit")).values_list("account_id", "date", "d", "c"))
    flows: dict[date, list[tuple[str, Decimal, Decimal]]] = {}
    for account, day, d, c in counterparts:
        flows.setdefault(day.replace(day=1), []).append((category(codes[account]), to_money(c), to_money(d)))
    periods = _periods(fiscal_year, period)
    balance = opening
    for item in periods:
        item.opening = balance
        for start in month_starts(fiscal_year):
            if item.start.replace(day=1) <= start <= item.end:
                for kind, money_in, money_out in flows.get(start, ()):
                    item.receipts[kind] += money_in
                    item.disbursements[kind] += money_out
                balance += books.get(start, ZERO)
        item.closing_books = balance
    return CashStatement(fiscal_year, period, periods)


def cash_statement_rows(report: CashStatement) -> list[tuple[str, str, str, list[Decimal]]]:
    """(kind, key, label, one amount per period then the year) in the printed order; kind: balance, heading,
    line, subtotal, total, check."""
    periods, totals = report.periods, report.totals()
    first = periods[0].opening if periods else ZERO
    last, last_books = (periods[-1].closing, periods[-1].closing_books) if periods else (ZERO, ZERO)
    rows = [("balance", "opening", "Trésorerie en début de période", [p.opening for p in periods] + [first]),
            ("heading", "", "Encaissements", [])]
    rows += [("line", f"in-{key}", label, [p.receipts[key] for p in periods] + [totals["receipts"][key]])
             for key, label in CATEGORIES]
    rows += [("subtotal", "receipts", "Total des encaissements",
              [p.total_receipts for p in periods] + [sum(totals["receipts"].values(), ZERO)]),
             ("heading", "", "Décaissements", [])]
    rows += [("line", f"out-{key}", label, [p.disbursements[key] for p in periods] + [totals["disbursements"][key]])
             for key, label in CATEGORIES]
    rows += [("subtotal", "disbursements", "Total des décaissements",
              [p.total_disbursements for p in periods] + [sum(totals["disbursements"].values(), ZERO)]),
             ("total", "closing", "Trésorerie en fin de période", [p.closing for p in periods] + [last]),
             ("check", "books", "Soldes des comptes de trésorerie (classe 5)",
              [p.closing_books for p in periods] + [last_books])]
    return rows


def cash_statement_table(report: CashStatement) -> tuple[list[str], list[list]]:
    """Header and rows for CSV/XLSX: one row per figure, one column per period, then the year."""
    header = ["Poste"] + [p.label for p in report.periods] + ["Exercice"]
    return header, [[label, *values] for kind, _, label, values in cash_statement_rows(report) if kind != "heading"]
