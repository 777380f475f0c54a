"""Test builders for the reconciliation: books with a bank account (BQ1/5121), a statement and its lines created
straight with the ORM (the bank's side), and bank entries posted through the ledger (the books' side).

    org, accountant, manager = make_treasury_books()
    bank = BankAccount.objects.get(organisation=org)
    statement = make_statement(bank, opening="1000.00", lines=[(date(2026, 3, 2), "-12.50", "FRAIS TENUE")])
"""

import hashlib
from datetime import date
from decimal import Decimal

from agora.banking.models import BankStatement, StatementLine
from agora.core.models import User
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine
from agora.ledger.services import entries_post
from agora.sales.tests.builders import make_sales_books
from agora.treasury.models import BankAccount
from agora.treasury.services.bank_accounts import bank_account_create
from agora.treasury.tests.builders import COMPANY_IBAN


def make_statement(bank: BankAccount, *, lines: list[tuple], opening: str | None = "0.00",
                   start: date | None = None, end: date | None = None, reference: str = "R1") -> BankStatement:
    """lines: (date, signed amount, label) or (date, amount, label, reference, counterparty)."""
    days = [row[0] for row in lines] or [start or date(2026, 3, 1)]
    total = sum((Decimal(row[1]) for row in lines), Decimal("0.00"))
    statement = BankStatement.objects.create(
        organisation_id=bank.organisation_id, bank_account=bank, format="csv", reference=reference,
        start_date=start or min(days), end_date=end or max(days),
        opening_balance=Decimal(opening) if opening is not None else None,
        closing_balance=Decimal(opening) + total if opening is not None else None, line_count=len(lines))
    StatementLine.objects.bulk_create([StatementLine(
        organisation_id=bank.organisation_id, statement=statement, bank_account=bank, sequence=n, date=row[0],
        amount=Decimal(row[1]), label=row[2], reference=row[3] if len(row) > 3 else "",
        counterparty_name=row[4] if len(row) > 4 else "",
        dedup_key=hashlib.sha256(f"{reference}|{n}|{row}".encode()).hexdigest())
        for n, row in enumerate(lines, start=1)])
    return statement


def statement_line(statement: BankStatement, label: str) -> StatementLine:
    return StatementLine.objects.get(statement=statement, label=label)


def bank_entry(organisation, actor, bank: BankAccount, day: date, amount: str, label: str, *, account: str = "471",
               reference: str = "", party: str = "") -> EntryLine:
    """Post a bank entry (+ = 512 debit, money in) against `account`; returns its 512 line."""
    value = Decimal(amount)
    size = abs(value)
    bank_side = {"debit": size} if value > 0 else {"credit": size}
    other_side = {"credit": size} if value > 0 else {"debit": size}
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=bank.journal.code, date=day, label=label, reference=reference, lines=[
            LineInput(account=bank.account.code, label=label, **bank_side),
            LineInput(account=account, label=label, party=party, **other_side)])])[0]
    return EntryLine.objects.get(entry=entry, account=bank.account)


def make_reconciliation_books(*, slug: str = "durand"):
    """(organisation, accountant, bank account): books ready to invoice (sales settings) with a bank account on
    BQ1/5121."""
    organisation, _seller = make_sales_books(slug=slug)
    accountant = User.objects.get(username=f"compta-{slug}")
    bank = bank_account_create(actor=accountant, organisation=organisation, data={
        "label": "Compte courant", "bank_name": "Banque Populaire", "iban": COMPANY_IBAN, "bic": "CCBPFRPPLYO"})
    return organisation, accountant, bank
