"""CSV mappings: how one bank account's CSV export reads, saved at the first import and reused."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError

from ..models import CsvMapping
from ..parsers.csv import CsvLayout, check_layout

FIELDS = ["name", "delimiter", "encoding", "date_format", "decimal_comma", "skip_rows", "columns"]
COLUMN_NAMES = ("date", "value_date", "label", "amount", "debit", "credit", "reference", "counterparty")


def _clean(data: dict) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise BusinessError("required", "Le nom du modèle est obligatoire.", field="name")
    delimiter = data.get("delimiter") or ";"
    if delimiter == "\\t":
        delimiter = "\t"
    if len(delimiter) != 1:
        raise BusinessError("invalid_delimiter", "Le séparateur est un seul caractère (; , | ou tabulation).",
                            field="delimiter")
    encoding = (data.get("encoding") or "utf-8").strip()
    try:
        "é".encode(encoding)
    except LookupError as error:
        raise BusinessError("invalid_encoding", f"Encodage inconnu : « {encoding} ».", field="encoding") from error
    date_format = (data.get("date_format") or "%d/%m/%Y").strip()
    if "%d" not in date_format or "%m" not in date_format or ("%Y" not in date_format and "%y" not in date_format):
        raise BusinessError("invalid_date_format", "Le format de date doit contenir %d, %m et %Y (ou %y), "
                            "par exemple %d/%m/%Y.", field="date_format")
    columns = {key: int(value) for key, value in (data.get("columns") or {}).items()
               if key in COLUMN_NAMES and value not in (None, "") and str(value).isdigit()}
    try:
        skip_rows = int(data.get("skip_rows", 1) or 0)
    except (TypeError, ValueError) as error:
        raise BusinessError("invalid_skip_rows", "Nombre de lignes d'en-tête invalide.", field="skip_rows") from error
    if not 0 <= skip_rows <= 50:
        raise BusinessError("invalid_skip_rows", "Entre 0 et 50 lignes d'en-tête.", field="skip_rows")
    cleaned = {"name": name[:100], "delimiter": delimiter, "encoding": encoding, "date_format": date_format,
               "decimal_comma": bool(data.get("decimal_comma", True)), "skip_rows": skip_rows, "columns": columns}
    check_layout(CsvLayout(**{k: v for k, v in cleaned.items() if k != "name"}))
    return cleaned


def _unique(mapping_qs, name: str) -> None:
    if mapping_qs.filter(name=name).exists():
        raise BusinessError("duplicate_name", f"Un modèle « {name} » existe déjà pour ce compte.", field="name")


@transaction.atomic
def csv_mapping_create(*, actor, organisation, bank_account, data: dict) -> CsvMapping:
    if bank_account.organisation_id != organisation.pk:
        raise BusinessError("unknown_account", "Compte bancaire inconnu.", field="bank_account")
    cleaned = _clean(data)
    _unique(CsvMapping.objects.filter(bank_account=bank_account), cleaned["name"])
    mapping = CsvMapping.objects.create(organisation=organisation, bank_account=bank_account, **cleaned)
    audit_record(organisation=organisation, actor=actor, action="banking.csv_mapping_create", obj=mapping,
                 after=snapshot(mapping, FIELDS))
    return mapping


@transaction.atomic
def csv_mapping_update(*, actor, mapping: CsvMapping, data: dict) -> CsvMapping:
    before = snapshot(mapping, FIELDS)
    cleaned = _clean({**before, **{k: v for k, v in data.items() if v is not None}})
    _unique(CsvMapping.objects.filter(bank_account=mapping.bank_account_id).exclude(pk=mapping.pk), cleaned["name"])
    for key, value in cleaned.items():
        setattr(mapping, key, value)
    mapping.save()
    audit_record(organisation=mapping.organisation, actor=actor, action="banking.csv_mapping_update", obj=mapping,
                 before=before, after=snapshot(mapping, FIELDS))
    return mapping


@transaction.atomic
def csv_mapping_delete(*, actor, mapping: CsvMapping) -> None:
    audit_record(organisation=mapping.organisation, actor=actor, action="banking.csv_mapping_delete", obj=mapping,
                 before=snapshot(mapping, FIELDS))
    mapping.delete()
