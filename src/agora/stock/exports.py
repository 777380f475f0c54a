"""The stock card as CSV, formatted from compact rows in one tight loop (the pattern of ledger/exports.py).

The screen, PDF, XLSX and API read `selectors.card.card_rows` (Decimals, dataclass rows); a card of 100,000 moves
would spend most of its time converting Decimals row by row, so here the moves come from a plain cursor with
their figures as integers scaled by the database (quantities in thousandths, unit costs in ten-thousandths,
amounts in cents) and dates as ISO text, and each line is one f-string. Perpetual CUMP and FIFO cards take this
path (their CSV has no lots); a periodic-CUMP card, whose exits are valued at each month's end, goes through
`card_rows`. A test checks the output is byte for byte the one `core.exports.csv_lines` gives for `card_rows`.
"""

import re
from collections.abc import Iterator
from datetime import date

from django.db import connection

from agora.core.exports import csv_lines, csv_value

from .domain.valuation import TRANSFERS
from .models import Method, MoveKind, StockItem, StockMove
from .selectors.card import CSV_HEADER, card_rows, opening_row

KIND_LABELS = dict(MoveKind.choices)
_SPECIAL = re.compile('[;"\r\n]').search
_SCALED = ("CAST(ROUND({0} * {1}) AS BIGINT)")


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _SPECIAL(text) else text


def _fixed(places: int):
    """A formatter of an integer scaled by 10**places, as the generic CSV writes the Decimal it stands for:
    two decimals when the value is whole cents, else every stored place. Memoised: quantities and unit costs
    repeat from one move to the next."""
    unit, cut = 10 ** places, 10 ** (places - 2)
    seen: dict[int, str] = {}

    def text(n: int) -> str:
        found = seen.get(n)
        if found is not None:
            return found
        whole, rest = divmod(abs(n), unit)
        sign = "-" if n < 0 else ""
        found = f"{sign}{whole},{rest // cut:02d}" if rest % cut == 0 else f"{sign}{whole},{rest:0{places}d}"
        if len(seen) < 100_000:
            seen[n] = found
        return found

    return text


def _sql(date_from: date | None, date_to: date | None) -> tuple[str, list]:
    table = StockMove._meta.db_table
    columns = ", ".join([
        "CAST(date AS TEXT)", "kind", "label", _SCALED.format("quantity", 1000), _SCALED.format("unit_cost", 10000),
        _SCALED.format("value", 100), _SCALED.format("quantity_after", 1000),
        _SCALED.format("unit_cost_after", 10000), _SCALED.format("value_after", 100)])
    where, params = ["item_id = %s", "kind NOT IN (%s, %s)"], sorted(TRANSFERS)
    if date_from:
        where.append("date >= %s")
        params.append(date_from)
    if date_to:
        where.append("date <= %s")
        params.append(date_to)
    return f"SELECT {columns} FROM {table} WHERE {' AND '.join(where)} ORDER BY date, id", params


def card_csv_lines(*, item: StockItem, date_from: date | None = None, date_to: date | None = None) -> Iterator[str]:
    """The whole card as CSV text lines (BOM and header first), streamed."""
    if item.valuation_method == Method.WAC_PERIODIC:
        yield from csv_lines(CSV_HEADER, (row.csv() for row in card_rows(item=item, date_from=date_from,
                                                                          date_to=date_to)))
        return
    yield from csv_lines(CSV_HEADER, [])
    if date_from:
        yield ";".join(_cell(csv_value(v)) for v in opening_row(item, date_from).csv()) + "\r\n"
    sql, params = _sql(date_from, date_to)
    days: dict[str, str] = {}
    labels = {kind: _cell(label) for kind, label in KIND_LABELS.items()}
    qty, cost, money = _fixed(3), _fixed(4), _fixed(2)
    with connection.cursor() as cursor:
        cursor.execute(sql, [item.pk, *params])
        while rows := cursor.fetchmany(5000):
            for day, kind, label, q, c, v, q_after, c_after, v_after in rows:
                text = days.get(day)
                if text is None:
                    text = days[day] = f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
                if q > 0:
                    moved = f"{qty(q)};{cost(c)};{money(v)};;;"
                else:
                    moved = f";;;{qty(-q)};{cost(c)};{money(-v)}"
                yield (f"{text};{_cell(label)};{labels[kind]};{moved};{qty(q_after)};{cost(c_after)};"
                       f"{money(v_after)}\r\n")

