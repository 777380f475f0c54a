"""Importing a bank statement file: parse, find the account, skip what was already imported, bulk-insert.

A line already imported for the same bank account is recognised by its `dedup_key`: a hash of date, amount,
reference (or the label when the bank gives no reference) and the occurrence of that same quadruple inside the
file, so two identical lines of one file are both kept while a re-imported file is skipped line by line. The
existing keys are read in one query over the file's period; lines go in with one multi-row INSERT.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from agora.core.audit import audit_record
from agora.core.bulk import load_rows
from agora.core.errors import BusinessError
from agora.treasury.models import BankAccount

from ..models import BankStatement, CsvMapping, StatementLine
from ..parsers import CsvLayout, ParsedStatement, detect_format, parse_statement

LINE_FIELDS = ["organisation", "statement", "bank_account", "sequence", "date", "value_date", "amount", "label",
               "reference", "counterparty_name", "counterparty_iban", "bank_code", "dedup_key"]
EXTENSIONS = {"ofx": "ofx", "camt053": "xml", "cfonb120": "txt", "csv": "csv"}
REPORT_LIMIT = 500  # skipped lines listed in the stored report (the count is always exact)


@dataclass
class ImportResult:
    statements: list[BankStatement] = field(default_factory=list)
    imported: int = 0
    duplicates: int = 0


def layout_of(mapping: CsvMapping) -> CsvLayout:
    return CsvLayout(delimiter=mapping.delimiter, encoding=mapping.encoding, date_format=mapping.date_format,
                     decimal_comma=mapping.decimal_comma, skip_rows=mapping.skip_rows, columns=mapping.columns)


def dedup_keys(parsed: ParsedStatement) -> list[str]:
    seen: dict[tuple, int] = {}
    keys = []
    for line in parsed.lines:
        base = (line.date.isoformat(), f"{line.amount:.2f}", line.reference or "", "" if line.reference else line.label)
        seen[base] = occurrence = seen.get(base, 0) + 1
        keys.append(hashlib.sha256("|".join((*base, str(occurrence))).encode()).hexdigest())
    return keys


def _account_for(organisation, parsed: ParsedStatement, chosen: BankAccount | None, where: str) -> BankAccount:
    """The chosen account, which must be the file's; or, when none is chosen, the account with the file's IBAN."""
    if chosen is not None:
        if (parsed.iban or parsed.account_number) and not parsed.matches_iban(chosen.iban):
            raise BusinessError("wrong_account", f"{where} : le fichier concerne le compte "
                                f"{parsed.account_label()}, pas {chosen.label} ({chosen.iban_display}).",
                                field="bank_account")
        return chosen
    accounts = [a for a in BankAccount.objects.filter(organisation=organisation).select_related("journal")
                if parsed.matches_iban(a.iban)]
    if len(accounts) != 1:
        detail = parsed.account_label() or "non indiqué dans le fichier"
        raise BusinessError("unknown_account", f"{where} : aucun compte bancaire de l'organisation ne correspond au "
                            f"compte {detail} ; choisissez le compte bancaire.", field="bank_account")
    return accounts[0]


def _existing_keys(organisation, account, parsed: ParsedStatement) -> set[str]:
    return set(StatementLine.objects.filter(
        organisation=organisation, bank_account=account, date__gte=min(line.date for line in parsed.lines),
        date__lte=max(line.date for line in parsed.lines)).values_list("dedup_key", flat=True))


@transaction.atomic
def statement_import(*, actor, organisation, bank_account: BankAccount | None, content: bytes, filename: str = "",
                     format: str | None = None, mapping: CsvMapping | None = None) -> ImportResult:  # noqa: A002
    """Import every statement of the file; all or nothing (any refusal names the line and writes nothing)."""
    if bank_account is not None and bank_account.organisation_id != organisation.pk:
        raise BusinessError("unknown_account", "Compte bancaire inconnu.", field="bank_account")
    if mapping is not None and (mapping.organisation_id != organisation.pk or
                                (bank_account is not None and mapping.bank_account_id != bank_account.pk)):
        raise BusinessError("unknown_mapping", "Ce modèle d'import CSV n'est pas celui de ce compte.",
                            field="mapping")
    format = format or detect_format(content)  # noqa: A001
    if format == "csv" and bank_account is None and mapping is not None:
        bank_account = mapping.bank_account
    parsed_statements = parse_statement(content, format, layout_of(mapping) if mapping else None)
    digest = hashlib.sha256(content).hexdigest()
    result = ImportResult()
    stored_name = ""
    for number, parsed in enumerate(parsed_statements, start=1):
        where = f"Relevé n° {number}" if len(parsed_statements) > 1 else "Relevé"
        if format == "csv" and bank_account is None:
            raise BusinessError("unknown_account", "Fichier CSV : choisissez le compte bancaire.",
                                field="bank_account")
        account = _account_for(organisation, parsed, bank_account, where)
        statement = _store(actor, organisation, account, parsed, format, filename, digest, content, stored_name,
                           result)
        stored_name = statement.file.name
    return result


def _store(actor, organisation, account, parsed, format, filename, digest, content, stored_name,  # noqa: A002
           result: ImportResult) -> BankStatement:
    keys = dedup_keys(parsed)
    BankAccount.objects.select_for_update().filter(pk=account.pk).first()  # one import at a time per account
    existing = _existing_keys(organisation, account, parsed) if parsed.lines else set()
    skipped = [(line, key) for line, key in zip(parsed.lines, keys, strict=True) if key in existing]
    statement = BankStatement(
        organisation=organisation, bank_account=account, format=format, reference=parsed.reference[:80],
        start_date=parsed.start_date, end_date=parsed.end_date, opening_balance=parsed.opening_balance,
        closing_balance=parsed.closing_balance, filename=(filename or "")[:200], sha256=digest,
        line_count=len(parsed.lines) - len(skipped), duplicate_count=len(skipped),
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        report={"skipped": [{"date": line.date.isoformat(), "amount": f"{line.amount:.2f}",
                             "reference": line.reference, "label": line.label[:120]}
                            for line, _ in skipped[:REPORT_LIMIT]],
                "currency": parsed.currency})
    if stored_name:
        statement.file.name = stored_name
    else:
        # the stored name is ours (the user's file name is kept in `filename`, never used as a path)
        statement.file.save(f"releve-{account.pk}-{digest[:16]}.{EXTENSIONS.get(format, 'txt')}",
                            ContentFile(content), save=False)
    statement.save()
    sequence, rows = 0, []
    for line, key in zip(parsed.lines, keys, strict=True):
        sequence += 1
        if key in existing:
            continue
        rows.append((organisation.pk, statement.pk, account.pk, sequence, line.date, line.value_date, line.amount,
                     line.label[:300], line.reference[:140], line.counterparty_name[:140],
                     line.counterparty_iban[:34], line.bank_code[:40], key))
    load_rows(StatementLine, LINE_FIELDS, rows)
    audit_record(organisation=organisation, actor=actor, action="banking.statement_import", obj=statement,
                 after={"filename": statement.filename, "format": format, "lines": statement.line_count,
                        "duplicates": statement.duplicate_count, "start": statement.start_date,
                        "end": statement.end_date, "closing_balance": statement.closing_balance})
    result.statements.append(statement)
    result.imported += statement.line_count
    result.duplicates += statement.duplicate_count
    return statement
