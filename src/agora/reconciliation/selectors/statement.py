"""The bank reconciliation statement (état de rapprochement) at a date, and `reconciled_until`.

Classic French layout (french-rules-2026 §7): the balance per books (512 at the date, debit balance) plus the
statement lines not yet booked (credits +, debits −) gives the books' adjusted balance; the balance per bank plus
the 512 lines not yet on a statement (deposits +, cheques and transfers issued −) gives the bank's; they must be
equal. "Not yet" is judged at the date: a line reconciled with a counterpart dated later still counts as pending.
512 lines of the fiscal years before the account's first imported statement are history: the à-nouveaux carry
them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Max, Min, OuterRef, Q, Subquery, Sum

from agora.banking.models import BankStatement, StatementLine
from agora.core.money import ZERO, round_money
from agora.ledger.models import EntryLine, FiscalYear, Journal
from agora.treasury.models import BankAccount

from ..models import ReconciledEntryLine, ReconciledStatementLine
from .books import cents_of, reconciliation_start


@dataclass
class PendingLine:
    pk: int
    date: date
    label: str
    reference: str
    amount: Decimal  # signed as it adjusts its side's balance


@dataclass
class ReconciliationStatement:
    bank_account: BankAccount
    on: date
    books_balance: Decimal
    bank_balance: Decimal
    bank_unbooked: list[PendingLine] = field(default_factory=list)  # on the statement, not in the books
    books_unbanked: list[PendingLine] = field(default_factory=list)  # in the books, not on a statement

    @property
    def books_adjustments(self) -> Decimal:
        return sum((line.amount for line in self.bank_unbooked), ZERO)

    @property
    def bank_adjustments(self) -> Decimal:
        return sum((line.amount for line in self.books_unbanked), ZERO)

    @property
    def books_adjusted(self) -> Decimal:
        return self.books_balance + self.books_adjustments

    @property
    def bank_adjusted(self) -> Decimal:
        return self.bank_balance + self.bank_adjustments

    @property
    def difference(self) -> Decimal:
        return self.books_adjusted - self.bank_adjusted

    @property
    def balanced(self) -> bool:
        return self.difference == ZERO


def _books_lines(bank_account: BankAccount):
    return EntryLine.objects.filter(organisation_id=bank_account.organisation_id, posted=True,
                                    account_id=bank_account.account_id)


def books_balance(bank_account: BankAccount, on: date) -> Decimal:
    """The 512 balance at the end of `on`, read as the ledger does: within the fiscal year holding the date, its
    opening entry (à-nouveaux) plus its lines up to the date; all lines up to the date when the year has no
    opening entry on this account (a first year, or the previous year not closed yet)."""
    lines = _books_lines(bank_account).filter(date__lte=on)
    year = FiscalYear.objects.filter(organisation_id=bank_account.organisation_id, start_date__lte=on,
                                     end_date__gte=on).first()
    if year is not None and lines.filter(fiscal_year=year, journal__kind=Journal.Kind.OPENING).exists():
        lines = lines.filter(fiscal_year=year)
    total = lines.aggregate(cents=Sum(cents_of(F("debit") - F("credit"))))["cents"]
    return round_money(Decimal(total or 0) / 100)


def bank_balance(bank_account: BankAccount, on: date) -> Decimal:
    """The bank's balance at the end of `on`: the opening balance of the latest statement starting on or before
    the date, plus its movements up to the date (zero opening when no statement gives one)."""
    statement = (BankStatement.objects.filter(organisation_id=bank_account.organisation_id, bank_account=bank_account,
                                              start_date__lte=on, opening_balance__isnull=False)
                 .order_by("-start_date", "-id").first())
    lines = StatementLine.objects.filter(organisation_id=bank_account.organisation_id, bank_account=bank_account,
                                         date__lte=on)
    opening = ZERO
    if statement is not None:
        opening = statement.opening_balance
        lines = lines.filter(statement=statement)
    return opening + round_money(Decimal(lines.aggregate(cents=Sum(cents_of(F("amount"))))["cents"] or 0) / 100)


def reconciliation_statement(bank_account: BankAccount, on: date) -> ReconciliationStatement:
    """Both balances at `on` and the items pending on each side, in two queries each."""
    organisation_id = bank_account.organisation_id
    booked_by = Subquery(ReconciledEntryLine.objects.filter(
        reconciliation_id=OuterRef("reconciled__reconciliation_id")).values("reconciliation_id")
        .annotate(last=Max("entry_line__date")).values("last")[:1])
    unbooked = (StatementLine.objects.filter(organisation_id=organisation_id, bank_account=bank_account, date__lte=on)
                .annotate(booked_on=booked_by).filter(Q(booked_on__isnull=True) | Q(booked_on__gt=on))
                .order_by("date", "sequence", "id").values_list("pk", "date", "label", "reference", "amount"))
    banked_by = Subquery(ReconciledStatementLine.objects.filter(
        reconciliation_id=OuterRef("bank_reconciled__reconciliation_id")).values("reconciliation_id")
        .annotate(last=Max("statement_line__date")).values("last")[:1])
    unbanked = (_books_lines(bank_account).filter(date__lte=on, date__gte=reconciliation_start(bank_account))
                .exclude(journal__kind=Journal.Kind.OPENING)
                .annotate(banked_on=banked_by).filter(Q(banked_on__isnull=True) | Q(banked_on__gt=on))
                .order_by("date", "id").values_list("pk", "date", "label", "entry__reference", "debit", "credit"))
    return ReconciliationStatement(
        bank_account=bank_account, on=on, books_balance=books_balance(bank_account, on),
        bank_balance=bank_balance(bank_account, on),
        bank_unbooked=[PendingLine(*row) for row in unbooked],
        books_unbanked=[PendingLine(pk, day, label, reference, debit - credit)
                        for pk, day, label, reference, debit, credit in unbanked])


def reconciled_until(bank_account: BankAccount) -> date | None:
    """The last date up to which every statement line and every 512 line (opening entries aside) is
    reconciled: the day before the oldest open line on either side, or the last statement's end when nothing
    is open. None when the account has no statement yet."""
    organisation_id = bank_account.organisation_id
    last_statement = BankStatement.objects.filter(organisation_id=organisation_id,
                                                  bank_account=bank_account).aggregate(end=Max("end_date"))["end"]
    if last_statement is None:
        return None
    oldest_bank = StatementLine.objects.filter(organisation_id=organisation_id, bank_account=bank_account,
                                               reconciled__isnull=True).aggregate(first=Min("date"))["first"]
    oldest_books = (_books_lines(bank_account).filter(bank_reconciled__isnull=True,
                                                      date__gte=reconciliation_start(bank_account))
                    .exclude(journal__kind=Journal.Kind.OPENING).aggregate(first=Min("date"))["first"])
    oldest = min((day for day in (oldest_bank, oldest_books) if day is not None), default=None)
    if oldest is None:
        return last_statement
    return min(oldest - timedelta(days=1), last_statement)
