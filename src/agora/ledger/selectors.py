"""Ledger reads, always scoped to one organisation and aggregated in SQL.

Reports read the denormalised EntryLine columns (organisation, fiscal_year, date, posted, journal) so their
aggregates never join Entry; the line-by-line reports stream with `.iterator()` and never hold the year in
memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Lower

from agora.core.money import ZERO, round_money
from agora.parties.models import Party

from .models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, MatchingPart
from .search import entry_scope

AMOUNT = DecimalField(max_digits=18, decimal_places=2)
AUXILIARY_PREFIXES = {"customer": ("411", "416"), "supplier": ("401", "404")}


# ---------------------------------------------------------------- lists and lookups

def account_list(*, organisation, search: str = "", account_class: int | None = None):
    qs = Account.objects.filter(organisation=organisation)
    if search:
        search = search.strip()
        qs = qs.filter(Q(code__startswith=search) | Q(label__icontains=search))
    if account_class not in (None, ""):
        qs = qs.filter(account_class=int(account_class))
    return qs.order_by("code")


def entry_list(*, organisation, journal=None, state: str | None = None, date_from: date | None = None,
               date_to: date | None = None, search: str = "", fiscal_year=None):
    """Entries with their journal and year, annotated `total` (Σ debit) by a subquery: one query whatever
    the number of rows. `journal` and `fiscal_year` accept an object or a pk (int), or a code (str).

    `search` keeps entries whose label or reference contains it (any case) or whose number is the digits after
    its last "-" (VT-2026-000123 → 123); a trigram index (ledger.search) narrows the rows read first."""
    search = (search or "").strip()
    number = search.rsplit("-", 1)[-1]
    number = int(number) if number.isascii() and number.isdigit() and len(number) <= 9 else None
    total = (EntryLine.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
             .annotate(total=Sum("debit")).values("total"))
    qs = (Entry.objects.filter(entry_scope(organisation=organisation, search=search, number=number))
          .select_related("journal", "fiscal_year")
          .annotate(total=Coalesce(Subquery(total, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)))
    if journal not in (None, ""):
        qs = qs.filter(journal__code=journal.upper()) if isinstance(journal, str) else qs.filter(journal=journal)
    if fiscal_year not in (None, ""):
        qs = qs.filter(fiscal_year__code=fiscal_year) if isinstance(fiscal_year, str) \
            else qs.filter(fiscal_year=fiscal_year)
    if state:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if search:
        query = Q(label__icontains=search) | Q(reference__icontains=search)
        if number is not None:
            query |= Q(number=number)
        qs = qs.filter(query)
    return qs.order_by("-date", "-id")


def entry_get(*, organisation, pk) -> Entry:
    """One entry of the organisation (Entry.DoesNotExist otherwise, also for another organisation's pk)."""
    return Entry.objects.select_related("journal", "fiscal_year", "period", "posted_by", "reversal_of").get(
        organisation=organisation, pk=pk)


def fiscal_year_list(*, organisation):
    return FiscalYear.objects.filter(organisation=organisation).order_by("-start_date")


def fiscal_year_get(*, organisation, pk) -> FiscalYear:
    return FiscalYear.objects.get(organisation=organisation, pk=pk)


def fiscal_year_current(*, organisation, day: date) -> FiscalYear | None:
    """The year containing `day`, else the latest one (None when the books have no year yet)."""
    years = FiscalYear.objects.filter(organisation=organisation)
    return (years.filter(start_date__lte=day, end_date__gte=day).first()
            or years.order_by("-start_date").first())


def _opening_journal_ids(organisation) -> list[int]:
    return list(Journal.objects.filter(organisation=organisation)
                .filter(Q(kind=Journal.Kind.OPENING) | Q(code="AN")).values_list("pk", flat=True))


def _account_ids(organisation, *, account_from: str | None = None, account_to: str | None = None,
                 prefixes: tuple[str, ...] = (), account_class: int | None = None) -> dict[int, Account] | None:
    """Accounts selected by a code range (bounds read as prefixes), prefixes or class; None = all accounts."""
    if not (account_from or account_to or prefixes or account_class not in (None, "")):
        return None
    accounts = {}
    for account in Account.objects.filter(organisation=organisation):
        code = account.code
        if account_from and code < account_from:
            continue
        if account_to and code[:len(account_to)] > account_to:
            continue
        if prefixes and not code.startswith(prefixes):
            continue
        if account_class not in (None, "") and account.account_class != int(account_class):
            continue
        accounts[account.pk] = account
    return accounts


# ---------------------------------------------------------------- trial balance

@dataclass
class Totals:
    opening_debit: Decimal = ZERO
    opening_credit: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    closing_debit: Decimal = ZERO
    closing_credit: Decimal = ZERO

    def add(self, row) -> None:
        for name in ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"):
            setattr(self, name, getattr(self, name) + getattr(row, name))


@dataclass
class TrialBalanceRow:
    account_code: str
    account_label: str
    account_class: int
    party_code: str
    party_name: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal


@dataclass
class ClassTotals(Totals):
    account_class: int = 0


@dataclass
class TrialBalance:
    fiscal_year: FiscalYear
    date_from: date
    date_to: date
    auxiliary: str | None
    rows: list[TrialBalanceRow] = field(default_factory=list)
    class_totals: list[ClassTotals] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)

    @property
    def balanced(self) -> bool:
        return (self.totals.debit == self.totals.credit and self.totals.closing_debit == self.totals.closing_credit
                and self.totals.opening_debit == self.totals.opening_credit)


def sides(amount: Decimal) -> tuple[Decimal, Decimal]:
    """A balance shown on one side: (debit, credit)."""
    return (amount, ZERO) if amount > 0 else (ZERO, -amount if amount else ZERO)  # never "-0,00"


def trial_balance(*, organisation, fiscal_year: FiscalYear, date_from: date | None = None,
                  date_to: date | None = None, account_class: int | None = None,
                  auxiliary: str | None = None) -> TrialBalance:
    """Balance générale (or auxiliaire) in one GROUP BY over the year's posted lines.

    Opening = opening journal (AN) + lines before `date_from`; movements = lines in the range outside the
    opening journal; opening and closing are shown as balances on one side.
    """
    date_from = max(date_from or fiscal_year.start_date, fiscal_year.start_date)
    date_to = min(date_to or fiscal_year.end_date, fiscal_year.end_date)
    if auxiliary not in (None, "", "customer", "supplier"):
        raise ValueError(auxiliary)
    auxiliary = auxiliary or None
    opening_journals = _opening_journal_ids(organisation)
    lines = EntryLine.objects.posted().filter(organisation=organisation, fiscal_year=fiscal_year, date__lte=date_to)
    selected = _account_ids(organisation, account_class=account_class,
                            prefixes=AUXILIARY_PREFIXES.get(auxiliary, ()))
    if selected is not None:
        lines = lines.filter(account_id__in=list(selected))
    is_opening = Q(journal_id__in=opening_journals) | Q(date__lt=date_from)

    group = ["account_id", "party_id"] if auxiliary else ["account_id"]
    # Two plain GROUP BYs on the covering index (all lines, then the opening part) cost less than one with
    # conditional sums; movements = all − opening.
    totals_by_key = {tuple(row[k] for k in group): row for row in lines.order_by().values(*group).annotate(
        all_debit=Sum("debit"), all_credit=Sum("credit"))}
    openings = {tuple(row[k] for k in group): row for row in lines.filter(is_opening).order_by().values(*group)
                .annotate(opening_debit=Sum("debit"), opening_credit=Sum("credit"))}
    aggregated = []
    for key, row in totals_by_key.items():
        opening = openings.get(key, {})
        aggregated.append({**row, "opening_debit": opening.get("opening_debit"),
                           "opening_credit": opening.get("opening_credit")})
    accounts = selected if selected is not None else {a.pk: a for a in Account.objects.filter(
        organisation=organisation)}
    parties = {}
    if auxiliary:
        from agora.parties.models import Party  # ledger depends on parties (DESIGN.md §2)
        parties = {p.pk: p for p in Party.objects.filter(organisation=organisation).only("code", "name")}
    rows = []
    for item in aggregated:
        account = accounts[item["account_id"]]
        party = parties.get(item.get("party_id"))
        # SQLite sums decimals as floats: back to the cent (every amount has two decimals, so this is exact).
        for key in ("opening_debit", "opening_credit", "all_debit", "all_credit"):
            item[key] = round_money(item[key] or ZERO)
        item["debit"] = item["all_debit"] - item["opening_debit"]
        item["credit"] = item["all_credit"] - item["opening_credit"]
        opening = item["opening_debit"] - item["opening_credit"]
        closing = opening + item["debit"] - item["credit"]
        opening_debit, opening_credit = sides(opening)
        closing_debit, closing_credit = sides(closing)
        rows.append(TrialBalanceRow(
            account_code=account.code, account_label=account.label, account_class=account.account_class,
            party_code=party.code if party else "", party_name=party.name if party else "",
            opening_debit=opening_debit, opening_credit=opening_credit, debit=item["debit"],
            credit=item["credit"], closing_debit=closing_debit, closing_credit=closing_credit))
    rows.sort(key=lambda r: (r.party_code, r.account_code) if auxiliary else (r.account_code, r.party_code))
    report = TrialBalance(fiscal_year=fiscal_year, date_from=date_from, date_to=date_to, auxiliary=auxiliary,
                          rows=rows)
    by_class: dict[int, ClassTotals] = {}
    for row in rows:
        by_class.setdefault(row.account_class, ClassTotals(account_class=row.account_class)).add(row)
        report.totals.add(row)
    report.class_totals = [by_class[k] for k in sorted(by_class)]
    return report


TRIAL_BALANCE_HEADER = ["Compte", "Intitulé", "Tiers", "Nom du tiers", "À-nouveau débit", "À-nouveau crédit",
                        "Mouvements débit", "Mouvements crédit", "Solde débiteur", "Solde créditeur"]


def trial_balance_table(report: TrialBalance) -> tuple[list[str], Iterator[list]]:
    """Header and rows for CSV/XLSX (rows, then class subtotals, then the grand total)."""

    def rows():
        for r in report.rows:
            yield [r.account_code, r.account_label, r.party_code, r.party_name, r.opening_debit, r.opening_credit,
                   r.debit, r.credit, r.closing_debit, r.closing_credit]
        for t in report.class_totals:
            yield [f"Total classe {t.account_class}", "", "", "", t.opening_debit, t.opening_credit, t.debit,
                   t.credit, t.closing_debit, t.closing_credit]
        t = report.totals
        yield ["Total général", "", "", "", t.opening_debit, t.opening_credit, t.debit, t.credit,
               t.closing_debit, t.closing_credit]

    return TRIAL_BALANCE_HEADER, rows()


# ---------------------------------------------------------------- general ledger and journal

class LedgerRow(NamedTuple):
    """One printed row of the general ledger. kind: "opening", "line" or "total"."""

    kind: str
    account_code: str
    account_label: str
    date: date | None
    journal: str
    entry_number: str
    reference: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    matching: str
    party_code: str = ""


def _display_number(journal_code: str, year_code: str, number) -> str:
    return f"{journal_code}-{year_code}-{number:06d}" if number is not None else ""


def _matching_display():
    """The line's matching code as printed: capitals when full, lower case when partial."""
    code = F("matching_part__matching__code")
    return Case(When(matching_part__matching__is_full=True, then=code), default=Lower(code))


@dataclass
class LedgerFrame:
    """What every general-ledger output needs before reading lines: bounds, openings, accounts in code order."""

    date_from: date
    date_to: date
    opening_journals: list[int]
    openings: dict[int, Decimal]
    moving: set[int]
    accounts: list[Account]


def ledger_frame(*, organisation, fiscal_year: FiscalYear, date_from: date | None = None,
                 date_to: date | None = None, account_from: str | None = None, account_to: str | None = None,
                 party=None) -> LedgerFrame:
    date_from = max(date_from or fiscal_year.start_date, fiscal_year.start_date)
    date_to = min(date_to or fiscal_year.end_date, fiscal_year.end_date)
    opening_journals = _opening_journal_ids(organisation)
    base = EntryLine.objects.posted().filter(organisation=organisation, fiscal_year=fiscal_year)
    if party is not None:
        base = base.filter(party=party)
    selected = _account_ids(organisation, account_from=account_from, account_to=account_to)
    if selected is not None:
        base = base.filter(account_id__in=list(selected))
    is_opening = Q(journal_id__in=opening_journals) | Q(date__lt=date_from)
    openings = {row["account_id"]: round_money((row["d"] or ZERO) - (row["c"] or ZERO))
                for row in base.filter(is_opening).order_by().values("account_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))}
    moving = set(base.filter(~is_opening, date__lte=date_to).order_by().values_list("account_id", flat=True)
                 .distinct())
    accounts = sorted(Account.objects.filter(organisation=organisation, pk__in=set(openings) | moving),
                      key=lambda a: a.code)
    return LedgerFrame(date_from, date_to, opening_journals, openings, moving, accounts)


def general_ledger_rows(*, organisation, fiscal_year: FiscalYear, date_from: date | None = None,
                        date_to: date | None = None, account_from: str | None = None,
                        account_to: str | None = None, party=None, chunk_size: int = 5000) -> Iterator[LedgerRow]:
    """Grand livre: per account (code order) an opening row, its lines by date and entry number with the
    running balance (debit − credit), and a total row. Streams the lines; openings come from one GROUP BY."""
    frame = ledger_frame(organisation=organisation, fiscal_year=fiscal_year, date_from=date_from, date_to=date_to,
                         account_from=account_from, account_to=account_to, party=party)
    date_from, date_to, opening_journals = frame.date_from, frame.date_to, frame.opening_journals
    openings, moving, accounts = frame.openings, frame.moving, frame.accounts
    journals = dict(Journal.objects.filter(organisation=organisation).values_list("pk", "code"))
    parties = dict(Party.objects.filter(organisation=organisation).values_list("pk", "code"))
    for account in accounts:
        balance = openings.get(account.pk, ZERO)
        opening_debit, opening_credit = sides(balance)
        total_debit, total_credit = opening_debit, opening_credit
        yield LedgerRow("opening", account.code, account.label, date_from, "", "", "", "Solde à nouveau",
                        opening_debit, opening_credit, balance, "")
        if account.pk in moving:
            for day, journal_id, number, reference, label, debit, credit, code, full, party_id in _account_lines(
                    organisation, fiscal_year, account.pk, date_from, date_to, opening_journals,
                    getattr(party, "pk", party), chunk_size):
                balance += debit - credit
                total_debit += debit
                total_credit += credit
                journal = journals[journal_id]
                yield LedgerRow("line", account.code, account.label, day, journal,
                                _display_number(journal, fiscal_year.code, number), reference, label, debit,
                                credit, balance, (code if full else code.lower()) if code else "",
                                parties.get(party_id, ""))
        yield LedgerRow("total", account.code, account.label, date_to, "", "", "", f"Total du compte {account.code}",
                        total_debit, total_credit, balance, "")


_NO_MATCH = (None, None)


def _account_lines(organisation, fiscal_year, account_id: int, date_from: date, date_to: date,
                   opening_journals: list[int], party_id: int | None, chunk_size: int):
    """One account's posted lines in date order, read through a plain server-side cursor.

    The general ledger of a million lines is a stream of per-account range scans on the (organisation, posted,
    account, date) index instead of one global sort, and amounts come back as text so no ORM conversion runs
    per value (SQLite stores decimals as numbers: CAST gives their exact short text).
    """
    line, entry = EntryLine._meta.db_table, Entry._meta.db_table
    part, matching = MatchingPart._meta.db_table, Matching._meta.db_table
    params: list = [organisation.pk, True, account_id, fiscal_year.pk, date_from.isoformat(), date_to.isoformat()]
    where = ""
    if opening_journals:
        where += f" AND l.journal_id NOT IN ({', '.join(['%s'] * len(opening_journals))})"
        params += opening_journals
    if party_id is not None:
        where += " AND l.party_id = %s"
        params.append(party_id)
    with connection.cursor() as cursor:  # the account's matchings, once: cheaper than two joins per line
        cursor.execute(f"SELECT mp.line_id, m.code, m.is_full FROM {part} mp INNER JOIN {matching} m "
                       f"ON m.id = mp.matching_id WHERE m.organisation_id = %s AND m.account_id = %s",
                       [organisation.pk, account_id])
        matched = {line_id: (code, full) for line_id, code, full in cursor.fetchall()}
    sql = (f"SELECT CAST(l.date AS TEXT), l.journal_id, e.number, e.reference, l.label, CAST(l.debit AS TEXT), "
           f"CAST(l.credit AS TEXT), l.id, l.party_id "
           f"FROM {line} l INNER JOIN {entry} e ON e.id = l.entry_id "
           f"WHERE l.organisation_id = %s AND l.posted = %s AND l.account_id = %s AND l.fiscal_year_id = %s "
           f"AND l.date >= %s AND l.date <= %s{where} ORDER BY l.date, e.number, l.entry_id, l.line_no")
    days: dict[str, date] = {}
    amounts: dict[str, Decimal] = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            for day, journal_id, number, reference, label, debit, credit, line_id, party in rows:
                code, full = matched.get(line_id, _NO_MATCH)
                day = days.get(day) or days.setdefault(day, date.fromisoformat(day[:10]))
                debit = amounts.get(debit) or amounts.setdefault(debit, round_money(Decimal(debit)))
                credit = amounts.get(credit) or amounts.setdefault(credit, round_money(Decimal(credit)))
                yield day, journal_id, number, reference, label, debit, credit, code, full, party


GENERAL_LEDGER_HEADER = ["Compte", "Intitulé du compte", "Date", "Journal", "N° écriture", "Pièce", "Libellé",
                         "Tiers", "Débit", "Crédit", "Solde", "Lettrage"]


def general_ledger_table(rows: Iterator[LedgerRow]) -> tuple[list[str], Iterator[list]]:
    return GENERAL_LEDGER_HEADER, ([r.account_code, r.account_label, r.date, r.journal, r.entry_number,
                                    r.reference, r.label, r.party_code, r.debit, r.credit, r.balance, r.matching]
                                   for r in rows)


class JournalRow(NamedTuple):
    """One printed row of a journal. kind: "line" or "total" (per journal)."""

    kind: str
    journal: str
    journal_label: str
    date: date | None
    entry_number: str
    reference: str
    account_code: str
    party_code: str
    label: str
    debit: Decimal
    credit: Decimal


def journal_rows(*, organisation, fiscal_year: FiscalYear, journal=None, date_from: date | None = None,
                 date_to: date | None = None, chunk_size: int = 5000) -> Iterator[JournalRow]:
    """Journal: posted lines by journal, date, entry number and line, with a total per journal. Streams."""
    lines = EntryLine.objects.posted().filter(organisation=organisation, fiscal_year=fiscal_year)
    if journal not in (None, ""):
        lines = lines.filter(journal__code=journal.upper()) if isinstance(journal, str) \
            else lines.filter(journal=journal)
    if date_from:
        lines = lines.filter(date__gte=date_from)
    if date_to:
        lines = lines.filter(date__lte=date_to)
    stream = (lines.order_by("journal__code", "date", "entry__number", "entry_id", "line_no")
              .values_list("journal__code", "journal__label", "date", "entry__number", "entry__reference",
                           "account__code", "party__code", "label", "debit", "credit")
              .iterator(chunk_size=chunk_size))
    try:
        yield from _journal_with_totals(stream, fiscal_year)
    finally:
        stream.close()


def _journal_with_totals(stream, fiscal_year):
    current, current_label, total_debit, total_credit = None, "", ZERO, ZERO
    for code, label_j, day, number, reference, account, party_code, label, debit, credit in stream:
        if code != current:
            if current is not None:
                yield JournalRow("total", current, current_label, None, "", "", "", "",
                                 f"Total du journal {current}", total_debit, total_credit)
            current, current_label, total_debit, total_credit = code, label_j, ZERO, ZERO
        total_debit += debit
        total_credit += credit
        yield JournalRow("line", code, label_j, day, _display_number(code, fiscal_year.code, number), reference,
                         account, party_code or "", label, debit, credit)
    if current is not None:
        yield JournalRow("total", current, current_label, None, "", "", "", "", f"Total du journal {current}",
                         total_debit, total_credit)


JOURNAL_HEADER = ["Journal", "Date", "N° écriture", "Pièce", "Compte", "Tiers", "Libellé", "Débit", "Crédit"]


def journal_table(rows: Iterator[JournalRow]) -> tuple[list[str], Iterator[list]]:
    return JOURNAL_HEADER, ([r.journal, r.date, r.entry_number, r.reference, r.account_code, r.party_code,
                             r.label, r.debit, r.credit] for r in rows)


# ---------------------------------------------------------------- matching screen

def open_lines(*, organisation, account: Account, party=None, include_matched: bool = False):
    """Posted lines of a reconcilable account (and party) for the matching screen, oldest first, annotated
    `matching_code` (display: AA full, aa partial, "" none) and `matching_id`. Fully matched lines are left
    out unless `include_matched`."""
    qs = (EntryLine.objects.posted().filter(organisation=organisation, account=account)
          .select_related("entry", "entry__journal", "entry__fiscal_year", "party")
          .annotate(matching_code=Coalesce(_matching_display(), Value("")),
                    matching_id=F("matching_part__matching_id")))
    if party is not None:
        qs = qs.filter(party=party)
    if not include_matched:
        qs = qs.exclude(matching_part__matching__is_full=True)
    return qs.order_by("date", "entry_id", "line_no")
