"""Cash register routes of the JSON API, under /api/v1/orgs/{org}/cash-registers: registers, their movements
(receipts and payments) and daily cash book. cash.view to read, cash.write to write."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.money import ZERO

from ..selectors import registers as selectors
from ..selectors.balances import account_balances, cash_book, register_balance
from ..services.movements import MovementInput, movement_cancel, movement_record
from ..services.registers import register_create, register_update

router = Router(tags=["caisse — caisses et mouvements"])
PREFIX = "/orgs/{org}/cash-registers"


class CashRegisterIn(Schema):
    label: str
    active: bool = True


class CashRegisterPatch(Schema):
    label: str | None = None
    active: bool | None = None


class CashRegisterOut(Schema):
    id: int
    label: str
    account_code: str
    journal_code: str
    active: bool
    balance: Money


class CashMovementIn(Schema):
    date: date
    direction: str  # "receipt" or "payment"
    label: str
    amount: AmountIn
    counter_account: str
    party: str = ""
    vat_rate: AmountIn = "0"
    reference: str = ""
    private_customer: bool = False


class CashMovementOut(Schema):
    id: int
    date: date
    direction: str
    label: str
    amount: Money
    counter_account: str
    party: str
    vat_rate: Decimal
    vat_amount: Money
    reference: str
    entry_id: int
    entry_number: int | None
    reversal_entry_id: int | None


class CashMovementCancelIn(Schema):
    date: date


class CashBookDayOut(Schema):
    day: date
    opening: Money
    receipts: Money
    payments: Money
    closing: Money


def _register_out(register, on: date | None = None) -> dict:
    out = {"id": register.pk, "label": register.label, "account_code": register.account.code,
           "journal_code": register.journal.code, "active": register.active}
    return {**out, "balance": register_balance(register, on)} if on else out


def _movement_out(movement) -> dict:
    return {"id": movement.pk, "date": movement.date, "direction": movement.direction, "label": movement.label,
            "amount": movement.amount, "counter_account": movement.counter_account.code,
            "party": movement.party.code if movement.party else "", "vat_rate": movement.vat_rate,
            "vat_amount": movement.vat_amount, "reference": movement.reference, "entry_id": movement.entry_id,
            "entry_number": movement.entry.number, "reversal_entry_id": movement.reversal_entry_id}


@router.get(PREFIX, response={200: list[CashRegisterOut], **ERRORS}, summary="Caisses")
def registers(request, org: str, on: date | None = None):
    """Each register with its book balance at `on` (default: today)."""
    organisation = organisation_for(request, org, "cash.view")
    items = list(selectors.register_list(organisation=organisation))
    balances = account_balances(organisation, [register.account_id for register in items], on or timezone.localdate())
    return [{**_register_out(register), "balance": balances.get(register.account_id, ZERO)} for register in items]


@router.post(PREFIX, response={201: CashRegisterOut, **BODY_ERRORS}, summary="Ouvrir une caisse")
def register_new(request, org: str, payload: CashRegisterIn):
    """The first register takes journal CA and account 530; the next ones CA2/5302, CA3/5303…"""
    organisation = organisation_for(request, org, "treasury.write")
    register = register_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, _register_out(register, timezone.localdate()))


@router.get(PREFIX + "/{register_id}", response={200: CashRegisterOut, **ERRORS}, summary="Une caisse")
def register_detail(request, org: str, register_id: int, on: date | None = None):
    organisation = organisation_for(request, org, "cash.view")
    return _register_out(selectors.register_get(organisation=organisation, pk=register_id), on or timezone.localdate())


@router.patch(PREFIX + "/{register_id}", response={200: CashRegisterOut, **BODY_ERRORS},
              summary="Renommer, fermer ou rouvrir une caisse")
def register_patch(request, org: str, register_id: int, payload: CashRegisterPatch):
    organisation = organisation_for(request, org, "treasury.write")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    data = {key: value for key, value in payload.dict().items() if value is not None}
    register_update(actor=request.auth, register=register, data=data)
    return _register_out(selectors.register_get(organisation=organisation, pk=register_id), timezone.localdate())


@router.get(PREFIX + "/{register_id}/movements", response={200: list[CashMovementOut], **ERRORS},
            summary="Mouvements d'une caisse")
def movements(request, org: str, register_id: int, date_from: date | None = None, date_to: date | None = None,
              direction: str = "", q: str = ""):
    organisation = organisation_for(request, org, "cash.view")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    return [_movement_out(m) for m in selectors.movement_list(register=register, date_from=date_from,
                                                              date_to=date_to, direction=direction, search=q)]


@router.post(PREFIX + "/{register_id}/movements", response={201: CashMovementOut, **BODY_ERRORS},
             summary="Enregistrer un encaissement ou un décaissement")
def movement_new(request, org: str, register_id: int, payload: CashMovementIn):
    """Amount tax included. A payment that would make the balance negative (on its date or any later one) is
    refused (422 naming `amount`); a business receipt above 1,000 € needs `private_customer` (422)."""
    organisation = organisation_for(request, org, "cash.write")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    movement = movement_record(actor=request.auth, register=register, data=MovementInput(**payload.dict()))
    return Status(201, _movement_out(selectors.movement_get(organisation=organisation, pk=movement.pk)))


@router.get(PREFIX + "/{register_id}/book", response={200: list[CashBookDayOut], **ERRORS},
            summary="Brouillard de caisse")
def book(request, org: str, register_id: int, date_from: date, date_to: date):
    """Per day with movements: opening, receipts, payments, closing."""
    organisation = organisation_for(request, org, "cash.view")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    return [{"day": d.day, "opening": d.opening, "receipts": d.receipts, "payments": d.payments,
             "closing": d.closing} for d in cash_book(register, date_from, date_to)]


@router.post("/orgs/{org}/cash-movements/{movement_id}/cancel", response={200: CashMovementOut, **BODY_ERRORS},
             summary="Annuler un mouvement de caisse (extourne)")
def movement_cancel_route(request, org: str, movement_id: int, payload: CashMovementCancelIn):
    """The movement's entry is reversed on `date`; taking back a receipt must leave the cash at zero or above."""
    organisation = organisation_for(request, org, "cash.write")
    movement = movement_cancel(actor=request.auth, movement=selectors.movement_get(organisation=organisation,
                                                                                   pk=movement_id),
                               on=payload.date)
    return _movement_out(selectors.movement_get(organisation=organisation, pk=movement.pk))
