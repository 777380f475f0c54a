"""Reads of bank statements, for the screens and for the other apps (reconciliation, cash position, closing).

- `last_statement_balance(bank_account, on=None)` → (closing balance, end date) of the latest statement ending
  on or before `on` (any date when None), or None: the bank's balance the reconciliation statement starts from.
- `statement_lines(organisation, bank_account=None, date_from=None, date_to=None, statement=None)` → queryset of
  lines, ordered by date and order in the file, with their statement and bank account joined.
"""

from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from agora.treasury.models import BankAccount

from ..models import BankStatement, CsvMapping, StatementLine


def last_statement_balance(bank_account, on: date | None = None) -> tuple[Decimal, date] | None:
    statements = BankStatement.objects.filter(bank_account=bank_account, closing_balance__isnull=False)
    if on is not None:
        statements = statements.filter(end_date__lte=on)
    latest = statements.order_by("-end_date", "-id").values_list("closing_balance", "end_date").first()
    return (latest[0], latest[1]) if latest else None


def statement_lines(*, organisation, bank_account=None, date_from=None, date_to=None, statement=None):
    lines = StatementLine.objects.filter(organisation=organisation).select_related("statement", "bank_account")
    if bank_account is not None:
        lines = lines.filter(bank_account=bank_account)
    if statement is not None:
        lines = lines.filter(statement=statement)
    if date_from:
        lines = lines.filter(date__gte=date_from)
    if date_to:
        lines = lines.filter(date__lte=date_to)
    return lines.order_by("date", "statement_id", "sequence", "id")


def statement_list(*, organisation, bank_account=None, date_from=None, date_to=None):
    statements = BankStatement.objects.filter(organisation=organisation).select_related(
        "bank_account", "bank_account__journal", "imported_by")
    if bank_account is not None:
        statements = statements.filter(bank_account=bank_account)
    if date_from:
        statements = statements.filter(end_date__gte=date_from)
    if date_to:
        statements = statements.filter(start_date__lte=date_to)
    return statements.order_by("-end_date", "-id")


def statement_get(*, organisation, pk) -> BankStatement:
    return BankStatement.objects.select_related("bank_account", "bank_account__journal", "imported_by").get(
        organisation=organisation, pk=pk)


def account_balances(*, organisation):
    """Each bank account with the closing balance and end date of its latest statement (one query)."""
    latest = BankStatement.objects.filter(bank_account=OuterRef("pk"), closing_balance__isnull=False).order_by(
        "-end_date", "-id")
    return BankAccount.objects.filter(organisation=organisation).select_related("journal").annotate(
        last_balance=Subquery(latest.values("closing_balance")[:1]),
        last_date=Subquery(latest.values("end_date")[:1])).order_by("-is_default", "label")


def mapping_list(*, organisation, bank_account=None):
    mappings = CsvMapping.objects.filter(organisation=organisation).select_related("bank_account")
    if bank_account is not None:
        mappings = mappings.filter(bank_account=bank_account)
    return mappings.order_by("bank_account__label", "name")


def mapping_get(*, organisation, pk) -> CsvMapping:
    return CsvMapping.objects.select_related("bank_account").get(organisation=organisation, pk=pk)


def bank_account_get(*, organisation, pk) -> BankAccount:
    return BankAccount.objects.select_related("journal").get(organisation=organisation, pk=pk)


def bank_account_find(*, organisation, key: str) -> BankAccount | None:
    """By journal code (BQ1) or IBAN, for the command line."""
    compact = "".join(key.split()).upper()
    return (BankAccount.objects.filter(organisation=organisation, journal__code=compact).first()
            or BankAccount.objects.filter(organisation=organisation, iban=compact).first())
