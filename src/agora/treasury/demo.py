"""Demo: the company's bank account and its monthly supplier payment runs through the year, with their SEPA files.

Payments post in BQ1, which the sales receipts use too, so the runs are `demo_steps` played day by day by the
ledger's demo (journals stay in date order). Each month end the accountant proposes paying what falls due, a
supplier without IBAN is paid by cheque instead, management approves, the accountant executes and e-mails the
payment advices. The runs pay the purchasing demo's invoices (the ledger demo pays its own purchases).
"""

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from agora.core.errors import BusinessError
from agora.treasury.models import PaymentMethod
from agora.treasury.selectors.items import PURCHASE_ORIGIN
from agora.treasury.services.advices import payment_advices_send
from agora.treasury.services.bank_accounts import bank_account_create, default_bank_account
from agora.treasury.services.runs import (
    payment_line_update,
    payment_run_approve,
    payment_run_delete,
    payment_run_execute,
    payment_run_propose,
)

DEMO_IBAN = "FR7630006000011234567890189"
DEMO_BIC = "AGRIFRPP"


def _month_ends(today: date) -> list[date]:
    """The last working day of each month of the year, up to `today`."""
    out = []
    for month in range(1, 13):
        day = date(today.year, month, calendar.monthrange(today.year, month)[1])
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        if day <= today:
            out.append(day)
    return out


def _pay(*, organisation, accountant, manager, on: date, cheque: list[int]) -> None:
    try:
        run = payment_run_propose(actor=accountant, organisation=organisation, on=on)
    except BusinessError:
        return  # nothing falls due this month
    # The ledger demo pays its own purchases (its matchings come at year end): only purchase documents here.
    for line in run.lines.filter(selected=True).exclude(item__entry__origin_type=PURCHASE_ORIGIN):
        payment_line_update(actor=accountant, line=line, selected=False)
    if not run.lines.filter(selected=True).exists() and not run.lines.exclude(blocked_reason="").filter(
            item__entry__origin_type=PURCHASE_ORIGIN).exists():
        payment_run_delete(actor=accountant, run=run)
        return
    for line in run.lines.filter(selected=False, item__entry__origin_type=PURCHASE_ORIGIN).exclude(
            blocked_reason=""):
        if "IBAN" in line.blocked_reason:
            cheque[0] += 1
            payment_line_update(actor=accountant, line=line, method=PaymentMethod.CHEQUE,
                                cheque_number=f"{cheque[0]:07d}", selected=True)
    for line in run.lines.filter(selected=True, method=PaymentMethod.CHEQUE, cheque_number=""):
        cheque[0] += 1
        payment_line_update(actor=accountant, line=line, cheque_number=f"{cheque[0]:07d}")
    try:
        payment_run_approve(actor=manager, run=run)
    except BusinessError:
        return
    run = payment_run_execute(actor=accountant, run=run)
    payment_advices_send(actor=accountant, run=run)


def treasury_steps(*, organisation, users: dict, today: date) -> Iterator[date]:
    """The set-up on the first `next`, then one month-end payment run per yield."""
    accountant, manager = users.get("accounting"), users.get("management")
    if default_bank_account(organisation) is None:
        bank_account_create(actor=accountant, organisation=organisation, data={
            "label": "Compte courant", "bank_name": "Crédit Agricole Centre-Est", "iban": DEMO_IBAN,
            "bic": DEMO_BIC, "is_default": True})
    cheque = [1000]
    for day in _month_ends(today):
        yield day
        _pay(organisation=organisation, accountant=accountant, manager=manager, on=day, cheque=cheque)


def demo_steps(*, organisation, users: dict, today: date):
    """`agora demo` hook: the company's supplier payments, played day by day by the ledger's demo."""
    if organisation.kind != "company":
        return None
    return treasury_steps(organisation=organisation, users=users, today=today)


def demo_populate(*, organisation, users: dict, today: date) -> None:
    """`agora demo` hook when no ledger demo plays the steps (books must exist): the same runs in one go."""
    for _ in demo_steps(organisation=organisation, users=users, today=today) or ():
        pass
