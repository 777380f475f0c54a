"""Month-by-month figures of a year for the analysis charts: turnover and EBE cumulated, cash at each month end.
One GROUP BY (account, month) over the lines of classes 5 to 7."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agora.core.money import ZERO
from agora.ledger.models import Account, FiscalYear

from ..domain import analysis
from .balances import cents, opening_journal_ids, posted_lines, to_money

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


@dataclass
class Month:
    start: date
    label: str
    turnover: Decimal
    ebitda: Decimal
    cash: Decimal


def month_starts(fiscal_year: FiscalYear) -> list[date]:
    out, day = [], fiscal_year.start_date.replace(day=1)
    while day <= fiscal_year.end_date:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def monthly_series(*, organisation, fiscal_year: FiscalYear) -> list[Month]:
    accounts = dict(Account.objects.filter(organisation=organisation, account_class__in=(5, 6, 7))
                    .values_list("pk", "code"))
    opening = opening_journal_ids(organisation)
    lines = posted_lines(organisation, fiscal_year).filter(account_id__in=list(accounts))
    cash = to_money(sum(((d or 0) - (c or 0)) for d, c in lines.filter(
        journal_id__in=opening, account__account_class=5).order_by().values("account_id").annotate(
        d=cents("debit"), c=cents("credit")).values_list("d", "c")))
    by_month: dict[date, dict[str, Decimal]] = {}
    # Grouped by day (a month truncation is a Python function per row on SQLite), bucketed into months here.
    for account, day, d, c in (lines.exclude(journal_id__in=opening).order_by().values("account_id", "date")
                               .annotate(d=cents("debit"), c=cents("credit"))
                               .values_list("account_id", "date", "d", "c")):
        month, code = by_month.setdefault(day.replace(day=1), {}), accounts[account]
        month[code] = month.get(code, ZERO) + to_money((d or 0) - (c or 0))
    out, turnover, ebitda = [], ZERO, ZERO
    for start in month_starts(fiscal_year):
        balances = by_month.get(start, {})
        sig = analysis.sig(balances)
        turnover += sig["sales_goods"] + sig["production_sold"]
        ebitda += sig["ebitda"]
        cash += sum((b for code, b in balances.items() if code.startswith("5")), ZERO)
        out.append(Month(start, f"{MONTHS[start.month - 1]} {start:%y}", turnover, ebitda, cash))
    return out
