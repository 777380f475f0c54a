"""Link statement lines with posted 512 lines (one with several, or several with one; amounts summing equal),
and undo a link. Statement lines are locked first, in id order, so two people accepting the same proposal at
once reconcile it once: the second waits, then finds the line taken."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from agora.banking.models import StatementLine
from agora.core.audit import audit_bulk, audit_record
from agora.core.bulk import load_rows
from agora.core.errors import BusinessError
from agora.core.money import ZERO, format_amount
from agora.ledger.models import EntryLine
from agora.treasury.models import BankAccount

from ..models import Reason, ReconciledEntryLine, ReconciledStatementLine, Reconciliation

CHUNK = 900


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _ids(values, field: str) -> list[int]:
    try:
        ids = sorted({int(v) for v in values})
    except (TypeError, ValueError) as exc:
        raise BusinessError("invalid_id", "Identifiant de ligne illisible.", field=field) from exc
    return ids


def _locked_statement_lines(bank_account: BankAccount, ids: list[int]) -> list[StatementLine]:
    found = list(StatementLine.objects.select_for_update().filter(
        organisation_id=bank_account.organisation_id, pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise BusinessError("unknown_statement_line", "Une des lignes de relevé est introuvable.",
                            field="statement_lines")
    if any(line.bank_account_id != bank_account.pk for line in found):
        raise BusinessError("other_bank_account", "Une des lignes de relevé appartient à un autre compte bancaire.",
                            field="statement_lines")
    if ReconciledStatementLine.objects.filter(statement_line_id__in=ids).exists():
        raise BusinessError("already_reconciled", "Une des lignes de relevé est déjà rapprochée.",
                            field="statement_lines")
    return found


def _locked_entry_lines(bank_account: BankAccount, ids: list[int]) -> list[EntryLine]:
    found = list(EntryLine.objects.select_for_update(of=("self",)).filter(
        organisation_id=bank_account.organisation_id, pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise BusinessError("unknown_entry_line", "Une des lignes d'écriture est introuvable.", field="entry_lines")
    for line in found:
        if not line.posted:
            raise BusinessError("not_posted", "Seules les écritures validées se rapprochent.", field="entry_lines")
        if line.account_id != bank_account.account_id:
            raise BusinessError("other_account", f"La ligne « {line.label} » n'est pas sur le compte "
                                f"{bank_account.account.code} de ce compte bancaire.", field="entry_lines")
    if ReconciledEntryLine.objects.filter(entry_line_id__in=ids).exists():
        raise BusinessError("already_reconciled", "Une des lignes d'écriture est déjà rapprochée.",
                            field="entry_lines")
    return found


@transaction.atomic
def reconciliation_create(*, actor, bank_account: BankAccount, statement_line_ids, entry_line_ids,
                          reason: str = Reason.MANUAL) -> Reconciliation:
    """Reconcile the given lines together: one statement line with one or more 512 lines, or several statement
    lines with one 512 line; Σ statement amounts = Σ (debit − credit) of the 512 lines."""
    statement_ids = _ids(statement_line_ids, "statement_lines")
    entry_ids = _ids(entry_line_ids, "entry_lines")
    if not statement_ids:
        raise BusinessError("required", "Choisissez au moins une ligne de relevé.", field="statement_lines")
    if not entry_ids:
        raise BusinessError("required", "Choisissez au moins une ligne d'écriture.", field="entry_lines")
    if len(statement_ids) > 1 and len(entry_ids) > 1:
        raise BusinessError("many_to_many", "Rapprochez une ligne de relevé avec plusieurs écritures, ou plusieurs "
                            "lignes de relevé avec une écriture, pas plusieurs avec plusieurs.", field="entry_lines")
    statement = _locked_statement_lines(bank_account, statement_ids)
    books = _locked_entry_lines(bank_account, entry_ids)
    bank_total = sum((line.amount for line in statement), ZERO)
    books_total = sum((line.debit - line.credit for line in books), ZERO)
    if bank_total != books_total:
        raise BusinessError("unbalanced", f"Les montants ne sont pas égaux : relevé {format_amount(bank_total)} €, "
                            f"écritures {format_amount(books_total)} € (écart {format_amount(bank_total - books_total)}"
                            " €).", field="entry_lines")
    try:
        with transaction.atomic():
            group = Reconciliation.objects.create(organisation_id=bank_account.organisation_id,
                                                  bank_account=bank_account, reason=reason, amount=bank_total,
                                                  created_by=_user(actor))
            ReconciledStatementLine.objects.bulk_create([ReconciledStatementLine(
                organisation_id=bank_account.organisation_id, reconciliation=group, statement_line=line)
                for line in statement])
            ReconciledEntryLine.objects.bulk_create([ReconciledEntryLine(
                organisation_id=bank_account.organisation_id, reconciliation=group, entry_line=line)
                for line in books])
    except IntegrityError as clash:
        raise BusinessError("already_reconciled", "Ces lignes viennent d'être rapprochées par ailleurs.",
                            field="statement_lines") from clash
    audit_record(organisation=bank_account.organisation, actor=actor, action="reconciliation.create", obj=group,
                 after={"bank_account": bank_account.pk, "reason": reason, "amount": str(bank_total),
                        "statement_lines": statement_ids, "entry_lines": entry_ids})
    return group


@transaction.atomic
def reconciliations_bulk_create(*, actor, bank_account: BankAccount, pairs: list[tuple[int, int]],
                                reason: str) -> int:
    """Accept many 1↔1 proposals at once (statement line id, 512 line id); pairs whose lines were taken
    meanwhile or whose amounts differ are left out. Returns how many were reconciled."""
    organisation_id = bank_account.organisation_id
    wanted = dict(pairs)
    statement_ids = sorted(wanted)
    amounts: dict[int, Decimal] = {}
    for start in range(0, len(statement_ids), CHUNK):
        chunk = statement_ids[start:start + CHUNK]
        amounts.update(StatementLine.objects.select_for_update(of=("self",)).filter(
            organisation_id=organisation_id, bank_account=bank_account, pk__in=chunk, reconciled__isnull=True)
            .order_by("pk").values_list("pk", "amount"))
    entry_ids = sorted({wanted[pk] for pk in amounts})
    signed: dict[int, Decimal] = {}
    for start in range(0, len(entry_ids), CHUNK):
        chunk = entry_ids[start:start + CHUNK]
        signed.update((pk, debit - credit) for pk, debit, credit in EntryLine.objects.select_for_update(
            of=("self",)).filter(organisation_id=organisation_id, account_id=bank_account.account_id, posted=True,
                                 pk__in=chunk, bank_reconciled__isnull=True).order_by("pk")
            .values_list("pk", "debit", "credit"))
    kept = [(pk, wanted[pk]) for pk in statement_ids if pk in amounts and signed.get(wanted[pk]) == amounts[pk]]
    if not kept:
        return 0
    user = _user(actor)
    groups = Reconciliation.objects.bulk_create([Reconciliation(
        organisation_id=organisation_id, bank_account=bank_account, reason=reason, amount=amounts[pk],
        created_by=user) for pk, _ in kept], batch_size=CHUNK)
    load_rows(ReconciledStatementLine, ["organisation", "reconciliation", "statement_line"],
                [(organisation_id, group.pk, pk) for group, (pk, _) in zip(groups, kept, strict=True)])
    load_rows(ReconciledEntryLine, ["organisation", "reconciliation", "entry_line"],
                [(organisation_id, group.pk, entry_id) for group, (_, entry_id) in zip(groups, kept, strict=True)])
    audit_bulk(organisation=bank_account.organisation, actor=actor, action="reconciliation.create",
               items=[(group, {"reason": reason, "amount": str(group.amount), "statement_lines": [pk],
                               "entry_lines": [entry_id]}) for group, (pk, entry_id) in zip(groups, kept, strict=True)])
    return len(kept)


@transaction.atomic
def reconciliation_delete(*, actor, reconciliation: Reconciliation) -> None:
    """Undo a reconciliation: the lines are open again (entries posted from a bank line stay: reverse them in
    the ledger if they were wrong)."""
    group = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    before = {"amount": str(group.amount), "reason": group.reason,
              "statement_lines": list(group.statement_links.values_list("statement_line_id", flat=True)),
              "entry_lines": list(group.entry_links.values_list("entry_line_id", flat=True))}
    audit_record(organisation=group.organisation, actor=actor, action="reconciliation.delete", obj=group,
                 before=before)
    group.delete()
