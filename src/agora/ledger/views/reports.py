"""Reports on screen and as CSV / XLSX / PDF (journal, general ledger, trial balance), and the FEC download.

The on-screen general ledger and journal are capped (SCREEN_LIMIT rows, with a notice); the exports stream
every row through core.exports.
"""

from itertools import islice

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from agora.core import exports
from agora.core.errors import BusinessError
from agora.parties.models import Party

from .. import exports as ledger_exports
from .. import fec, selectors
from ..forms import FiscalYearChoiceForm, GeneralLedgerForm, JournalReportForm, TrialBalanceForm
from .common import ledger_view, query_with, today

SCREEN_LIMIT = 2000
FORMATS = ("csv", "xlsx", "pdf")


def _bound_form(request, form_class):
    """The filter form bound to the query string, on the current fiscal year by default."""
    data = request.GET.copy()
    if not data.get("fiscal_year"):
        current = selectors.fiscal_year_current(organisation=request.organisation, day=today())
        if current is not None:
            data["fiscal_year"] = str(current.pk)
    return form_class(data, organisation=request.organisation)


def _export(request, form, kind: str, filename: str, header, rows, pdf_template: str, pdf_context: dict):
    """The download, or None with the refusal put on the form (a PDF too long to lay out, say)."""
    stem = f"{filename}-{request.organisation.slug}-{pdf_context['fiscal_year'].code}"
    try:
        if kind == "csv":
            return exports.csv_response(f"{stem}.csv", header, rows)
        if kind == "xlsx":
            return exports.xlsx_response(f"{stem}.xlsx", header, rows)
        return exports.pdf_response(pdf_template, pdf_context, f"{stem}.pdf")
    except BusinessError as error:
        form.add_error(None, error.message)
        return None


def _export_links(request) -> dict:
    return {kind: query_with(request, format=kind) for kind in FORMATS}


def _filters(form) -> dict:
    """The filters as printed on the PDF header (labels and values, empty ones left out)."""
    shown = {}
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "") or name == "fiscal_year":
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        shown[field.label] = value
    return shown


@ledger_view("reports.view")
def trial_balance(request, org):
    form = _bound_form(request, TrialBalanceForm)
    context = {"form": form, "exports": _export_links(request)}
    if form.is_valid():
        data = form.cleaned_data
        report = selectors.trial_balance(
            organisation=request.organisation, fiscal_year=data["fiscal_year"], date_from=data["date_from"],
            date_to=data["date_to"], account_class=data["account_class"], auxiliary=data["auxiliary"] or None)
        kind = request.GET.get("format")
        if kind in FORMATS:
            header, rows = selectors.trial_balance_table(report)
            response = _export(request, form, kind, "balance", header, rows, "ledger/pdf/trial_balance.html", {
                "organisation": request.organisation, "fiscal_year": data["fiscal_year"], "rows": report.rows,
                "totals": report.totals, "class_totals": report.class_totals, "report": report,
                "filters": _filters(form)})
            if response is not None:
                return response
        context["report"] = report
    return render(request, "ledger/trial_balance.html", context)


@ledger_view("reports.view")
def general_ledger(request, org):
    form = _bound_form(request, GeneralLedgerForm)
    template = "ledger/general_ledger.html"
    context = {"form": form, "exports": _export_links(request), "limit": SCREEN_LIMIT}
    if form.is_valid():
        data = form.cleaned_data
        party = None
        if data["party"]:
            party = Party.objects.filter(organisation=request.organisation, code=data["party"].upper()).first()
            if party is None:
                form.add_error("party", f"Tiers inconnu : « {data['party']} ».")
                return render(request, template, context)
        rows = selectors.general_ledger_rows(
            organisation=request.organisation, fiscal_year=data["fiscal_year"], date_from=data["date_from"],
            date_to=data["date_to"], account_from=data["account_from"] or None,
            account_to=data["account_to"] or None, party=party)
        kind = request.GET.get("format")
        if kind == "csv":  # a whole year's CSV is built by the database (ledger.exports)
            return exports.csv_text_response(
                f"grand-livre-{request.organisation.slug}-{data['fiscal_year'].code}.csv",
                ledger_exports.general_ledger_csv(
                    organisation=request.organisation, fiscal_year=data["fiscal_year"], date_from=data["date_from"],
                    date_to=data["date_to"], account_from=data["account_from"] or None,
                    account_to=data["account_to"] or None, party=party))
        if kind in FORMATS:
            header, table = selectors.general_ledger_table(rows)  # lazy: the PDF reads `rows` instead
            response = _export(request, form, kind, "grand-livre", header, table,
                               "ledger/pdf/general_ledger.html", {
                "organisation": request.organisation, "fiscal_year": data["fiscal_year"], "rows": rows,
                "totals": None, "filters": _filters(form)})
            if response is not None:
                return response
            return render(request, template, context)
        shown = list(islice(rows, SCREEN_LIMIT + 1))
        context.update({"rows": shown[:SCREEN_LIMIT], "truncated": len(shown) > SCREEN_LIMIT})
    return render(request, template, context)


@ledger_view("reports.view")
def journal_report(request, org):
    form = _bound_form(request, JournalReportForm)
    template = "ledger/journal_report.html"
    context = {"form": form, "exports": _export_links(request), "limit": SCREEN_LIMIT}
    if form.is_valid():
        data = form.cleaned_data
        rows = selectors.journal_rows(organisation=request.organisation, fiscal_year=data["fiscal_year"],
                                      journal=data["journal"], date_from=data["date_from"], date_to=data["date_to"])
        kind = request.GET.get("format")
        if kind in FORMATS:
            header, table = selectors.journal_table(rows)  # lazy: the PDF reads `rows` instead
            response = _export(request, form, kind, "journal", header, table, "ledger/pdf/journal.html", {
                "organisation": request.organisation, "fiscal_year": data["fiscal_year"], "rows": rows,
                "totals": None, "filters": _filters(form)})
            if response is not None:
                return response
            return render(request, template, context)
        shown = list(islice(rows, SCREEN_LIMIT + 1))
        context.update({"rows": shown[:SCREEN_LIMIT], "truncated": len(shown) > SCREEN_LIMIT})
    return render(request, template, context)


@ledger_view("reports.view")
def fec_download(request, org):
    """The FEC page; with ?download=1 the file itself, streamed (a year may hold a million lines)."""
    data = request.GET.copy()
    if not data.get("fiscal_year"):
        current = selectors.fiscal_year_current(organisation=request.organisation, day=today())
        if current is not None:
            data["fiscal_year"] = str(current.pk)
    form = FiscalYearChoiceForm(data, organisation=request.organisation)
    if request.GET.get("download") and form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        if year is None:
            raise Http404("Exercice introuvable")
        try:
            name = fec.fec_filename(request.organisation, year)  # checks the SIREN before streaming
        except BusinessError as error:
            form.add_error(None, error.message)
        else:
            if not name.endswith(".txt"):
                name += ".txt"
            response = StreamingHttpResponse(fec.fec_iter(request.organisation, year),
                                             content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "ledger/fec.html", {"form": form})
