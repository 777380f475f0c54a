"""Bank statement routes of the JSON API, under /api/v1/orgs/{org}/: statements and their lines, the import
(multipart file), CSV mappings CRUD. banking.view to read, banking.write to import and edit mappings."""

from datetime import date

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from agora.core.api import BODY_ERRORS, ERRORS, Money, organisation_for
from agora.core.errors import BusinessError
from agora.treasury.models import BankAccount

from ..models import CsvMapping
from ..selectors.statements import (
    bank_account_get,
    mapping_get,
    mapping_list,
    statement_get,
    statement_lines,
    statement_list,
)
from ..services.mappings import csv_mapping_create, csv_mapping_delete, csv_mapping_update
from ..services.statements import statement_import

router = Router(tags=["banque — relevés bancaires"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 1000


class BankStatementOut(Schema):
    id: int
    bank_account_id: int
    bank_account_label: str
    format: str
    reference: str
    start_date: date
    end_date: date
    opening_balance: Money | None
    closing_balance: Money | None
    filename: str
    line_count: int
    duplicate_count: int
    skipped: list[dict]


class BankStatementLineOut(Schema):
    id: int
    statement_id: int
    bank_account_id: int
    sequence: int
    date: date
    value_date: date | None
    amount: Money
    label: str
    reference: str
    counterparty_name: str
    counterparty_iban: str
    bank_code: str


class BankStatementPage(Schema):
    count: int
    results: list[BankStatementOut]


class BankStatementLinePage(Schema):
    count: int
    results: list[BankStatementLineOut]


class BankImportOut(Schema):
    imported: int
    duplicates: int
    statements: list[BankStatementOut]


class BankStatementFilters(Schema):
    bank_account: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 100
    offset: int = 0


class BankImportIn(Schema):
    bank_account: int | None = None
    format: str | None = None
    mapping: int | None = None


class BankCsvMappingIn(Schema):
    bank_account: int
    name: str
    delimiter: str = ";"
    encoding: str = "utf-8"
    date_format: str = "%d/%m/%Y"
    decimal_comma: bool = True
    skip_rows: int = 1
    columns: dict[str, int]


class BankCsvMappingPatch(Schema):
    name: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    decimal_comma: bool | None = None
    skip_rows: int | None = None
    columns: dict[str, int] | None = None


class BankCsvMappingOut(Schema):
    id: int
    bank_account_id: int
    name: str
    delimiter: str
    encoding: str
    date_format: str
    decimal_comma: bool
    skip_rows: int
    columns: dict


def _statement_out(statement) -> dict:
    return {"id": statement.pk, "bank_account_id": statement.bank_account_id,
            "bank_account_label": statement.bank_account.label, "format": statement.format,
            "reference": statement.reference, "start_date": statement.start_date, "end_date": statement.end_date,
            "opening_balance": statement.opening_balance, "closing_balance": statement.closing_balance,
            "filename": statement.filename, "line_count": statement.line_count,
            "duplicate_count": statement.duplicate_count, "skipped": statement.report.get("skipped", [])}


def _line_out(line) -> dict:
    return {"id": line.pk, "statement_id": line.statement_id, "bank_account_id": line.bank_account_id,
            "sequence": line.sequence, "date": line.date, "value_date": line.value_date, "amount": line.amount,
            "label": line.label, "reference": line.reference, "counterparty_name": line.counterparty_name,
            "counterparty_iban": line.counterparty_iban, "bank_code": line.bank_code}


def _mapping_out(mapping) -> dict:
    return {"id": mapping.pk, "bank_account_id": mapping.bank_account_id, "name": mapping.name,
            "delimiter": mapping.delimiter, "encoding": mapping.encoding, "date_format": mapping.date_format,
            "decimal_comma": mapping.decimal_comma, "skip_rows": mapping.skip_rows, "columns": mapping.columns}


def _account(organisation, pk):
    if pk is None:
        return None
    try:
        return bank_account_get(organisation=organisation, pk=pk)
    except BankAccount.DoesNotExist as missing:
        raise BusinessError("unknown_account", "Compte bancaire inconnu.", field="bank_account") from missing


def _page(filters) -> tuple[int, int]:
    return max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)


@router.get(PREFIX + "/bank-statements", response={200: BankStatementPage, **ERRORS}, summary="Relevés bancaires")
def bank_statements(request, org: str, filters: Query[BankStatementFilters]):
    organisation = organisation_for(request, org, "banking.view")
    queryset = statement_list(organisation=organisation, bank_account=_account(organisation, filters.bank_account),
                              date_from=filters.date_from, date_to=filters.date_to)
    limit, offset = _page(filters)
    return {"count": queryset.count(), "results": [_statement_out(s) for s in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/bank-statements/import", response={201: BankImportOut, **BODY_ERRORS},
             summary="Importer un relevé (OFX, CAMT.053, CFONB 120, CSV)")
def bank_statement_import(request, org: str, payload: Form[BankImportIn], file: File[UploadedFile]):
    """Format detected from the content unless given; the account is checked against the file's IBAN (or found
    by it when not given); a CSV needs a mapping (the account's first one when not given). Already imported
    lines are skipped and listed; a malformed file writes nothing (422 naming the line)."""
    organisation = organisation_for(request, org, "banking.write")
    account = _account(organisation, payload.bank_account)
    mapping = None
    if payload.mapping is not None:
        try:
            mapping = mapping_get(organisation=organisation, pk=payload.mapping)
        except CsvMapping.DoesNotExist as missing:
            raise BusinessError("unknown_mapping", "Modèle d'import CSV inconnu.", field="mapping") from missing
    elif account is not None:
        mapping = mapping_list(organisation=organisation, bank_account=account).first()
    content = file.read()
    result = statement_import(actor=request.auth, organisation=organisation, bank_account=account, content=content,
                              filename=file.name or "", format=payload.format or None, mapping=mapping)
    return Status(201, {"imported": result.imported, "duplicates": result.duplicates,
                        "statements": [_statement_out(s) for s in result.statements]})


@router.get(PREFIX + "/bank-statements/{statement_id}", response={200: BankStatementOut, **ERRORS},
            summary="Un relevé bancaire")
def bank_statement_detail(request, org: str, statement_id: int):
    organisation = organisation_for(request, org, "banking.view")
    return _statement_out(statement_get(organisation=organisation, pk=statement_id))


@router.get(PREFIX + "/bank-statements/{statement_id}/lines", response={200: BankStatementLinePage, **ERRORS},
            summary="Les lignes d'un relevé bancaire")
def bank_statement_lines(request, org: str, statement_id: int, filters: Query[BankStatementFilters]):
    organisation = organisation_for(request, org, "banking.view")
    statement = statement_get(organisation=organisation, pk=statement_id)
    queryset = statement_lines(organisation=organisation, statement=statement, date_from=filters.date_from,
                               date_to=filters.date_to)
    limit, offset = _page(filters)
    return {"count": queryset.count(), "results": [_line_out(line) for line in queryset[offset:offset + limit]]}


@router.get(PREFIX + "/bank-statement-lines", response={200: BankStatementLinePage, **ERRORS},
            summary="Lignes de relevés (tous relevés, filtrables par compte et période)")
def bank_statement_line_list(request, org: str, filters: Query[BankStatementFilters]):
    organisation = organisation_for(request, org, "banking.view")
    queryset = statement_lines(organisation=organisation, bank_account=_account(organisation, filters.bank_account),
                               date_from=filters.date_from, date_to=filters.date_to)
    limit, offset = _page(filters)
    return {"count": queryset.count(), "results": [_line_out(line) for line in queryset[offset:offset + limit]]}


@router.get(PREFIX + "/bank-csv-mappings", response={200: list[BankCsvMappingOut], **ERRORS},
            summary="Modèles d'import CSV")
def bank_csv_mappings(request, org: str):
    organisation = organisation_for(request, org, "banking.view")
    return [_mapping_out(m) for m in mapping_list(organisation=organisation)]


@router.post(PREFIX + "/bank-csv-mappings", response={201: BankCsvMappingOut, **BODY_ERRORS},
             summary="Créer un modèle d'import CSV")
def bank_csv_mapping_new(request, org: str, payload: BankCsvMappingIn):
    organisation = organisation_for(request, org, "banking.write")
    data = payload.dict()
    account = _account(organisation, data.pop("bank_account"))
    mapping = csv_mapping_create(actor=request.auth, organisation=organisation, bank_account=account, data=data)
    return Status(201, _mapping_out(mapping))


@router.get(PREFIX + "/bank-csv-mappings/{mapping_id}", response={200: BankCsvMappingOut, **ERRORS},
            summary="Un modèle d'import CSV")
def bank_csv_mapping_detail(request, org: str, mapping_id: int):
    organisation = organisation_for(request, org, "banking.view")
    return _mapping_out(mapping_get(organisation=organisation, pk=mapping_id))


@router.patch(PREFIX + "/bank-csv-mappings/{mapping_id}", response={200: BankCsvMappingOut, **BODY_ERRORS},
              summary="Modifier un modèle d'import CSV")
def bank_csv_mapping_patch(request, org: str, mapping_id: int, payload: BankCsvMappingPatch):
    organisation = organisation_for(request, org, "banking.write")
    mapping = mapping_get(organisation=organisation, pk=mapping_id)
    data = {key: value for key, value in payload.dict().items() if value is not None}
    return _mapping_out(csv_mapping_update(actor=request.auth, mapping=mapping, data=data))


@router.delete(PREFIX + "/bank-csv-mappings/{mapping_id}", response={204: None, **ERRORS},
               summary="Supprimer un modèle d'import CSV")
def bank_csv_mapping_delete(request, org: str, mapping_id: int):
    organisation = organisation_for(request, org, "banking.write")
    csv_mapping_delete(actor=request.auth, mapping=mapping_get(organisation=organisation, pk=mapping_id))
    return Status(204, None)
