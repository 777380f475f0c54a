"""Cash receipts and payments of a register, posted in its journal; the cash balance may never go below zero.

A payment is refused when it would make the register's balance negative on its date or on any later day
already posted (a back-dated payment lowers every later balance). Receipts above 1,000 € from a business are
refused unless the user confirms the customer is a private person (C. mon. fin. L112-6, reference §7).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from agora.catalog.domain import DEFAULT_VAT_CATEGORIES
from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import ZERO, format_amount, parse_amount
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account
from agora.ledger.services import entries_post, entry_reverse
from agora.parties.models import Party

from ..domain import B2B_CASH_LIMIT, lowest_balance, vat_of_gross
from ..models import CashMovement, CashRegister
from ..selectors.balances import daily_moves, register_balance

FIELDS = ["register", "date", "direction", "label", "amount", "counter_account", "party", "vat_rate", "vat_amount",
          "reference", "private_customer", "entry"]
OUTPUT_VAT_ACCOUNT, INPUT_VAT_ACCOUNT, INPUT_VAT_BOX = "44571", "44566", "20"
# Output VAT box of each rate, from the catalog's default VAT categories (the CA3 box of the base).
OUTPUT_VAT_BOXES = {rate: box for _code, _label, rate, _mention, box in DEFAULT_VAT_CATEGORIES if rate}
VAT_RATES = sorted(OUTPUT_VAT_BOXES, reverse=True)
# Moving one's own money (to/from the bank, the owner's or partners' accounts) is not paying a debt in cash.
OWN_MONEY_PREFIXES = ("51", "58", "108", "455")


def euros(value: Decimal) -> str:
    return f"{format_amount(value)} €"


@dataclass
class MovementInput:
    date: date
    direction: str
    label: str
    amount: object
    counter_account: str
    party: str = ""
    vat_rate: object = ZERO
    reference: str = ""
    private_customer: bool = False


def check_floor(register: CashRegister, day: date, outflow: Decimal) -> None:
    """Refuse `outflow` taken from the register on `day` if the balance on that day or any later one would fall
    below zero; the French message names the amount and the balance."""
    balance = register_balance(register, day)
    later = [(d, receipts - payments) for d, receipts, payments in
             daily_moves(register.organisation, register.account_id, after=day)]
    lowest, when = lowest_balance(balance - outflow, later)
    if lowest >= 0:
        return
    if when is None:
        raise BusinessError("cash_negative", f"Décaissement de {euros(outflow)} refusé : le solde de la caisse au "
                            f"{day:%d/%m/%Y} est de {euros(balance)}. Une caisse ne peut jamais être créditrice.",
                            field="amount")
    raise BusinessError("cash_negative_later", f"Décaissement de {euros(outflow)} refusé : le solde de la caisse au "
                        f"{day:%d/%m/%Y} est de {euros(balance)}, mais celui du {when:%d/%m/%Y} deviendrait "
                        f"{euros(lowest)}. Une caisse ne peut jamais être créditrice.", field="amount")


def _clean(register: CashRegister, data: MovementInput) -> tuple:
    organisation = register.organisation
    if not isinstance(data.date, date):
        raise BusinessError("invalid_date", "Date du mouvement invalide.", field="date")
    if data.direction not in CashMovement.Direction.values:
        raise BusinessError("invalid_direction", "Sens inconnu : encaissement ou décaissement.", field="direction")
    label = (data.label or "").strip()
    if not label:
        raise BusinessError("required", "Le libellé est obligatoire.", field="label")
    amount = parse_amount(data.amount, field="amount")
    if amount <= 0:
        raise BusinessError("invalid_amount", "Le montant doit être positif.", field="amount")
    code = (data.counter_account or "").strip()
    account = Account.objects.filter(organisation=organisation, code=code).first()
    if account is None or not account.active:
        raise BusinessError("unknown_account", f"Compte de contrepartie inconnu : « {code} ».",
                            field="counter_account")
    if account.code.startswith("53"):
        raise BusinessError("cash_to_cash", "La contrepartie ne peut pas être un compte de caisse : passez par le "
                            "580 (virements internes).", field="counter_account")
    party = None
    if data.party:
        party = Party.objects.filter(organisation=organisation, code=data.party.strip().upper()).first()
        if party is None:
            raise BusinessError("unknown_party", f"Tiers inconnu : « {data.party} ».", field="party")
    elif account.party_required:
        raise BusinessError("party_required", f"Le compte {account.code} exige un tiers (client, fournisseur, "
                            "salarié).", field="party")
    rate = parse_amount(data.vat_rate if data.vat_rate not in (None, "") else ZERO, field="vat_rate")
    if rate and rate not in OUTPUT_VAT_BOXES:
        rates = ", ".join(f"{format_amount(r)} %" for r in VAT_RATES)
        raise BusinessError("invalid_vat_rate", f"Taux de TVA inconnu : {format_amount(rate)} % (taux : {rates}).",
                            field="vat_rate")
    return label, amount, account, party, rate


def _check_cash_limit(data: MovementInput, amount: Decimal, account: Account, party: Party | None) -> None:
    if amount <= B2B_CASH_LIMIT or account.code.startswith(OWN_MONEY_PREFIXES):
        return
    if data.direction == CashMovement.Direction.PAYMENT:
        raise BusinessError("cash_limit", f"Paiement en espèces de {euros(amount)} refusé : une entreprise ne peut "
                            f"régler en espèces une dette de plus de {euros(B2B_CASH_LIMIT)} (art. L112-6 du Code "
                            "monétaire et financier). Payez par virement ou chèque.", field="amount")
    if party is not None and party.kind == Party.Kind.INDIVIDUAL or data.private_customer:
        return
    raise BusinessError("cash_limit", f"Encaissement en espèces de {euros(amount)} refusé : entre professionnels, "
                        f"le paiement en espèces est limité à {euros(B2B_CASH_LIMIT)} (art. L112-6 du Code monétaire "
                        "et financier). S'il s'agit d'un client particulier, cochez « client particulier ».",
                        field="private_customer")


def _entry(register: CashRegister, data: MovementInput, label: str, amount: Decimal, account: Account,
           party: Party | None, rate: Decimal) -> EntryInput:
    vat = vat_of_gross(amount, rate)
    party_code = party.code if party else ""
    cash_code = register.account.code
    receipt = data.direction == CashMovement.Direction.RECEIPT
    base_role = "base" if vat else ""
    if receipt:
        box = OUTPUT_VAT_BOXES.get(rate, "")
        lines = [LineInput(account=cash_code, debit=amount, label=label),
                 LineInput(account=account.code, credit=amount - vat, label=label, party=party_code,
                           tax_role=base_role, vat_box=box if vat else "")]
        if vat:
            lines.append(LineInput(account=OUTPUT_VAT_ACCOUNT, credit=vat, label=f"{label} — TVA",
                                   tax_role="output_vat", vat_box=box))
    else:
        lines = [LineInput(account=account.code, debit=amount - vat, label=label, party=party_code,
                           tax_role=base_role, vat_box=INPUT_VAT_BOX if vat else "")]
        if vat:
            lines.append(LineInput(account=INPUT_VAT_ACCOUNT, debit=vat, label=f"{label} — TVA",
                                   tax_role="input_vat", vat_box=INPUT_VAT_BOX))
        lines.append(LineInput(account=cash_code, credit=amount, label=label))
    return EntryInput(journal=register.journal.code, date=data.date, label=label, lines=lines,
                      reference=(data.reference or "").strip()[:40])


@transaction.atomic
def movement_record(*, actor, register: CashRegister, data: MovementInput) -> CashMovement:
    """Record and post a cash receipt or payment (TTC amount; the VAT inside it when a rate is given)."""
    register = CashRegister.objects.select_for_update().select_related("account", "journal", "organisation").get(
        pk=register.pk)  # one movement at a time per register: the floor check reads then writes
    if not register.active:
        raise BusinessError("inactive_register", f"La caisse « {register.label} » est fermée.", field="register")
    label, amount, account, party, rate = _clean(register, data)
    _check_cash_limit(data, amount, account, party)
    if data.direction == CashMovement.Direction.PAYMENT:
        check_floor(register, data.date, amount)
    entry_input = _entry(register, data, label, amount, account, party, rate)
    entry = entries_post(actor=actor, organisation=register.organisation, entries=[entry_input])[0]
    movement = CashMovement.objects.create(
        organisation=register.organisation, register=register, date=data.date, direction=data.direction,
        label=label[:200], amount=amount, counter_account=account, party=party, vat_rate=rate,
        vat_amount=vat_of_gross(amount, rate), reference=entry_input.reference,
        private_customer=bool(data.private_customer), entry=entry,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(organisation=register.organisation, actor=actor, action="cash_movement.record", obj=movement,
                 after=snapshot(movement, FIELDS))
    return movement


@transaction.atomic
def movement_cancel(*, actor, movement: CashMovement, on: date) -> CashMovement:
    """Cancel a movement entered by mistake: its entry is reversed on `on` (posted entries never change). Taking
    back a receipt is a payment out of the register: the balance must stay at zero or above."""
    register = CashRegister.objects.select_for_update().select_related("account", "organisation").get(
        pk=movement.register_id)
    movement = CashMovement.objects.select_for_update().select_related("entry").get(pk=movement.pk)
    if movement.reversal_entry_id:
        raise BusinessError("already_cancelled", "Ce mouvement est déjà annulé.", field="movement")
    if not isinstance(on, date) or on < movement.date:
        raise BusinessError("invalid_date", "L'annulation ne peut pas précéder le mouvement.", field="date")
    if movement.direction == CashMovement.Direction.RECEIPT:
        check_floor(register, on, movement.amount)
    before = snapshot(movement, FIELDS)
    movement.reversal_entry = entry_reverse(actor=actor, entry=movement.entry, on=on,
                                            label=f"Annulation — {movement.label}")
    movement.save(update_fields=["reversal_entry"])
    audit_record(organisation=register.organisation, actor=actor, action="cash_movement.cancel", obj=movement,
                 before=before, after=snapshot(movement, [*FIELDS, "reversal_entry"]))
    return movement
