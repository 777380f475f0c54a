"""Bank accounts: the organisation's real accounts, each with its 512x ledger account and its BQn journal.

The first account takes the seeded BQ1 journal and its account (5121); a second one gets a new journal BQ2 and
account 5122, created through the ledger services, unless the user names existing ones.
"""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.identifiers import clean_bic, clean_iban
from agora.ledger.models import Account, Journal
from agora.ledger.services import account_create, journal_create
from agora.treasury.models import BankAccount

FIELDS = ["label", "bank_name", "iban", "bic", "holder_name", "account", "journal", "active", "is_default"]
BANK_PREFIX = "512"


def _clean(organisation, data: dict, instance: BankAccount | None) -> dict:
    label = (data.get("label") or "").strip()
    if not label:
        raise BusinessError("required", "Le libellé du compte bancaire est obligatoire.", field="label")
    iban = clean_iban((data.get("iban") or "").strip())
    if not iban:
        raise BusinessError("required", "L'IBAN est obligatoire.", field="iban")
    bic = clean_bic((data.get("bic") or "").strip())
    same = BankAccount.objects.filter(organisation=organisation, iban=iban)
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    if same.exists():
        raise BusinessError("duplicate_iban", f"Un compte bancaire porte déjà l'IBAN {iban}.", field="iban")
    holder = (data.get("holder_name") or "").strip() or organisation.legal_name
    return {"label": label[:100], "bank_name": (data.get("bank_name") or "").strip()[:100], "iban": iban,
            "bic": bic, "holder_name": holder[:70], "active": bool(data.get("active", True)),
            "is_default": bool(data.get("is_default", False))}


def _ledger_account(actor, organisation, code: str, label: str) -> Account:
    code = (code or "").strip()
    if not code.startswith(BANK_PREFIX):
        raise BusinessError("not_bank_account", f"Le compte {code} n'est pas un compte de banque (512…).",
                            field="account_code")
    account = Account.objects.filter(organisation=organisation, code=code).first()
    return account or account_create(actor=actor, organisation=organisation, code=code,
                                     label=f"Banque - {label}"[:200])


def _free_journal_and_account(actor, organisation, label: str) -> tuple[Journal, Account]:
    """BQ1 and its account when no bank account uses them yet, else the next BQn with a new 512n."""
    used = set(BankAccount.objects.filter(organisation=organisation).values_list("journal_id", flat=True))
    codes = set(Journal.objects.filter(organisation=organisation).values_list("code", flat=True))
    n = 1
    while True:
        code = f"BQ{n}"
        journal = Journal.objects.filter(organisation=organisation, code=code).select_related(
            "default_account").first()
        if journal is not None and journal.pk not in used and journal.kind == Journal.Kind.BANK:
            account = journal.default_account or _ledger_account(actor, organisation, f"512{n}", label)
            return journal, account
        if code not in codes:
            account = _ledger_account(actor, organisation, f"512{n}", label)
            journal = journal_create(actor=actor, organisation=organisation, code=code,
                                     label=f"Banque - {label}"[:100], kind=Journal.Kind.BANK, default_account=account)
            return journal, account
        n += 1


def _bank_journal(organisation, code: str) -> Journal:
    journal = Journal.objects.filter(organisation=organisation, code=(code or "").strip().upper()).first()
    if journal is None:
        raise BusinessError("unknown_journal", f"Journal inconnu : « {code} ».", field="journal_code")
    if journal.kind != Journal.Kind.BANK:
        raise BusinessError("not_bank_journal", f"Le journal {journal.code} n'est pas un journal de banque.",
                            field="journal_code")
    return journal


def _make_default(bank_account: BankAccount) -> None:
    BankAccount.objects.filter(organisation_id=bank_account.organisation_id, is_default=True).exclude(
        pk=bank_account.pk).update(is_default=False)


@transaction.atomic
def bank_account_create(*, actor, organisation, data: dict) -> BankAccount:
    """Record a bank account. data: label, bank_name, iban, bic, holder_name, is_default, and optionally
    account_code (512…) and journal_code (an existing bank journal); otherwise they are found or created."""
    values = _clean(organisation, data, None)
    if data.get("journal_code"):
        journal = _bank_journal(organisation, data["journal_code"])
        if BankAccount.objects.filter(organisation=organisation, journal=journal).exists():
            raise BusinessError("journal_used", f"Le journal {journal.code} est déjà celui d'un autre compte "
                                "bancaire.", field="journal_code")
        account = (_ledger_account(actor, organisation, data["account_code"], values["label"])
                   if data.get("account_code") else journal.default_account)
        if account is None:
            raise BusinessError("required", "Indiquez le compte 512 de ce journal.", field="account_code")
    else:
        journal, account = _free_journal_and_account(actor, organisation, values["label"])
        if data.get("account_code"):
            account = _ledger_account(actor, organisation, data["account_code"], values["label"])
    if not BankAccount.objects.filter(organisation=organisation).exists():
        values["is_default"] = True
    bank_account = BankAccount.objects.create(organisation=organisation, account=account, journal=journal,
                                              **values)
    if bank_account.is_default:
        _make_default(bank_account)
    audit_record(organisation=organisation, actor=actor, action="bank_account.create", obj=bank_account,
                 after=snapshot(bank_account, FIELDS))
    return bank_account


@transaction.atomic
def bank_account_update(*, actor, bank_account: BankAccount, data: dict) -> BankAccount:
    """Change the account's details; its journal stays (its entries are in it), its 512 account may change
    while nothing is posted through the account's runs."""
    bank_account = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
    organisation = bank_account.organisation
    before = snapshot(bank_account, FIELDS)
    merged = {**before, **data}
    values = _clean(organisation, merged, bank_account)
    if data.get("account_code") and data["account_code"] != bank_account.account.code:
        if bank_account.runs.filter(entry__isnull=False).exists():
            raise BusinessError("account_used", "Des paiements ont été passés par ce compte : son compte 512 ne "
                                "change plus.", field="account_code")
        bank_account.account = _ledger_account(actor, organisation, data["account_code"], values["label"])
    if bank_account.is_default and not values["is_default"]:
        values["is_default"] = True  # one account stays the default: choose another one to move it
    for key, value in values.items():
        setattr(bank_account, key, value)
    bank_account.save()
    if bank_account.is_default:
        _make_default(bank_account)
    audit_record(organisation=organisation, actor=actor, action="bank_account.update", obj=bank_account,
                 before=before, after=snapshot(bank_account, FIELDS))
    return bank_account


def default_bank_account(organisation) -> BankAccount | None:
    return (BankAccount.objects.filter(organisation=organisation, active=True)
            .select_related("account", "journal").order_by("-is_default", "pk").first())
