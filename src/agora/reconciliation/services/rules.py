"""Saved reconciliation rules ("libellé contient … → compte …"): create, change, delete; audited."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.ledger.models import Account
from agora.parties.models import Party
from agora.treasury.models import BankAccount

from ..models import ReconciliationRule, Sign
from .entries import clean_vat_rate

FIELDS = ["name", "label_contains", "sign", "amount_min", "amount_max", "account", "party", "entry_label", "vat_rate",
          "priority", "active", "bank_account"]


def _amount(raw, field: str):
    if raw in (None, ""):
        return None
    value = parse_amount(raw, field=field)
    if value < 0:
        raise BusinessError("negative_amount", "Montant positif attendu (valeur absolue).", field=field)
    return value


def _clean(organisation, data: dict, rule: ReconciliationRule | None) -> dict:
    name = (data.get("name") or "").strip()[:100]
    contains = (data.get("label_contains") or "").strip()[:100]
    if not name:
        raise BusinessError("required", "Donnez un nom à la règle.", field="name")
    if not contains:
        raise BusinessError("required", "Indiquez le texte que le libellé doit contenir.", field="label_contains")
    duplicate = ReconciliationRule.objects.filter(organisation=organisation, name=name)
    if rule is not None:
        duplicate = duplicate.exclude(pk=rule.pk)
    if duplicate.exists():
        raise BusinessError("duplicate_name", f"Une règle s'appelle déjà « {name} ».", field="name")
    sign = data.get("sign") or Sign.ANY
    if sign not in Sign.values:
        raise BusinessError("invalid_sign", "Sens inconnu.", field="sign")
    code = str(data.get("account") or "").strip()
    account = Account.objects.filter(organisation=organisation, code=code, active=True).first()
    if account is None:
        raise BusinessError("unknown_account", f"Compte inconnu : « {code} ».", field="account")
    if account.code.startswith(("512", "53")):
        raise BusinessError("treasury_account", "La contrepartie d'une règle n'est pas un compte de trésorerie.",
                            field="account")
    party = None
    party_code = str(data.get("party") or "").strip().upper()
    if party_code:
        party = Party.objects.filter(organisation=organisation, code=party_code).first()
        if party is None:
            raise BusinessError("unknown_party", f"Tiers inconnu : « {party_code} ».", field="party")
    elif account.party_required:
        raise BusinessError("party_required", f"Le compte {account.code} exige un tiers.", field="party")
    bank = None
    if data.get("bank_account"):
        bank = BankAccount.objects.filter(organisation=organisation, pk=data["bank_account"]).first()
        if bank is None:
            raise BusinessError("unknown_bank_account", "Compte bancaire inconnu.", field="bank_account")
    low, high = _amount(data.get("amount_min"), "amount_min"), _amount(data.get("amount_max"), "amount_max")
    if low is not None and high is not None and low > high:
        raise BusinessError("invalid_range", "Le minimum dépasse le maximum.", field="amount_max")
    try:
        priority = int(data.get("priority") if data.get("priority") not in (None, "") else 10)
    except (TypeError, ValueError) as exc:
        raise BusinessError("invalid_priority", "Priorité : nombre entier attendu.", field="priority") from exc
    if not 0 <= priority <= 999:
        raise BusinessError("invalid_priority", "Priorité entre 0 et 999.", field="priority")
    return {"name": name, "label_contains": contains, "sign": sign, "amount_min": low, "amount_max": high,
            "account": account, "party": party, "entry_label": (data.get("entry_label") or "").strip()[:200],
            "vat_rate": clean_vat_rate(data.get("vat_rate")), "priority": priority,
            "active": bool(data.get("active", True)), "bank_account": bank}


@transaction.atomic
def rule_create(*, actor, organisation, data: dict) -> ReconciliationRule:
    values = _clean(organisation, data, None)
    rule = ReconciliationRule.objects.create(
        organisation=organisation, created_by=actor if getattr(actor, "is_authenticated", False) else None, **values)
    audit_record(organisation=organisation, actor=actor, action="reconciliation_rule.create", obj=rule,
                 after=snapshot(rule, FIELDS))
    return rule


@transaction.atomic
def rule_update(*, actor, rule: ReconciliationRule, data: dict) -> ReconciliationRule:
    rule = ReconciliationRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule, FIELDS)
    for key, value in _clean(rule.organisation, data, rule).items():
        setattr(rule, key, value)
    rule.save()
    audit_record(organisation=rule.organisation, actor=actor, action="reconciliation_rule.update", obj=rule,
                 before=before, after=snapshot(rule, FIELDS))
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: ReconciliationRule) -> None:
    audit_record(organisation=rule.organisation, actor=actor, action="reconciliation_rule.delete", obj=rule,
                 before=snapshot(rule, FIELDS))
    rule.delete()
