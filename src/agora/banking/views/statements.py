"""Bank statement screens: the list per account (last balances), the import (drag and drop, format detected, a
CSV mapping step on the first CSV of an account), a statement with its lines, running balance, import report
and CSV/XLSX export."""

import uuid
from itertools import accumulate

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.core.views import add_business_error, can, org_view, paginate

from ..forms import ImportForm, MappingForm, StatementFilterForm
from ..models import BankStatement
from ..parsers import detect_format
from ..parsers.csv import CsvLayout, csv_rows, guess_delimiter
from ..selectors.statements import (
    account_balances,
    bank_account_get,
    mapping_list,
    statement_get,
    statement_lines,
    statement_list,
)
from ..services.mappings import csv_mapping_create
from ..services.statements import statement_import

EXPORT_HEADER = ["Date", "Date de valeur", "Libellé", "Référence", "Contrepartie", "IBAN contrepartie",
                 "Code opération", "Montant", "Solde"]
PENDING = "banking_pending_csv"


@org_view("banking.view")
def statements(request, org):
    accounts = account_balances(organisation=request.organisation)
    form = StatementFilterForm(request.GET or None, accounts=accounts)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = statement_list(organisation=request.organisation, bank_account=filters.get("account"),
                              date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    return render(request, "banking/statements.html", {
        "form": form, "accounts": accounts, "page": paginate(request, queryset),
        "can_write": can(request, "banking.write")})


def _import(request, content: bytes, filename: str, account, mapping, format_: str | None):
    result = statement_import(actor=request.user, organisation=request.organisation, bank_account=account,
                              content=content, filename=filename, format=format_ or None, mapping=mapping)
    messages.success(request, f"{result.imported} ligne(s) importée(s), {result.duplicates} doublon(s) ignoré(s), "
                              f"{len(result.statements)} relevé(s).")
    if len(result.statements) == 1:
        return redirect("banking:statement_detail", org=request.organisation.slug, pk=result.statements[0].pk)
    return redirect("banking:statements", org=request.organisation.slug)


@org_view("banking.write", write="banking.write")
def statement_upload(request, org):
    accounts = account_balances(organisation=request.organisation).filter(active=True)
    form = ImportForm(request.POST or None, request.FILES or None, accounts=accounts,
                      mappings=mapping_list(organisation=request.organisation))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content, account = upload.read(), form.cleaned_data["bank_account"]
        mapping = form.cleaned_data["mapping"]
        is_csv = (form.cleaned_data["format"] or detect_format(content)) == "csv"
        if is_csv and mapping is None and account is not None:
            mapping = mapping_list(organisation=request.organisation, bank_account=account).first()
        try:
            if is_csv and mapping is None and account is not None:
                return _to_mapping_step(request, content, upload.name, account)
            return _import(request, content, upload.name, account, mapping, form.cleaned_data["format"])
        except BusinessError as error:
            add_business_error(form, error)
    return render(request, "banking/import.html", {"form": form}, status=422 if form.errors else 200)


def _to_mapping_step(request, content: bytes, filename: str, account):
    """Keep the file aside (media storage, named in the session) while the user says which column is what."""
    stored = default_storage.save(f"banking/pending/{uuid.uuid4().hex}.csv", ContentFile(content))
    request.session[PENDING] = {"organisation": request.organisation.pk, "account": account.pk, "path": stored,
                                "filename": filename[:200]}
    return redirect("banking:import_mapping", org=request.organisation.slug)


@org_view("banking.write", write="banking.write")
def import_mapping(request, org):
    pending = request.session.get(PENDING)
    if not pending or pending["organisation"] != request.organisation.pk or not default_storage.exists(
            pending["path"]):
        messages.error(request, "Aucun fichier CSV en attente : importez d'abord le fichier.")
        return redirect("banking:statement_import", org=org)
    account = bank_account_get(organisation=request.organisation, pk=pending["account"])
    with default_storage.open(pending["path"], "rb") as handle:
        content = handle.read()
    delimiter = request.POST.get("delimiter") or guess_delimiter(content)
    encoding = request.POST.get("encoding") or "utf-8"
    try:
        preview = csv_rows(content, CsvLayout(delimiter=delimiter, encoding=encoding), limit=8)
    except BusinessError:
        preview = csv_rows(content, CsvLayout(delimiter=delimiter, encoding="cp1252"), limit=8)
        encoding = "cp1252"
    form = MappingForm(request.POST or None, column_count=max((len(row) for row in preview), default=1),
                       initial={"name": f"Export CSV {account.bank_name or account.label}"[:100],
                                "delimiter": delimiter, "encoding": encoding})
    if request.method == "POST" and form.is_valid():
        try:
            mapping = csv_mapping_create(actor=request.user, organisation=request.organisation, bank_account=account,
                                         data=form.mapping_data())
            response = _import(request, content, pending["filename"], account, mapping, "csv")
        except BusinessError as error:
            add_business_error(form, error)
        else:
            default_storage.delete(pending["path"])
            del request.session[PENDING]
            return response
    return render(request, "banking/import_mapping.html", {
        "form": form, "account": account, "preview": preview, "filename": pending["filename"]},
        status=422 if form.errors else 200)


@org_view("banking.view")
def statement_detail(request, org, pk):
    try:
        statement = statement_get(organisation=request.organisation, pk=pk)
    except BankStatement.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    lines = statement_lines(organisation=request.organisation, statement=statement)
    amounts = list(lines.values_list("amount", flat=True))
    balances = list(accumulate(amounts, initial=statement.opening_balance)) \
        if statement.opening_balance is not None else [None] * (len(amounts) + 1)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        data = ([line.date, line.value_date, line.label, line.reference, line.counterparty_name,
                 line.counterparty_iban, line.bank_code, line.amount, balance]
                for line, balance in zip(lines.iterator(chunk_size=2000), balances[1:], strict=True))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"releve-{statement.bank_account.journal.code}-{statement.end_date:%Y%m%d}.{export}",
                    EXPORT_HEADER, data)
    page = paginate(request, lines, per_page=200)
    first = page.start_index() if amounts else 1
    return render(request, "banking/statement_detail.html", {
        "statement": statement, "page": page, "rows": list(zip(page.object_list, balances[first:], strict=False)),
        "credits": sum((a for a in amounts if a > 0), ZERO), "debits": sum((-a for a in amounts if a < 0), ZERO),
        "skipped": statement.report.get("skipped", [])})


urlpatterns = [
    path("", statements, name="statements"),
    path("importer/", statement_upload, name="statement_import"),
    path("importer/modele-csv/", import_mapping, name="import_mapping"),
    path("releves/<int:pk>/", statement_detail, name="statement_detail"),
]
