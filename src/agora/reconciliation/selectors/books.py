"""What is still to reconcile on a bank account: statement lines not yet linked, posted 512 lines not yet linked,
and the open customer (411/416) and supplier (401/404) items a bank line may settle.

An open item is a posted line with a party that no matching touches yet (a partly matched item is settled by
hand in the ledger's matching screen). Opening entries (à-nouveaux) of the bank account, and its lines of the fiscal
years before the first imported statement, are not items to reconcile: the à-nouveaux carry them.
"""

from datetime import date

from django.db.models import BigIntegerField, Min, Q, QuerySet
from django.db.models.functions import Cast, Round

from agora.banking.models import BankStatement, StatementLine
from agora.ledger.models import Account, EntryLine, FiscalYear, Journal
from agora.treasury.models import BankAccount

from ..models import Reconciliation, ReconciliationRule

CUSTOMER_PREFIXES = ("411", "416")
SUPPLIER_PREFIXES = ("401", "404")


def cents_of(expression):
    """An amount column as integer cents, computed by the database — exact for two-decimal amounts on SQLite and
    PostgreSQL, as the ledger's exports read them: no float sums, no Decimal built per row."""
    return Cast(Round(expression * 100), BigIntegerField())


def bank_accounts(*, organisation) -> QuerySet:
    return BankAccount.objects.filter(organisation=organisation, active=True).select_related("account", "journal")


def bank_account_get(*, organisation, pk: int) -> BankAccount:
    return BankAccount.objects.select_related("account", "journal").get(organisation=organisation, pk=pk)


def bank_account_default(*, organisation) -> BankAccount | None:
    return bank_accounts(organisation=organisation).first()


def statement_lines_open(*, bank_account: BankAccount) -> QuerySet:
    return StatementLine.objects.filter(organisation_id=bank_account.organisation_id, bank_account=bank_account,
                                        reconciled__isnull=True).order_by("date", "sequence", "id")


def reconciliation_start(bank_account: BankAccount) -> date:
    """From when 512 lines are to reconcile: the start of the fiscal year of the account's first imported
    statement (earlier years came in through the à-nouveaux); the earliest date when there is no statement."""
    first = (BankStatement.objects.filter(organisation_id=bank_account.organisation_id, bank_account=bank_account)
             .aggregate(first=Min("start_date"))["first"])
    if first is None:
        return date.min
    year_start = (FiscalYear.objects.filter(organisation_id=bank_account.organisation_id, start_date__lte=first,
                                            end_date__gte=first).values_list("start_date", flat=True).first())
    return year_start or first


def entry_lines_open(*, bank_account: BankAccount) -> QuerySet:
    """Posted lines of the account's 512 not yet on a statement (opening entries and lines of the years before
    the first statement aside)."""
    return (EntryLine.objects.filter(organisation_id=bank_account.organisation_id, posted=True,
                                     account_id=bank_account.account_id, bank_reconciled__isnull=True,
                                     date__gte=reconciliation_start(bank_account))
            .exclude(journal__kind=Journal.Kind.OPENING).order_by("date", "id"))


def _account_ids(organisation, prefixes: tuple[str, ...]) -> list[int]:
    query = Q()
    for prefix in prefixes:
        query |= Q(code__startswith=prefix)
    return list(Account.objects.filter(query, organisation=organisation).values_list("pk", flat=True))


def open_items(*, organisation, side: str) -> QuerySet:
    """Unmatched customer debits (`side="customer"`) or supplier credits (`side="supplier"`)."""
    customer = side == "customer"
    amount = Q(debit__gt=0) if customer else Q(credit__gt=0)
    return (EntryLine.objects.filter(amount, organisation=organisation, posted=True, party__isnull=False,
                                     matching_part__isnull=True,
                                     account_id__in=_account_ids(organisation, CUSTOMER_PREFIXES if customer
                                                                 else SUPPLIER_PREFIXES))
            .order_by("date", "id"))


def reconciliations(*, bank_account: BankAccount) -> QuerySet:
    return (Reconciliation.objects.filter(organisation_id=bank_account.organisation_id, bank_account=bank_account)
            .select_related("created_by")
            .prefetch_related("statement_links__statement_line", "entry_links__entry_line__entry__journal",
                              "entry_links__entry_line__entry__fiscal_year"))


def reconciliation_get(*, organisation, pk: int) -> Reconciliation:
    return Reconciliation.objects.select_related("bank_account").get(organisation=organisation, pk=pk)


def rules(*, organisation) -> QuerySet:
    return (ReconciliationRule.objects.filter(organisation=organisation)
            .select_related("account", "party", "bank_account"))


def rule_get(*, organisation, pk: int) -> ReconciliationRule:
    return rules(organisation=organisation).get(pk=pk)


def statement_line_get(*, organisation, pk: int) -> StatementLine:
    return StatementLine.objects.select_related("bank_account__account", "bank_account__journal").get(
        organisation=organisation, pk=pk)
