"""Demo: a year of the company's bank statements, built from what its books say, imported like real files.

For `durand` (companies only), each month from January to the last month end gets the bank's statement of the
default account: the posted lines of its 512 account in its bank journal (receipts, supplier payments…), a day
or two later for cheques and card receipts as at a real bank, plus the movements only the bank knows so far
(monthly account fees, quarterly interest — nothing with VAT: the months' VAT returns are filed before, by the
VAT demo, and lock them for VAT). Odd months come as OFX, even
months as CAMT.053 (.001.02 and .001.08 alternately), written by `writers` and read back by the real importers.
Reconciliation is left to the reconciliation app's demo: the bank-only lines are what it will have to book.
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from agora.ledger.models import Entry, EntryLine
from agora.treasury.services.bank_accounts import default_bank_account

from .parsers.common import ParsedLine
from .services.statements import statement_import
from .writers import camt053_file, ofx_file

FEES = Decimal("-12.50")
INTEREST_RATE = Decimal("0.0025")  # per quarter, on the balance after the month's book movements


def _month_ends(today: date) -> list[date]:
    """Month ends of the year strictly before `today`'s month."""
    return [date(today.year, month, calendar.monthrange(today.year, month)[1]) for month in range(1, today.month)]


def _bank_day(line: EntryLine) -> date:
    """Transfers the same day; cheques and cards credited a day or two later (the bank's side lags)."""
    label = line.label.lower()
    if "chèque" in label or "cheque" in label or "remise" in label:
        return line.date + timedelta(days=2)
    if "carte" in label:
        return line.date + timedelta(days=1)
    return line.date


def _book_lines(bank, start: date, end: date) -> list[ParsedLine]:
    rows = (EntryLine.objects.filter(organisation=bank.organisation, account=bank.account, journal=bank.journal,
                                     entry__state=Entry.Status.POSTED, date__gte=start - timedelta(days=3),
                                     date__lte=end)
            .select_related("entry", "party").order_by("date", "pk"))
    out = []
    for line in rows:
        day = _bank_day(line)
        if not start <= day <= end:
            continue
        amount = line.debit - line.credit
        reference = line.entry.reference or f"E{line.entry_id}"
        out.append(ParsedLine(date=day, value_date=day, amount=amount, label=line.label[:140],
                              reference=reference, counterparty_name=line.party.name if line.party_id else ""))
    return out


def _book_balance_before(bank, day: date) -> Decimal:
    """The books' 512 balance before the year (previous years' movements and opening entries): the bank's
    opening balance of January. Summed in Python: a few hundred lines, and exact on SQLite."""
    rows = EntryLine.objects.filter(organisation=bank.organisation, account=bank.account, date__lt=day,
                                    entry__state=Entry.Status.POSTED).values_list("debit", "credit")
    return sum((debit - credit for debit, credit in rows), Decimal("0.00"))


def _bank_only(month_end: date, balance: Decimal) -> list[ParsedLine]:
    """What the bank books on its own: fees at month end, interest at quarter end."""
    lines = [ParsedLine(date=month_end, value_date=month_end, amount=FEES, label="FRAIS TENUE DE COMPTE",
                        reference=f"FRAIS-{month_end:%Y%m}")]
    if month_end.month % 3 == 0 and balance > 0:
        lines.append(ParsedLine(date=month_end, value_date=month_end,
                                amount=(balance * INTEREST_RATE).quantize(Decimal("0.01")),
                                label="INTERETS CREDITEURS TRIMESTRE", reference=f"INT-{month_end:%Y%m}"))
    return lines


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if organisation.kind != "company":
        return
    bank = default_bank_account(organisation)
    if bank is None:
        return
    accountant = users.get("accounting")
    balance = _book_balance_before(bank, date(today.year, 1, 1))
    for month_end in _month_ends(today):
        start = month_end.replace(day=1)
        lines = _book_lines(bank, start, month_end)
        lines += _bank_only(month_end, balance + sum((line.amount for line in lines), Decimal("0.00")))
        lines.sort(key=lambda line: line.date)
        closing = balance + sum((line.amount for line in lines), Decimal("0.00"))
        if month_end.month % 2:
            content = ofx_file(iban=bank.iban, start=start, end=month_end, closing_balance=closing, lines=lines)
            name = f"releve-{month_end:%Y-%m}.ofx"
        else:
            version = "02" if month_end.month % 4 else "08"
            content = camt053_file(iban=bank.iban, start=start, end=month_end, opening_balance=balance, lines=lines,
                                   version=version, message_id=f"CAMT-{month_end:%Y%m}")
            name = f"releve-{month_end:%Y-%m}.xml"
        statement_import(actor=accountant, organisation=organisation, bank_account=bank, content=content,
                         filename=name)
        balance = closing
