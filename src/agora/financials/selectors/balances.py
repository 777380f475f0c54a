"""Account balances of a fiscal year, read in one GROUP BY over the posted lines (the ledger's covering index
`line_year_balance` answers it without touching the table), summed as integer cents so that SQLite, which sums
decimals as floats, gives exact totals on a million lines."""

from decimal import Decimal

from django.db.models import BigIntegerField, F, Func, Q, Sum

from agora.ledger.models import Account, EntryLine, FiscalYear, Journal

CENT = Decimal("0.01")


class _Cents(Func):
    """An amount column as integer cents, the ledger's SQL (agora.ledger.cents.SQL): Django's Round and Cast
    would wrap it in NUMERIC casts that cost a third of the time on SQLite."""

    template = "CAST(ROUND(%(expressions)s * 100) AS BIGINT)"
    output_field = BigIntegerField()


def cents(field: str):
    """Σ of an amount column as integer cents (exact on both databases)."""
    return Sum(_Cents(F(field)))


def to_money(value) -> Decimal:
    return (Decimal(int(value or 0)) * CENT).quantize(CENT)


def posted_lines(organisation, fiscal_year: FiscalYear):
    return EntryLine.objects.posted().filter(organisation=organisation, fiscal_year=fiscal_year)


def account_codes(organisation) -> dict[int, str]:
    return dict(Account.objects.filter(organisation=organisation).values_list("pk", "code"))


def opening_journal_ids(organisation) -> list[int]:
    return list(Journal.objects.filter(organisation=organisation)
                .filter(Q(kind=Journal.Kind.OPENING) | Q(code="AN")).values_list("pk", flat=True))


def year_balances(organisation, fiscal_year: FiscalYear | None, codes: dict[int, str] | None = None
                  ) -> dict[str, Decimal]:
    """{account code: debit − credit} at the year's end, opening entries included; {} without a year."""
    if fiscal_year is None:
        return {}
    codes = codes if codes is not None else account_codes(organisation)
    rows = (posted_lines(organisation, fiscal_year).order_by().values("account_id")
            .annotate(d=cents("debit"), c=cents("credit")).values_list("account_id", "d", "c"))
    return {codes[account]: to_money((d or 0) - (c or 0)) for account, d, c in rows if (d or 0) != (c or 0)}


def previous_year(fiscal_year: FiscalYear) -> FiscalYear | None:
    """The year just before (the latest one ending before this one starts)."""
    return (FiscalYear.objects.filter(organisation_id=fiscal_year.organisation_id,
                                      end_date__lt=fiscal_year.start_date).order_by("-start_date").first())


def fiscal_years(organisation):
    return FiscalYear.objects.filter(organisation=organisation).order_by("-start_date")
