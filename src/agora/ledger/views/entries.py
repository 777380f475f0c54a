"""Entries: the list, the entry form (drafts), the detail page and its actions (post, delete, reverse)."""

from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.money import ZERO, format_amount
from agora.parties.models import Party

from .. import selectors, services
from ..domain import EntryInput, LineInput
from ..forms import EntryFilterForm, EntryHeaderForm, ReverseForm
from ..models import Account, Entry, EntryLine
from .common import can, ledger_view, paginate, query_with, today

LINE_FIELDS = ("account", "party", "label", "debit", "credit")
EXPORT_HEADER = ["Journal", "Numéro", "Date", "Pièce", "Libellé", "État", "Montant"]


def _filters(form) -> dict:
    if not form.is_valid():
        return {}
    data = form.cleaned_data
    return {"journal": data["journal"], "state": data["state"] or None, "date_from": data["date_from"],
            "date_to": data["date_to"], "search": data["q"], "fiscal_year": data["fiscal_year"]}


def _totals(organisation, filters: dict, entries) -> dict:
    """Σ debit / Σ credit of the filtered entries, read from the lines' copied columns (journal, year, date,
    posted) so that only a text search needs the entries themselves."""
    lines = EntryLine.objects.filter(organisation=organisation)
    if filters.get("journal"):
        lines = lines.filter(journal=filters["journal"])
    if filters.get("fiscal_year"):
        lines = lines.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("state"):
        lines = lines.filter(posted=filters["state"] == Entry.Status.POSTED)
    if filters.get("date_from"):
        lines = lines.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        lines = lines.filter(date__lte=filters["date_to"])
    if filters.get("search"):
        lines = lines.filter(entry__in=entries.order_by().values("pk"))
    totals = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return {"debit": totals["debit"] or ZERO, "credit": totals["credit"] or ZERO}


@ledger_view()
def entries(request, org):
    form = EntryFilterForm(request.GET or None, organisation=request.organisation)
    filters = _filters(form)
    queryset = selectors.entry_list(organisation=request.organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([e.journal.code, e.display_number, e.date, e.reference, e.label, e.get_state_display(),
                 e.total if e.total is not None else ZERO] for e in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"ecritures-{request.organisation.slug}.{export}", EXPORT_HEADER, rows)
    if request.GET.get("part") == "totals":
        # Loaded by htmx after the page: summing a million lines must not delay the list itself.
        return render(request, "ledger/_entries_totals.html",
                      {"totals": _totals(request.organisation, filters, queryset)})
    return render(request, "ledger/entries.html", {
        "form": form, "page": paginate(request, queryset), "totals_query": query_with(request, part="totals"),
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
        "can_write": can(request, "ledger.write"),
    })


def _entry(request, pk) -> Entry:
    try:
        return selectors.entry_get(organisation=request.organisation, pk=pk)
    except Entry.DoesNotExist as missing:
        raise Http404("Écriture introuvable") from missing


def _blank_row():
    return {"account": "", "party": "", "label": "", "debit": "", "credit": "", "errors": {}}


def _rows_from_post(post) -> list[dict]:
    """The lines typed in the form, blank ones dropped (they are the spare rows of the grid)."""
    columns = [post.getlist(f"line-{name}") for name in LINE_FIELDS]
    rows = []
    for values in zip(*columns, strict=False):
        row = {name: (value or "").strip() for name, value in zip(LINE_FIELDS, values, strict=True)}
        if any(row.values()):
            row["errors"] = {}
            rows.append(row)
    return rows


def _rows_from_entry(entry: Entry) -> list[dict]:
    return [{"account": line.account.code, "party": line.party.code if line.party else "", "label": line.label,
             "debit": format_amount(line.debit, blank_zero=True), "credit": format_amount(line.credit, blank_zero=True),
             "errors": {}}
            for line in entry.lines.select_related("account", "party").order_by("line_no")]


def _place_error(error: BusinessError, header, rows: list[dict], line_errors: list[str]) -> None:
    """Put a service's refusal where the user typed: a header field, a line cell, or the lines block."""
    field = error.field or ""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
        index = int(parts[1]) - 1
        if 0 <= index < len(rows):
            rows[index]["errors"][parts[2]] = error.message
            line_errors.append(error.message)
            return
    if field == "lines":
        line_errors.append(error.message)
    elif field in header.fields:
        header.add_error(field, error.message)
    else:
        header.add_error(None, error.message)


def _entry_form(request, org, entry: Entry | None):
    organisation = request.organisation
    if request.method == "POST":
        header = EntryHeaderForm(request.POST, organisation=organisation)
        rows = _rows_from_post(request.POST)
        line_errors: list[str] = []
        if header.is_valid():
            data = header.cleaned_data
            entry_input = EntryInput(
                journal=data["journal"], date=data["date"], label=data["label"], reference=data["reference"],
                lines=[LineInput(account=row["account"], party=row["party"].upper(), label=row["label"],
                                 debit=row["debit"], credit=row["credit"]) for row in rows])
            try:
                with transaction.atomic():  # draft and posting together: a refused posting keeps nothing
                    saved = services.entry_draft_save(actor=request.user, organisation=organisation,
                                                      data=entry_input, entry=entry)
                    if "post" in request.POST:
                        services.entry_post(actor=request.user, entry=saved)
            except BusinessError as error:
                _place_error(error, header, rows, line_errors)
            else:
                return redirect("ledger:entry_detail", org=org, pk=saved.pk)
    else:
        if entry is None:
            header = EntryHeaderForm(organisation=organisation, initial={
                "journal": request.GET.get("journal", "OD"), "date": today()})
            rows = []
        else:
            header = EntryHeaderForm(organisation=organisation, initial={
                "journal": entry.journal.code, "date": entry.date, "reference": entry.reference,
                "label": entry.label})
            rows = _rows_from_entry(entry)
        line_errors = []
    while len(rows) < 2:
        rows.append(_blank_row())
    rows.append(_blank_row())
    return render(request, "ledger/entry_form.html", {
        "entry": entry, "header": header, "rows": rows, "line_errors": line_errors,
        "accounts": Account.objects.filter(organisation=organisation, active=True).values_list("code", "label"),
        "parties": Party.objects.filter(organisation=organisation, active=True).values_list("code", "name"),
    })


@ledger_view("ledger.write", write="ledger.write")
def entry_new(request, org):
    return _entry_form(request, org, None)


@ledger_view("ledger.write", write="ledger.write")
def entry_edit(request, org, pk):
    entry = _entry(request, pk)
    if entry.is_posted:
        return _detail(request, entry, errors=["Écriture validée : elle ne peut plus être modifiée ; "
                                                "passez une extourne."])
    return _entry_form(request, org, entry)


def _detail(request, entry: Entry, *, errors=(), reverse_form=None):
    lines = list(entry.lines.select_related("account", "party", "matching_part__matching").order_by("line_no"))
    totals = {"debit": sum((line.debit for line in lines), ZERO), "credit": sum((line.credit for line in lines), ZERO)}
    show_history = can(request, "audit.view")
    return render(request, "ledger/entry_detail.html", {
        "entry": entry, "lines": lines, "totals": totals, "errors": list(errors),
        "reversals": list(entry.reversals.select_related("journal", "fiscal_year")),
        "reverse_form": reverse_form or ReverseForm(initial={"date": today()}),
        "can_write": can(request, "ledger.write"),
        "history": list(history_of(organisation=request.organisation, obj=entry)) if show_history else None,
    })


@ledger_view()
def entry_detail(request, org, pk):
    return _detail(request, _entry(request, pk))


@require_POST
@ledger_view("ledger.write", write="ledger.write")
def entry_post(request, org, pk):
    entry = _entry(request, pk)
    try:
        services.entry_post(actor=request.user, entry=entry)
    except BusinessError as error:
        return _detail(request, _entry(request, pk), errors=[error.message])
    return redirect("ledger:entry_detail", org=org, pk=pk)


@require_POST
@ledger_view("ledger.write", write="ledger.write")
def entry_delete(request, org, pk):
    entry = _entry(request, pk)
    try:
        services.entry_draft_delete(actor=request.user, entry=entry)
    except BusinessError as error:
        return _detail(request, entry, errors=[error.message])
    return redirect("ledger:entries", org=org)


@require_POST
@ledger_view("ledger.write", write="ledger.write")
def entry_reverse(request, org, pk):
    entry = _entry(request, pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _detail(request, entry, reverse_form=form)
    try:
        reversal = services.entry_reverse(actor=request.user, entry=entry, on=form.cleaned_data["date"],
                                          label=form.cleaned_data["label"])
    except BusinessError as error:
        form.add_error("date" if error.field in ("date", None) else None, error.message)
        return _detail(request, entry, reverse_form=form)
    return redirect("ledger:entry_detail", org=org, pk=reversal.pk)
