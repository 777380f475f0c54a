"""CSV exports of online banking, read through a saved column mapping (one per bank account).

`columns` gives each field's 0-based column: date, label, and either amount (signed) or debit + credit (both
unsigned, debit is money out); optionally value_date, reference, counterparty. A CSV says nothing about the
account or the balances: the statement is the chosen bank account's, its period the lines' dates.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from agora.core.errors import BusinessError

from .common import ParsedLine, ParsedStatement, complete, invalid, parse_date

REQUIRED = ("date", "label")


@dataclass
class CsvLayout:
    """The parsing part of a `CsvMapping` (kept apart so the parser needs no ORM)."""

    delimiter: str = ";"
    encoding: str = "utf-8"
    date_format: str = "%d/%m/%Y"
    decimal_comma: bool = True
    skip_rows: int = 1
    columns: dict = field(default_factory=dict)


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise invalid(f"Fichier CSV illisible avec l'encodage « {encoding} ».") from error


def csv_rows(content: bytes, layout: CsvLayout, limit: int | None = None) -> list[list[str]]:
    """Every row (or the first `limit`), header rows included, for the mapping preview."""
    reader = csv.reader(io.StringIO(_decode(content, layout.encoding), newline=""), delimiter=layout.delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as error:
        raise invalid(f"Ligne {reader.line_num} : CSV illisible ({error}).") from error
    return rows


def guess_delimiter(content: bytes) -> str:
    """The separator of the first line: the most frequent of ; , tab |."""
    first = content[:2000].split(b"\n", 1)[0]
    return max(";,\t|", key=lambda c: first.count(c.encode()))


def _number(raw: str, layout: CsvLayout, where: str) -> Decimal:
    cleaned = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if layout.decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    if cleaned in ("", "+", "-"):
        return Decimal("0.00")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise invalid(f"{where} : montant illisible « {raw.strip()} ».") from error
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise invalid(f"{where} : montant illisible « {raw.strip()} ».")
    return value.quantize(Decimal("0.01"))


def _cell(row: list[str], columns: dict, name: str, where: str) -> str:
    index = columns.get(name)
    if index is None or index == "":
        return ""
    if int(index) >= len(row):
        raise invalid(f"{where} : colonne {int(index) + 1} ({name}) absente, la ligne n'en a que {len(row)}.")
    return row[int(index)].strip()


def check_layout(layout: CsvLayout) -> None:
    """A mapping must say where the date, the label and the amount (or debit and credit) are."""
    columns = layout.columns
    missing = [name for name in REQUIRED if columns.get(name) in (None, "")]
    if columns.get("amount") in (None, "") and (columns.get("debit") in (None, "") or
                                                columns.get("credit") in (None, "")):
        missing.append("montant (ou débit et crédit)")
    if missing:
        raise BusinessError("statement_invalid", "Modèle CSV incomplet : colonne(s) " + ", ".join(missing)
                            + " à indiquer.", field="columns")
    for name, index in columns.items():
        if index not in (None, "") and (not str(index).isdigit() or int(index) > 200):
            raise BusinessError("statement_invalid", f"Colonne « {name} » : numéro de colonne invalide "
                                f"« {index} ».", field="columns")


def parse_csv(content: bytes, layout: CsvLayout) -> list[ParsedStatement]:
    check_layout(layout)
    columns = layout.columns
    statement = ParsedStatement()
    for number, row in enumerate(csv_rows(content, layout), start=1):
        if number <= layout.skip_rows or not any(cell.strip() for cell in row):
            continue
        where = f"Ligne {number}"
        if columns.get("amount") not in (None, ""):
            amount = _number(_cell(row, columns, "amount", where), layout, where)
        else:
            amount = (_number(_cell(row, columns, "credit", where), layout, where).copy_abs()
                      - _number(_cell(row, columns, "debit", where), layout, where).copy_abs())
        value = _cell(row, columns, "value_date", where)
        label = _cell(row, columns, "label", where)
        if not label:
            raise invalid(f"{where} : libellé vide.")
        statement.lines.append(ParsedLine(
            date=parse_date(_cell(row, columns, "date", where), layout.date_format, where),
            value_date=parse_date(value, layout.date_format, where) if value else None, amount=amount,
            label=label[:300], reference=_cell(row, columns, "reference", where)[:140],
            counterparty_name=_cell(row, columns, "counterparty", where)[:140], source=where))
    if not statement.lines:
        raise invalid("Fichier CSV sans opération.")
    return [complete(statement, "Fichier CSV")]
