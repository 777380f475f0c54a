"""The cash demo. `durand`: a counter cash register with a 200 € float drawn from the bank, a few cash sales and
small purchases each month, the takings paid into the bank at month end, a count each month (one shortfall,
one surplus) and the forecast's recurring items. `jardins`: the register its ledger demo already fills with
membership fees in cash (CA / 530), counted at each quarter end.

Everything is posted after the ledger demo, dated in the current year's open months, in date order.
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Journal
from agora.ledger.services import entries_post

from .domain import DENOMINATIONS
from .models import CashRegister
from .selectors.balances import register_balance
from .services.counts import count_create, count_validate
from .services.forecast import recurring_create
from .services.movements import MovementInput, movement_record
from .services.registers import register_create

FLOAT = Decimal("200.00")
# (day of month, label, amount TTC) — cash sales at 20 %, and small expenses (account, VAT rate).
SALES = [(6, "Ventes comptoir — petit outillage", "84.00"), (14, "Ventes comptoir — consommables", "126.60"),
         (23, "Ventes comptoir — quincaillerie", "57.90")]
EXPENSES = [(9, "Fournitures de bureau", "6064", "20", "23.40"), (17, "Parking et péage", "625", "", "16.50")]
VARIANCES = {3: Decimal("-2.50"), 7: Decimal("1.20")}  # a shortfall in March, a surplus in July
RECURRING = [("Loyer — SCI Les Canuts", "2220.00", "loyer", 1), ("Salaires nets", "9800.00", "salaires", 28),
             ("Cotisations URSSAF et retraite", "4150.00", "salaires", 15),
             ("Abonnements logiciel et téléphonie", "89.00", "abonnements", 10)]


def _last_workday(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _sheet(amount: Decimal) -> dict:
    """Notes and coins making up `amount`, largest first (the till as a cashier leaves it)."""
    quantities = {}
    for value in DENOMINATIONS:
        quantities[value], amount = int(amount // value), amount % value
    return quantities


def _bank_side(organisation, actor, day: date, amount: Decimal, *, to_bank: bool, label: str) -> None:
    """The bank half of a transfer through 580 (the cash half is the register's movement)."""
    lines = ([LineInput(account="5121", debit=amount, label=label), LineInput(account="580", credit=amount)]
             if to_bank else [LineInput(account="580", debit=amount, label=label),
                              LineInput(account="5121", credit=amount)])
    entries_post(actor=actor, organisation=organisation, entries=[EntryInput(journal="BQ1", date=day, label=label,
                                                                             lines=lines)])


def _count(register, actor, day: date, counter: str, variance: Decimal = Decimal("0")) -> None:
    counted = register_balance(register, day) + variance
    count = count_create(actor=actor, register=register, data={
        "date": day, "counter_name": counter, "quantities": _sheet(counted),
        "note": "Écart constaté au comptage." if variance else ""})
    count_validate(actor=actor, count=count)


def _company(organisation, actor, counter: str, today: date) -> None:
    register = register_create(actor=actor, organisation=organisation, data={"label": "Caisse du comptoir"})
    start = _workday(date(today.year, 1, 5))
    movement_record(actor=actor, register=register, data=MovementInput(
        date=start, direction="receipt", label="Fonds de caisse (retrait bancaire)", amount=FLOAT,
        counter_account="580"))
    _bank_side(organisation, actor, start, FLOAT, to_bank=False, label="Retrait — fonds de caisse")
    for month in range(1, today.month + 1):
        moves = [(_workday(date(today.year, month, d)), "receipt", label, "707", "20", amount)
                 for d, label, amount in SALES]
        moves += [(_workday(date(today.year, month, d)), "payment", label, account, rate, amount)
                  for d, label, account, rate, amount in EXPENSES]
        for day, direction, label, account, rate, amount in sorted(moves):
            if start <= day <= today:
                movement_record(actor=actor, register=register, data=MovementInput(
                    date=day, direction=direction, label=label, amount=amount, counter_account=account,
                    vat_rate=rate, reference=f"T{day:%m%d}"))
        end = _last_workday(today.year, month)
        if end > today:
            continue
        _count(register, actor, end, counter, VARIANCES.get(month, Decimal("0")))
        takings = register_balance(register, end) - FLOAT
        if takings > 0:
            movement_record(actor=actor, register=register, data=MovementInput(
                date=end, direction="payment", label="Remise d'espèces en banque", amount=takings,
                counter_account="580", reference=f"REM{end:%m%d}"))
            _bank_side(organisation, actor, end, takings, to_bank=True, label="Remise d'espèces")
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    for label, amount, category, day in RECURRING:
        recurring_create(actor=actor, organisation=organisation, data={
            "label": label, "amount": amount, "direction": "out", "category": category, "frequency": "monthly",
            "day_of_month": day, "start_date": first_of_next})
    recurring_create(actor=actor, organisation=organisation, data={
        "label": "Assurance multirisque", "amount": "1460.00", "direction": "out", "category": "autre",
        "frequency": "yearly", "day_of_month": 15, "start_date": date(today.year + 1, 1, 1)})


def _association(organisation, actor, counter: str, today: date) -> None:
    if not Journal.objects.filter(organisation=organisation, code="CA").exists():
        return
    register = register_create(actor=actor, organisation=organisation, data={"label": "Caisse des cotisations"})
    for month in (3, 6, 9):
        day = _last_workday(today.year, month)
        if day <= today:
            _count(register, actor, day, counter)


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if CashRegister.objects.filter(organisation=organisation).exists():
        return
    actor = users.get("accounting")
    counter = users.get("sales") or actor
    name = (counter.get_full_name() or counter.get_username()) if counter else "Caissier"
    if organisation.kind == "association":
        _association(organisation, actor, name, today)
    else:
        _company(organisation, actor, name, today)
