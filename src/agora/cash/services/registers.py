"""Cash registers: the first takes the seeded CA journal and its 530 account; the next ones get CA2/5302, CA3/5303…
created through the ledger services, as treasury does for bank accounts."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.ledger.models import Account, Journal
from agora.ledger.services import account_create, journal_create

from ..models import CashRegister

FIELDS = ["label", "account", "journal", "active"]


def _label(data: dict) -> str:
    label = (data.get("label") or "").strip()
    if not label:
        raise BusinessError("required", "Le libellé de la caisse est obligatoire.", field="label")
    return label[:100]


def _free_journal_and_account(actor, organisation, label: str) -> tuple[Journal, Account]:
    """CA and 530 when no register uses them yet, else the next CAn journal with a new 530n account."""
    used_journals = set(CashRegister.objects.filter(organisation=organisation).values_list("journal_id", flat=True))
    used_accounts = set(CashRegister.objects.filter(organisation=organisation).values_list("account_id", flat=True))
    journals = {j.code: j for j in Journal.objects.filter(organisation=organisation)}
    seeded = journals.get("CA")
    if (seeded is not None and seeded.pk not in used_journals and seeded.kind == Journal.Kind.CASH
            and seeded.default_account_id and seeded.default_account_id not in used_accounts):
        return seeded, seeded.default_account
    n = 2
    while f"CA{n}" in journals:
        n += 1
    code = f"530{n}"
    account = Account.objects.filter(organisation=organisation, code=code).first()
    if account is None:
        account = account_create(actor=actor, organisation=organisation, code=code, label=f"Caisse - {label}"[:200])
    elif account.pk in used_accounts:
        raise BusinessError("account_used", f"Le compte {code} est déjà celui d'une autre caisse.", field="label")
    journal = journal_create(actor=actor, organisation=organisation, code=f"CA{n}", label=f"Caisse - {label}"[:100],
                             kind=Journal.Kind.CASH, default_account=account)
    return journal, account


@transaction.atomic
def register_create(*, actor, organisation, data: dict) -> CashRegister:
    """Open a cash register. data: label, active. Its journal and 530x account are found or created."""
    label = _label(data)
    if CashRegister.objects.filter(organisation=organisation, label=label).exists():
        raise BusinessError("duplicate_register", f"Une caisse s'appelle déjà « {label} ».", field="label")
    journal, account = _free_journal_and_account(actor, organisation, label)
    register = CashRegister.objects.create(organisation=organisation, label=label, account=account, journal=journal,
                                           active=bool(data.get("active", True)))
    audit_record(organisation=organisation, actor=actor, action="cash_register.create", obj=register,
                 after=snapshot(register, FIELDS))
    return register


@transaction.atomic
def register_update(*, actor, register: CashRegister, data: dict) -> CashRegister:
    """Rename or (de)activate a register; its journal and account stay (its entries are in them)."""
    register = CashRegister.objects.select_for_update().get(pk=register.pk)
    before = snapshot(register, FIELDS)
    if "label" in data:
        label = _label(data)
        if CashRegister.objects.filter(organisation_id=register.organisation_id, label=label).exclude(
                pk=register.pk).exists():
            raise BusinessError("duplicate_register", f"Une caisse s'appelle déjà « {label} ».", field="label")
        register.label = label
    if "active" in data:
        register.active = bool(data["active"])
    register.save()
    audit_record(organisation=register.organisation, actor=actor, action="cash_register.update", obj=register,
                 before=before, after=snapshot(register, FIELDS))
    return register
