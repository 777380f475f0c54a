"""The general ledger as CSV, its lines built by the database.

The screen, PDF and XLSX read `selectors.general_ledger_rows`; the CSV of a whole year (a million lines) would
spend most of its time formatting cells in Python, so here each account's lines come back from SQL as finished
CSV text: running balance by a window function over integer cents (exact on both databases), amounts as
"1234,56", dates as "31/12/2026", text fields quoted as Python's csv module would. A test checks that the output is
byte for byte the one `core.exports.csv_lines` gives for `general_ledger_rows`.
"""

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db import connection

from agora.core.exports import BOM, csv_value
from agora.core.money import ZERO
from agora.parties.models import Party

from .models import Entry, EntryLine, Journal, Matching, MatchingPart
from .selectors import GENERAL_LEDGER_HEADER, ledger_frame, sides


class _Echo:
    def write(self, value):
        return value


def _dialect():
    """SQL pieces that differ between SQLite and PostgreSQL (a literal % is written %% : the SQL takes params)."""
    if connection.vendor == "postgresql":
        return {
            "cents": lambda col: f"ROUND({col} * 100)::bigint",
            "day": "to_char(l.date, 'DD/MM/YYYY')",
            "number": "lpad(e.number::text, 6, '0')",
            "pad2": lambda expr: f"lpad(({expr})::text, 2, '0')",
            "text": lambda expr: f"({expr})::text",
            "special": lambda col: f"{col} ~ '[;\"\\r\\n]'",
        }
    return {
        "cents": lambda col: f"CAST(ROUND({col} * 100) AS INTEGER)",
        "day": "strftime('%%d/%%m/%%Y', l.date)",
        "number": "printf('%%06d', e.number)",
        "pad2": lambda expr: f"substr('0' || ({expr}), -2)",
        "text": lambda expr: f"({expr})",
        "special": lambda col: f"{col} GLOB '*[;\"' || char(10, 13) || ']*'",
    }


def _quoted(col: str, d: dict) -> str:
    """A text column as one CSV field: quoted (quotes doubled) when it holds ; " CR or LF."""
    return f"CASE WHEN {d['special'](col)} THEN '\"' || replace({col}, '\"', '\"\"') || '\"' ELSE {col} END"


def _money(expr: str, d: dict) -> str:
    """Integer cents as French text: -1234,05."""
    return (f"CASE WHEN ({expr}) < 0 THEN '-' ELSE '' END || {d['text'](f'abs({expr}) / 100')} || ',' || "
            f"{d['pad2'](f'abs({expr}) %% 100')}")


def general_ledger_csv(*, organisation, fiscal_year, date_from: date | None = None, date_to: date | None = None,
                       account_from: str | None = None, account_to: str | None = None, party=None,
                       chunk_size: int = 5000) -> Iterator[str]:
    """The general ledger CSV (BOM and header first), one string per line, streamed account by account."""
    frame = ledger_frame(organisation=organisation, fiscal_year=fiscal_year, date_from=date_from, date_to=date_to,
                         account_from=account_from, account_to=account_to, party=party)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(GENERAL_LEDGER_HEADER)
    d = _dialect()
    line, entry, journal = EntryLine._meta.db_table, Entry._meta.db_table, Journal._meta.db_table
    part, matching, party_table = MatchingPart._meta.db_table, Matching._meta.db_table, Party._meta.db_table
    party_id = getattr(party, "pk", party)
    where = "l.organisation_id = %s AND l.posted = %s AND l.account_id = %s AND l.fiscal_year_id = %s " \
            "AND l.date >= %s AND l.date <= %s"
    extra: list = []
    if frame.opening_journals:
        where += f" AND l.journal_id NOT IN ({', '.join(['%s'] * len(frame.opening_journals))})"
        extra += frame.opening_journals
    if party_id is not None:
        where += " AND l.party_id = %s"
        extra.append(party_id)
    inner = (
        f"SELECT l.date AS day_order, e.number AS number_order, l.entry_id AS entry_order, l.line_no AS line_order, "
        f"{d['day']} AS day, j.code || '-' || %s || '-' || {d['number']} AS number, j.code AS journal, "
        f"e.reference AS reference, l.label AS label, COALESCE(p.code, '') AS party, "
        f"{d['cents']('l.debit')} AS debit, {d['cents']('l.credit')} AS credit, "
        f"CAST(%s + SUM({d['cents']('l.debit')} - {d['cents']('l.credit')}) OVER (ORDER BY l.date, e.number, "
        f"l.entry_id, l.line_no ROWS UNBOUNDED PRECEDING) AS BIGINT) AS balance, "  # PostgreSQL sums to numeric
        f"CASE WHEN m.code IS NULL THEN '' WHEN m.is_full THEN m.code ELSE lower(m.code) END AS matching "
        f"FROM {line} l INNER JOIN {entry} e ON e.id = l.entry_id INNER JOIN {journal} j ON j.id = l.journal_id "
        f"LEFT OUTER JOIN {party_table} p ON p.id = l.party_id "
        f"LEFT OUTER JOIN {part} mp ON mp.line_id = l.id LEFT OUTER JOIN {matching} m ON m.id = mp.matching_id "
        f"WHERE {where}")
    text = (f"day || ';' || journal || ';' || number || ';' || {_quoted('reference', d)} || ';' || "
            f"{_quoted('label', d)} || ';' || party || ';' || {_money('debit', d)} || ';' || "
            f"{_money('credit', d)} || ';' || {_money('balance', d)} || ';' || matching")
    sql = (f"SELECT {text}, debit, credit FROM ({inner}) t "
           f"ORDER BY day_order, number_order, entry_order, line_order")
    for account in frame.accounts:
        opening = frame.openings.get(account.pk, ZERO)
        prefix = writer.writerow([account.code, account.label])[:-2] + ";"
        opening_debit, opening_credit = sides(opening)
        yield writer.writerow(_cells([account.code, account.label, frame.date_from, "", "", "", "Solde à nouveau",
                                      "", opening_debit, opening_credit, opening, ""]))
        total_debit, total_credit, balance = opening_debit, opening_credit, opening
        if account.pk in frame.moving:
            debit_cents = credit_cents = 0
            params = [fiscal_year.code, int(round(opening * 100)), organisation.pk, True, account.pk,
                      fiscal_year.pk, frame.date_from.isoformat(), frame.date_to.isoformat(), *extra]
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(chunk_size):
                    for row_text, debit, credit in rows:
                        debit_cents += debit
                        credit_cents += credit
                        yield f"{prefix}{row_text}\r\n"
            total_debit += _euros(debit_cents)
            total_credit += _euros(credit_cents)
            balance = opening + _euros(debit_cents) - _euros(credit_cents)
        yield writer.writerow(_cells([account.code, account.label, frame.date_to, "", "", "",
                                      f"Total du compte {account.code}", "", total_debit, total_credit, balance,
                                      ""]))


def _euros(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _cells(values: list) -> list[str]:
    return [csv_value(value) for value in values]
