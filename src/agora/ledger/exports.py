"""The general ledger as CSV, formatted from compact rows in one tight loop.

The screen, PDF and XLSX read `selectors.general_ledger_rows`; the CSV of a whole year (a million lines) would
spend most of its time building Decimals, dates and cells one by one. Here each account's lines come from a plain
cursor as compact values (dates as ISO text, amounts as integer cents, ids); entries (number, reference) are read
and formatted once into a dict instead of being joined per line; ids become CSV cells through dicts prepared
once, amounts are written from integer cents (exact, no Decimal per line) and the running balance is summed in
Python. Measured on a million lines against the former SQL-built text (window function, joins per line): about
a third of the time on SQLite, about half on PostgreSQL. A test checks that the output is byte for byte the one
`core.exports.csv_lines` gives for `general_ledger_rows`.
"""

import csv
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import chain, groupby
from operator import itemgetter

from django.db import connection

from agora.core.exports import BOM, csv_value
from agora.core.money import ZERO
from agora.parties.models import Party

from . import cents
from .models import Entry, EntryLine, Journal, Matching, MatchingPart
from .selectors import GENERAL_LEDGER_HEADER, ledger_frame, sides


class _Echo:
    def write(self, value):
        return value


_SPECIAL = re.compile('[;"\r\n]').search


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(text: str) -> str:
    """A text as one CSV field, quoted as Python's csv module quotes it (';', '"', CR or LF inside)."""
    return _quote(text) if _SPECIAL(text) else text


def _number_template(journal_code: str, year_code: str) -> str:
    """A journal's two cells, "VT;VT-2026-%06d", the entry number filled in with one % operation."""
    number = _cell(f"{journal_code}-{year_code}-")
    closing = '"' if number.endswith('"') else ""
    head = f"{_cell(journal_code)};{number[:-1] if closing else number}"
    return head.replace("%", "%%") + "%06d" + closing


def _entry_cells(organisation, fiscal_year, frame, *, party_id, filtered: bool, numbers: dict) -> dict:
    """id → (number, 'VT;VT-2026-000123;reference') for the posted entries of the ledger's dates, read once.

    Joining entries in SQL costs an index probe per line, three per entry (on PostgreSQL it was a third of the
    export); here each entry is read and formatted once. A filtered ledger (accounts, party) reads only the
    entries it shows."""
    line, entry = EntryLine._meta.db_table, Entry._meta.db_table
    sql = (f"SELECT e.id, e.journal_id, e.number, e.reference FROM {entry} e WHERE e.organisation_id = %s "
           f"AND e.fiscal_year_id = %s AND e.state = %s AND e.date >= %s AND e.date <= %s")
    params = [organisation.pk, fiscal_year.pk, Entry.Status.POSTED, frame.date_from.isoformat(),
              frame.date_to.isoformat()]
    if filtered:
        accounts = sorted(frame.moving) or [0]
        marks = ", ".join(["%s"] * len(accounts))
        party_sql = " AND l.party_id = %s" if party_id is not None else ""
        sql += (f" AND e.id IN (SELECT l.entry_id FROM {line} l WHERE l.organisation_id = %s "
                f"AND l.fiscal_year_id = %s AND l.posted = %s AND l.account_id IN ({marks}){party_sql})")
        params += [organisation.pk, fiscal_year.pk, True, *accounts, *([party_id] if party_id is not None else [])]
    cells = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for pk, journal_id, number, reference in rows:
                cells[pk] = (number, f"{numbers[journal_id] % number};{_cell(reference)}")
    return cells


def _lines_sql(*, opening_journals: list, party: bool) -> str:
    """One account's posted lines by date and entry id (the same SQL on SQLite and PostgreSQL).

    Dates come as text and amounts as integer cents: no per-value conversion runs in the driver (SQLite's
    registered date converter, PostgreSQL's numeric → Decimal)."""
    line = EntryLine._meta.db_table
    where = ""
    if opening_journals:
        where += f" AND l.journal_id NOT IN ({', '.join(['%s'] * len(opening_journals))})"
    if party:
        where += " AND l.party_id = %s"
    return (f"SELECT CAST(l.date AS TEXT), l.entry_id, l.label, l.party_id, {cents.SQL.format('l.debit')}, "
            f"{cents.SQL.format('l.credit')}, l.id FROM {line} l "
            f"WHERE l.organisation_id = %s AND l.posted = %s AND l.account_id = %s AND l.fiscal_year_id = %s "
            f"AND l.date >= %s AND l.date <= %s{where} ORDER BY l.date, l.entry_id, l.line_no")


def _matchings(organisation, account_id: int) -> dict[int, str]:
    """The account's matched lines → their printed code (capitals when full): one query, no join per line."""
    part, matching = MatchingPart._meta.db_table, Matching._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT mp.line_id, m.code, m.is_full FROM {part} mp INNER JOIN {matching} m "
                       f"ON m.id = mp.matching_id WHERE m.organisation_id = %s AND m.account_id = %s",
                       [organisation.pk, account_id])
        return {line_id: _cell(code if full else code.lower()) for line_id, code, full in cursor.fetchall()}


def general_ledger_csv(*, organisation, fiscal_year, date_from: date | None = None, date_to: date | None = None,
                       account_from: str | None = None, account_to: str | None = None, party=None,
                       chunk_size: int = 5000) -> Iterator[str]:
    """The general ledger CSV (BOM and header first), one string per line, streamed account by account.

    Each account's lines come by date and entry id; a day's lines are then put in entry-number order (a stable
    sort, so entry id and line number still break ties) as `general_ledger_rows` orders them."""
    frame = ledger_frame(organisation=organisation, fiscal_year=fiscal_year, date_from=date_from, date_to=date_to,
                         account_from=account_from, account_to=account_to, party=party)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(GENERAL_LEDGER_HEADER)
    party_id = getattr(party, "pk", party)
    numbers = {pk: _number_template(code, fiscal_year.code)
               for pk, code in Journal.objects.filter(organisation=organisation).values_list("pk", "code")}
    parties = {None: ""} | {pk: _cell(code) for pk, code in Party.objects.filter(organisation=organisation)
                            .values_list("pk", "code")}
    entries = _entry_cells(organisation, fiscal_year, frame, party_id=party_id, numbers=numbers,
                           filtered=bool(account_from or account_to or party_id is not None))

    def by_number(row):
        return entries[row[1]][0]

    special, hundredths = _SPECIAL, cents.CENTS  # locals: the loop below runs a million times
    sql = _lines_sql(opening_journals=frame.opening_journals, party=party_id is not None)
    for account in frame.accounts:
        opening = frame.openings.get(account.pk, ZERO)
        prefix = writer.writerow([account.code, account.label])[:-2] + ";"
        opening_debit, opening_credit = sides(opening)
        yield writer.writerow(_cells([account.code, account.label, frame.date_from, "", "", "", "Solde à nouveau",
                                      "", opening_debit, opening_credit, opening, ""]))
        total_debit, total_credit, balance = opening_debit, opening_credit, opening
        if account.pk in frame.moving:
            matched = _matchings(organisation, account.pk)
            opening_cents = running = int(opening * 100)
            debit_cents = 0
            params = [organisation.pk, True, account.pk, fiscal_year.pk, frame.date_from.isoformat(),
                      frame.date_to.isoformat(), *frame.opening_journals]
            if party_id is not None:
                params.append(party_id)
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, params)
                for day, rows in groupby(chain.from_iterable(iter(partial(cursor.fetchmany, chunk_size), [])),
                                         itemgetter(0)):
                    head = f"{prefix}{day[8:10]}/{day[5:7]}/{day[:4]};"
                    rows = sorted(rows, key=by_number)
                    for _, entry_id, label, line_party, debit, credit, line_id in rows:
                        running += debit - credit
                        debit_cents += debit
                        balance_cell = (f"{running // 100}{hundredths[running % 100]}" if running >= 0
                                        else cents.cents_text(running))
                        yield (f"{head}{entries[entry_id][1]};{_quote(label) if special(label) else label};"
                               f"{parties[line_party]};{debit // 100}{hundredths[debit % 100]};"
                               f"{credit // 100}{hundredths[credit % 100]};{balance_cell};"
                               f"{matched.get(line_id, '') if matched else ''}\r\n")
            credit_cents = opening_cents + debit_cents - running
            total_debit += _euros(debit_cents)
            total_credit += _euros(credit_cents)
            balance = _euros(running)
        yield writer.writerow(_cells([account.code, account.label, frame.date_to, "", "", "",
                                      f"Total du compte {account.code}", "", total_debit, total_credit, balance,
                                      ""]))


def _euros(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _cells(values: list) -> list[str]:
    return [csv_value(value) for value in values]
