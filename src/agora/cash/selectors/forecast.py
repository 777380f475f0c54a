"""The cash forecast (budget de trésorerie): from the cash position, the open ledger items by due date, the
recurring items and the manual lines, bucketed by week or month, with the overdue items in a first column.

Open items are read in SQL. On matched accounts (customers 411/416, suppliers 401/404) a line is open while it
is not fully matched; in a partial matching, the lines on the side still owed share the matching's balance
pro rata (the other side's lines count 0), so the open items always add up to the account's balance. A line
without a due date (a payment on account, an opening balance) is due on its own date. Accounts
paid without matching (VAT 44551, payroll 421/431/437/4421) are read first-in first-out: the account's
outstanding credit balance belongs to its latest lines, the older ones are taken as paid.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from agora.core.money import ZERO, round_money
from agora.ledger.cents import SQL as CENTS_SQL
from agora.ledger.models import Account, EntryLine, Matching, MatchingPart
from agora.parties.models import Party

from ..domain import Period, occurrences, periods
from ..models import Category, Direction, ForecastLine, RecurringItem
from .balances import cash_position

CENT = Decimal("0.01")
MATCHED_PREFIXES = {"411": Category.SALES, "416": Category.SALES, "401": Category.SUPPLIERS,
                    "404": Category.SUPPLIERS}
BALANCE_PREFIXES = {"44551": Category.VAT, "421": Category.SALARIES, "431": Category.SALARIES,
                    "437": Category.SALARIES, "4421": Category.SALARIES}
UNITS = {"week": ("semaine", 13), "month": ("mois", 12)}
OVERDUE = Period(date.min, date.min, "En retard")


@dataclass
class ForecastItem:
    due: date
    category: str
    label: str
    amount: Decimal  # signed: + inflow, − outflow
    source: str  # "ledger", "recurring", "manual"
    inflow: bool  # the table's side: customers and planned receipts are inflows (a credit note nets them down)


@dataclass
class ForecastRow:
    category: str
    label: str
    amounts: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass
class Forecast:
    start: date
    unit: str
    columns: list[Period]
    opening: Decimal
    inflows: list[ForecastRow] = field(default_factory=list)
    outflows: list[ForecastRow] = field(default_factory=list)
    items: list[ForecastItem] = field(default_factory=list)
    actual: list[Decimal | None] = field(default_factory=list)

    def _sum(self, rows) -> list[Decimal]:
        return [sum((row.amounts[i] for row in rows), ZERO) for i in range(len(self.columns))]

    @property
    def inflow_totals(self) -> list[Decimal]:
        return self._sum(self.inflows)

    @property
    def outflow_totals(self) -> list[Decimal]:
        return self._sum(self.outflows)

    @property
    def net(self) -> list[Decimal]:
        return [i - o for i, o in zip(self.inflow_totals, self.outflow_totals, strict=True)]

    @property
    def openings(self) -> list[Decimal]:
        out, balance = [], self.opening
        for net in self.net:
            out.append(balance)
            balance += net
        return out

    @property
    def closings(self) -> list[Decimal]:
        return [opening + net for opening, net in zip(self.openings, self.net, strict=True)]


def _accounts(organisation, prefixes: dict) -> dict[int, str]:
    """{account id: category} of the organisation's accounts under the given prefixes (longest prefix wins)."""
    out = {}
    for pk, code in Account.objects.filter(organisation=organisation, code__startswith="4").values_list("pk", "code"):
        matches = [prefix for prefix in prefixes if code.startswith(prefix)]
        if matches:
            out[pk] = prefixes[max(matches, key=len)]
    return out


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _decimal(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


_MATCHED_SQL = """
SELECT l.account_id, COALESCE(l.due_date, l.date), l.label, p.name,
       CASE WHEN mp.id IS NULL THEN l.debit - l.credit
            WHEN l.debit > 0 AND m.balance > 0 THEN l.debit * m.balance / m.debits
            WHEN l.credit > 0 AND m.balance < 0 THEN -l.credit * m.balance / m.credits
            ELSE 0 END
FROM {line} l
LEFT JOIN {party} p ON p.id = l.party_id
LEFT JOIN {part} mp ON mp.line_id = l.id
LEFT JOIN (SELECT p2.matching_id, SUM(p2.amount) AS balance,
                  SUM(CASE WHEN p2.amount > 0 THEN p2.amount ELSE 0 END) AS debits,
                  SUM(CASE WHEN p2.amount < 0 THEN p2.amount ELSE 0 END) AS credits,
                  MAX(CAST(mm.is_full AS INTEGER)) AS full_flag
           FROM {part} p2 JOIN {matching} mm ON mm.id = p2.matching_id
           WHERE mm.organisation_id = %(org)s AND mm.account_id IN ({accounts})
           GROUP BY p2.matching_id) m ON m.matching_id = mp.matching_id
WHERE l.organisation_id = %(org)s AND l.posted = %(posted)s AND l.account_id IN ({accounts})
  AND (mp.id IS NULL OR m.full_flag = 0)
"""


def _matched_items(organisation) -> list[ForecastItem]:
    accounts = _accounts(organisation, MATCHED_PREFIXES)
    if not accounts:
        return []
    quote = connection.ops.quote_name
    sql = _MATCHED_SQL.format(line=quote(EntryLine._meta.db_table), party=quote(Party._meta.db_table),
                              part=quote(MatchingPart._meta.db_table), matching=quote(Matching._meta.db_table),
                              accounts=", ".join(str(int(pk)) for pk in accounts))
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, {"org": organisation.pk, "posted": True})
        while batch := cursor.fetchmany(5000):
            for account_id, due, label, party, amount in batch:
                amount = round_money(_decimal(amount))
                if amount:
                    category = accounts[account_id]
                    out.append(ForecastItem(_as_date(due), category, f"{party} — {label}" if party else label,
                                            amount, "ledger", category == Category.SALES))
    return out


def _balance_items(organisation) -> list[ForecastItem]:
    """Outstanding credit balance of each VAT/payroll account, laid on its latest due-dated lines."""
    accounts = _accounts(organisation, BALANCE_PREFIXES)
    if not accounts:
        return []
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    ids = ", ".join(str(int(pk)) for pk in accounts)
    net = f"SUM({CENTS_SQL.format('credit')} - {CENTS_SQL.format('debit')})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT account_id, {net} FROM {table} WHERE organisation_id = %s AND posted = %s "
                       f"AND account_id IN ({ids}) GROUP BY account_id", [organisation.pk, True])
        owed = {pk: int(cents or 0) for pk, cents in cursor.fetchall() if (cents or 0) > 0}
        if not owed:
            return []
        cursor.execute(f"SELECT account_id, due_date, label, {CENTS_SQL.format('credit')} FROM {table} "
                       f"WHERE organisation_id = %s AND posted = %s AND credit > 0 "
                       f"AND account_id IN ({', '.join(str(pk) for pk in owed)}) "
                       "ORDER BY account_id, date DESC, id DESC", [organisation.pk, True])
        out = []
        for account_id, due, label, cents in cursor.fetchall():
            left = owed[account_id]
            if left <= 0:
                continue
            share = min(left, int(cents))
            owed[account_id] = left - share
            if due is not None:
                out.append(ForecastItem(_as_date(due), accounts[account_id], label,
                                        -(Decimal(share) * CENT).quantize(CENT), "ledger", False))
    return out


def _planned_items(organisation, window: tuple[date, date]) -> list[ForecastItem]:
    out = []
    for item in RecurringItem.objects.filter(organisation=organisation, active=True):
        sign = 1 if item.direction == Direction.INFLOW else -1
        for day in occurrences(start=item.start_date, end=item.end_date, frequency=item.frequency,
                               day_of_month=item.day_of_month, window=window):
            out.append(ForecastItem(day, item.category, item.label, sign * item.amount, "recurring", sign > 0))
    for line in ForecastLine.objects.filter(organisation=organisation, date__range=window):
        sign = 1 if line.direction == Direction.INFLOW else -1
        out.append(ForecastItem(line.date, line.category, line.label, sign * line.amount, "manual", sign > 0))
    return out


def _actual_balances(organisation, columns: list[Period], opening: Decimal, today: date) -> list[Decimal | None]:
    """The real cash (5x accounts) at the end of each period already begun, from the ledger's daily movements."""
    first, last = columns[1].start, min(columns[-1].end, today)
    if last < first:
        return [None] * len(columns)
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    ids = list(Account.objects.filter(organisation=organisation, code__startswith="5").values_list("pk", flat=True))
    moves: dict[date, int] = {}
    if ids:
        net = f"SUM({CENTS_SQL.format('debit')} - {CENTS_SQL.format('credit')})"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT date, {net} FROM {table} WHERE organisation_id = %s AND posted = %s "
                           f"AND date BETWEEN %s AND %s AND account_id IN ({', '.join(str(i) for i in ids)}) "
                           "GROUP BY date", [organisation.pk, True, first, last])
            moves = {_as_date(day): int(cents or 0) for day, cents in cursor.fetchall()}
    out: list[Decimal | None] = [None]
    balance = opening
    for period in columns[1:]:
        if period.start > today:
            out.append(None)
            continue
        balance += sum((Decimal(c) * CENT for d, c in moves.items() if period.start <= d <= period.end), ZERO)
        out.append(balance.quantize(CENT))
    return out


def _rows(items: list[ForecastItem], columns: list[Period], start: date, *, inflow: bool) -> list[ForecastRow]:
    labels = dict(Category.choices)
    rows: dict[str, ForecastRow] = {}
    for item in items:
        if item.inflow != inflow:
            continue
        index = 0 if item.due < start else next(
            (n for n, period in enumerate(columns) if n and period.start <= item.due <= period.end), None)
        if index is None:
            continue
        row = rows.setdefault(item.category, ForecastRow(item.category, labels[item.category],
                                                         [ZERO] * len(columns)))
        row.amounts[index] += item.amount if inflow else -item.amount
    order = list(labels)
    return sorted(rows.values(), key=lambda row: order.index(row.category))


def forecast(organisation, *, start: date, unit: str = "week", count: int | None = None,
             today: date | None = None) -> Forecast:
    """The forecast from `start` (the cash position at the end of the day before) over `count` weeks or months."""
    if unit not in UNITS:
        unit = "week"
    count = count or UNITS[unit][1]
    columns = [OVERDUE, *periods(start, unit=unit, count=count)]
    columns[1] = Period(start, columns[1].end, columns[1].label)  # the first period starts on `start`
    opening = cash_position(organisation, start - timedelta(days=1)).total
    window = (start, columns[-1].end)
    items = [item for item in _matched_items(organisation) + _balance_items(organisation)
             if item.due <= window[1]]
    items += _planned_items(organisation, window)
    items.sort(key=lambda item: (item.due, item.category, item.label))
    result = Forecast(start=start, unit=unit, columns=columns, opening=opening, items=items)
    result.inflows = _rows(items, columns, start, inflow=True)
    result.outflows = _rows(items, columns, start, inflow=False)
    result.actual = _actual_balances(organisation, columns, opening, today or start)
    return result
