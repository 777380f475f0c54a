"""Export helpers every app reuses: CSV (streamed, for French Excel), XLSX and PDF (WeasyPrint).

Rows are sequences of plain values: str, int, Decimal, date, datetime, None. CSV writes amounts with a comma
decimal and dates as DD/MM/YYYY; XLSX keeps numbers and dates as real cells so they add up in a sheet.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .errors import BusinessError

BOM = "\ufeff"
PDF_MAX_ROWS = 20_000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    return f'attachment; filename="{ascii_name}"'


CENT = Decimal("0.01")


def _decimal_cell(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") if value == value.quantize(CENT) else str(value).replace(".", ",")


def _datetime_cell(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


# Exact type → formatter: one dict lookup per cell (a general ledger export writes millions of cells).
_CELL = {
    type(None): lambda value: "",
    str: lambda value: value,
    int: str,
    bool: lambda value: "oui" if value else "non",
    Decimal: _decimal_cell,
    float: lambda value: str(value).replace(".", ","),
    datetime: _datetime_cell,
    date: lambda value: value.strftime("%d/%m/%Y"),
}


def csv_value(value) -> str:
    """One CSV cell the way French Excel reads it."""
    cell = _CELL.get(type(value))
    if cell is not None:
        return cell(value)
    for kind in (bool, Decimal, float, datetime, date):  # subclasses (in that order: datetime is a date)
        if isinstance(value, kind):
            return _CELL[kind](value)
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The CSV text, one line at a time, BOM first (';' separator: French Excel's list separator)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(list(header))
    days: dict[date, str] = {}  # the same dates recur on thousands of rows
    for row in rows:
        cells = []
        for value in row:
            kind = type(value)
            if kind is str:
                cells.append(value)
            elif kind is date:
                text = days.get(value)
                if text is None:
                    text = days[value] = value.strftime("%d/%m/%Y")
                cells.append(text)
            else:
                cells.append(csv_value(value))
        yield writer.writerow(cells)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Streamed CSV download: memory stays flat whatever the number of rows."""
    return csv_text_response(filename, csv_lines(header, rows))


def csv_text_response(filename: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """Streamed download of CSV text already formatted (BOM and header included), sent in blocks."""
    response = StreamingHttpResponse(_blocks(lines), content_type=CSV_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _blocks(lines: Iterable[str], size: int = 1000) -> Iterable[bytes]:
    """One encode and one write per thousand lines rather than per line."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) == size:
            yield "".join(block).encode("utf-8")
            block.clear()
    if block:
        yield "".join(block).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "Export") -> bytes:
    """An XLSX workbook written with openpyxl's write-only mode (rows are not kept in memory as cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "#,##0.00"
            elif isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None)
                                     if timezone.is_aware(value) else value)
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *,
                  title: str = "Export") -> HttpResponse:
    response = HttpResponse(xlsx_bytes(header, rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def pdf_bytes(template_name: str, context: dict, *, max_rows: int = PDF_MAX_ROWS, base_url: str | None = None) -> bytes:
    """Render an HTML template to PDF. `context["rows"]`, when given, is read up to `max_rows`: a longer
    report is refused (WeasyPrint lays out every page in memory; CSV is the tool for such volumes)."""
    from weasyprint import HTML

    context = dict(context)
    if context.get("rows") is not None:
        source = iter(context["rows"])
        rows = list(islice(source, max_rows + 1))
        if hasattr(source, "close"):
            source.close()  # a streamed queryset holds a server-side cursor: release it now, not at GC time
        if len(rows) > max_rows:
            raise BusinessError("too_long_for_pdf", f"Ce document dépasse {max_rows:,} lignes".replace(",", " ")
                                + " : réduisez la période ou exportez-le en CSV.", field="format")
        context["rows"] = rows
    context.setdefault("generated_at", timezone.localtime())
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(template_name: str, context: dict, filename: str, *, max_rows: int = PDF_MAX_ROWS,
                 inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template_name, context, max_rows=max_rows), content_type="application/pdf")
    response["Content-Disposition"] = (_attachment(filename).replace("attachment", "inline", 1) if inline
                                       else _attachment(filename))
    return response


def logo_uri(organisation) -> str | None:
    """The organisation's logo as a file URI WeasyPrint can read; None without a logo or on a storage with no
    local path (Django's remote storages raise NotImplementedError for `.path`)."""
    if not organisation.logo:
        return None
    try:
        path = Path(organisation.logo.path)
    except (NotImplementedError, ValueError):
        return None
    return path.as_uri() if path.exists() else None
