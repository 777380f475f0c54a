"""Shapes of the ledger API (/api/v1/orgs/{org}/…): amounts leave as strings with two decimals."""

from datetime import date, datetime

from ninja import Schema

from agora.core.api import AmountIn, Money

Day = date  # a field named `date` would shadow the type inside a class body

# --- out ---------------------------------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    code: str
    label: str
    account_class: int
    kind: str
    reconcilable: bool
    party_required: bool
    active: bool


class JournalOut(Schema):
    id: int
    code: str
    label: str
    kind: str
    default_account: str | None
    active: bool


class PeriodOut(Schema):
    id: int
    start_date: date
    end_date: date
    state: str


class FiscalYearOut(Schema):
    id: int
    code: str
    start_date: date
    end_date: date
    state: str
    result: Money | None
    periods: list[PeriodOut]


class EntrySummaryOut(Schema):
    id: int
    journal: str
    fiscal_year: str
    date: date
    number: int | None
    display_number: str
    reference: str
    label: str
    state: str
    total: Money
    reversal_of: int | None


class EntryPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[EntrySummaryOut]


class LineOut(Schema):
    id: int
    line_no: int
    account: str
    account_label: str
    party: str | None
    label: str
    debit: Money
    credit: Money
    due_date: date | None
    matching: str | None


class EntryOut(Schema):
    id: int
    journal: str
    fiscal_year: str
    period: str
    date: date
    number: int | None
    display_number: str
    reference: str
    voucher_date: date | None
    label: str
    state: str
    posted_at: datetime | None
    posted_by: str | None
    reversal_of: int | None
    reversed_by: list[int]
    previous_hash: str
    hash: str
    total_debit: Money
    total_credit: Money
    lines: list[LineOut]


class OpenLineOut(Schema):
    id: int
    entry_id: int
    display_number: str
    journal: str
    date: date
    label: str
    account: str
    party: str | None
    debit: Money
    credit: Money
    due_date: date | None
    matching: str | None


class MatchingOut(Schema):
    id: int
    code: str
    account: str
    party: str | None
    date: date
    is_full: bool
    lines: list[int]
    balance: Money


class TrialBalanceRowOut(Schema):
    account: str
    label: str
    account_class: int
    party: str | None
    party_name: str | None
    opening_debit: Money
    opening_credit: Money
    debit: Money
    credit: Money
    closing_debit: Money
    closing_credit: Money


class TotalsOut(Schema):
    opening_debit: Money
    opening_credit: Money
    debit: Money
    credit: Money
    closing_debit: Money
    closing_credit: Money


class ClassTotalsOut(TotalsOut):
    account_class: int


class TrialBalanceOut(Schema):
    fiscal_year: str
    date_from: date
    date_to: date
    auxiliary: str | None
    balanced: bool
    rows: list[TrialBalanceRowOut]
    class_totals: list[ClassTotalsOut]
    totals: TotalsOut


class LedgerRowOut(Schema):
    """One JSON line of the streamed general ledger; kind: opening, line or total (per account)."""

    kind: str
    account: str
    account_label: str
    date: date | None
    journal: str
    entry_number: str
    reference: str
    label: str
    party: str
    debit: Money
    credit: Money
    balance: Money
    matching: str


class DeletedOut(Schema):
    deleted: bool


# --- in ----------------------------------------------------------------------------------------------------------


class AccountIn(Schema):
    code: str
    label: str
    reconcilable: bool | None = None
    party_required: bool | None = None


class LineIn(Schema):
    account: str
    debit: AmountIn = ""
    credit: AmountIn = ""
    label: str = ""
    party: str = ""
    due_date: date | None = None


class EntryIn(Schema):
    journal: str
    date: date
    label: str
    reference: str = ""
    voucher_date: date | None = None
    lines: list[LineIn]


class ReverseIn(Schema):
    date: Day | None = None
    label: str = ""


class MatchingIn(Schema):
    lines: list[int]
    date: Day | None = None
