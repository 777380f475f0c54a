"""Test builders for the cash app, through the real services.

    org, accountant = make_books()                      # ledger builder
    register = make_register(org, accountant)           # CA / 530
    receipt(register, accountant, date(2026, 3, 2), "200.00", "580")  # fonds de caisse
"""

from datetime import date

from agora.cash.services.movements import MovementInput, movement_record
from agora.cash.services.registers import register_create


def make_register(organisation, actor, label: str = "Caisse du magasin"):
    return register_create(actor=actor, organisation=organisation, data={"label": label})


def _move(direction, register, actor, day: date, amount: str, account: str, label: str = "", **extra):
    return movement_record(actor=actor, register=register, data=MovementInput(
        date=day, direction=direction, label=label or f"{direction} {amount}", amount=amount,
        counter_account=account, **extra))


def receipt(register, actor, day: date, amount: str, account: str, label: str = "", **extra):
    return _move("receipt", register, actor, day, amount, account, label, **extra)


def payment(register, actor, day: date, amount: str, account: str, label: str = "", **extra):
    return _move("payment", register, actor, day, amount, account, label, **extra)
