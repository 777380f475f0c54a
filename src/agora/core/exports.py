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


def csv_value(value) -> str:
    """One CSV cell the way French Excel reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",") if value == value.quantize(Decimal("0.01")) \
            else str(value).replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) \
            else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The CSV text, one line at a time, BOM first (';' separator: French Excel's list separator)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Streamed CSV download: memory stays flat whatever the number of rows."""
    response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(header, rows)),
                                     content_type=CSV_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


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
