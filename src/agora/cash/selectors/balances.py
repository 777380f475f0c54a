"""Balances read from the ledger in SQL: a register's balance, the cash position, the daily cash book.

Amounts are summed as integer cents (`agora.ledger.cents.SQL`): exact on SQLite too, where a SUM of decimals
comes back as a float.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from django.db import connection

from agora.core.money import ZERO
from agora.ledger.cents import SQL as CENTS_SQL
from agora.ledger.models import Account, EntryLine
from agora.treasury.models import BankAccount

from ..models import CashRegister

CENT = Decimal("0.01")
_NET = f"SUM({CENTS_SQL.format('l.debit')} - {CENTS_SQL.format('l.credit')})"


def _euros(cents) -> Decimal:
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)


def account_balances(organisation, account_ids: list[int], on: date) -> dict[int, Decimal]:
    """Debit − credit of posted lines dated on or before `on`, per account, in one GROUP BY."""
    if not account_ids:
        return {}
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    ids = ", ".join(str(int(pk)) for pk in account_ids)
    sql = (f"SELECT l.account_id, {_NET} FROM {table} l WHERE l.organisation_id = %s AND l.posted = %s "
           f"AND l.date <= %s AND l.account_id IN ({ids}) GROUP BY l.account_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, True, on])
        return {account_id: _euros(cents) for account_id, cents in cursor.fetchall()}


def register_balance(register: CashRegister, on: date) -> Decimal:
    """The register's book balance at the end of `on` (its 530x account)."""
    return account_balances(register.organisation, [register.account_id], on).get(register.account_id, ZERO)


def daily_moves(organisation, account_id: int, *, after: date | None = None, date_from: date | None = None,
                date_to: date | None = None) -> list[tuple[date, Decimal, Decimal]]:
    """(day, receipts, payments) of an account per day, in date order, summed in SQL."""
    table = connection.ops.quote_name(EntryLine._meta.db_table)
    where, params = ["l.organisation_id = %s", "l.posted = %s", "l.account_id = %s"], [organisation.pk, True,
                                                                                      account_id]
    for clause, value in (("l.date > %s", after), ("l.date >= %s", date_from), ("l.date <= %s", date_to)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = (f"SELECT l.date, SUM({CENTS_SQL.format('l.debit')}), SUM({CENTS_SQL.format('l.credit')}) "
           f"FROM {table} l WHERE {' AND '.join(where)} GROUP BY l.date ORDER BY l.date")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(day if isinstance(day, date) else date.fromisoformat(day), _euros(debit), _euros(credit))
                for day, debit, credit in cursor.fetchall()]


@dataclass
class CashBookDay:
    day: date
    opening: Decimal
    receipts: Decimal
    payments: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.receipts - self.payments


def cash_book(register: CashRegister, date_from: date, date_to: date) -> list[CashBookDay]:
    """The brouillard de caisse: per day with movements, opening, receipts, payments, closing."""
    balance = register_balance(register, date_from - timedelta(days=1))
    out = []
    for day, receipts, payments in daily_moves(register.organisation, register.account_id, date_from=date_from,
                                               date_to=date_to):
        out.append(CashBookDay(day, balance, receipts, payments))
        balance = out[-1].closing
    return out


# --- the cash position --------------------------------------------------------------------------------------

@dataclass
class PositionRow:
    kind: str  # "bank", "cash", "transit", "other"
    label: str
    account_code: str
    balance: Decimal
    bank_balance: Decimal | None = None
    bank_balance_date: date | None = None
    object_id: int | None = None


@dataclass
class CashPosition:
    on: date
    rows: list[PositionRow] = field(default_factory=list)

    def total_of(self, kind: str) -> Decimal:
        return sum((row.balance for row in self.rows if row.kind == kind), ZERO)

    @property
    def banks(self) -> list[PositionRow]:
        return [row for row in self.rows if row.kind in ("bank", "other")]

    @property
    def registers(self) -> list[PositionRow]:
        return [row for row in self.rows if row.kind == "cash"]

    @property
    def transit(self) -> list[PositionRow]:
        return [row for row in self.rows if row.kind == "transit"]

    @property
    def total(self) -> Decimal:
        return sum((row.balance for row in self.rows), ZERO)


def _bank_statement_balance():
    """The banking app's `last_statement_balance(bank_account, on) -> (balance, date) | None`, looked up lazily
    (the banking app sits beside this one and may not offer it)."""
    for module in ("agora.banking.selectors", "agora.banking.selectors.statements"):
        try:
            reader = getattr(import_module(module), "last_statement_balance", None)
        except ImportError:
            continue
        if reader is not None:
            return reader
    return None


def _statement_figures(reader, bank_account, on: date) -> tuple[Decimal | None, date | None]:
    result = reader(bank_account, on) if reader else None
    if result is None:
        return None, None
    if isinstance(result, tuple):
        return result[0], result[1]
    return getattr(result, "balance", result), getattr(result, "date", None)


def cash_position(organisation, on: date) -> CashPosition:
    """Balances at the end of `on` of every bank account (512x, with the bank's last statement balance when the
    banking app knows it), every cash register (530x), transfers in transit (58x) and any other class-5
    account that moved; one GROUP BY over the ledger."""
    accounts = {a.pk: a for a in Account.objects.filter(organisation=organisation, code__startswith="5")}
    balances = account_balances(organisation, list(accounts), on)
    position = CashPosition(on=on)
    claimed = set()
    reader = _bank_statement_balance()
    for bank in BankAccount.objects.filter(organisation=organisation).select_related("account").order_by(
            "-is_default", "label"):
        claimed.add(bank.account_id)
        statement, statement_day = _statement_figures(reader, bank, on)
        position.rows.append(PositionRow("bank", bank.label, bank.account.code, balances.get(bank.account_id, ZERO),
                                         statement, statement_day, bank.pk))
    for register in CashRegister.objects.filter(organisation=organisation).select_related("account"):
        claimed.add(register.account_id)
        position.rows.append(PositionRow("cash", register.label, register.account.code,
                                         balances.get(register.account_id, ZERO), object_id=register.pk))
    for pk, account in sorted(accounts.items(), key=lambda item: item[1].code):
        if pk in claimed or not balances.get(pk):
            continue
        kind = "transit" if account.code.startswith("58") else "cash" if account.code.startswith("53") else "other"
        position.rows.append(PositionRow(kind, account.label, account.code, balances[pk]))
    return position
