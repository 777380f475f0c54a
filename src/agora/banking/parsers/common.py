"""What every statement parser returns, and the helpers they share to refuse a file in French.

Parsers are pure functions on bytes (no ORM): the service decides which bank account a statement belongs to and
what is a duplicate. Any defect raises `BusinessError("statement_invalid", …, field="file")` naming the line or
the element, so nothing is written.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from agora.core.errors import BusinessError


def compact_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


@dataclass
class ParsedLine:
    """One movement; `amount` signed from the account holder's side (+ money in, − money out)."""

    date: date
    amount: Decimal
    label: str
    value_date: date | None = None
    reference: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    bank_code: str = ""
    source: str = ""  # where it was read ("ligne 12", "écriture 3"), for the error messages and the report


@dataclass
class ParsedStatement:
    """One account's statement. `iban` when the file gives it; otherwise `account_number` (the 11-digit French
    account number, with `bank_code`/`branch_code` when known) identifies the account."""

    start_date: date | None = None
    end_date: date | None = None
    iban: str = ""
    account_number: str = ""
    bank_code: str = ""
    branch_code: str = ""
    currency: str = "EUR"
    reference: str = ""
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    lines: list[ParsedLine] = field(default_factory=list)

    def account_label(self) -> str:
        return self.iban or " ".join(p for p in (self.bank_code, self.branch_code, self.account_number) if p)

    def matches_iban(self, iban: str) -> bool:
        """Whether this statement is the account with this IBAN (French IBAN: bank 5, branch 5, account 11)."""
        iban = compact_iban(iban)
        if self.iban:
            return compact_iban(self.iban) == iban
        if not self.account_number or not iban.startswith("FR") or len(iban) != 27:
            return False
        number = self.account_number.replace(" ", "")
        return (iban[14:25] == number[:11].rjust(11, "0")
                and (not self.bank_code or iban[4:9] == self.bank_code)
                and (not self.branch_code or iban[9:14] == self.branch_code))


def invalid(message: str) -> BusinessError:
    return BusinessError("statement_invalid", message, field="file")


def complete(statement: ParsedStatement, where: str) -> ParsedStatement:
    """Fill the period from the lines when the file did not say, and check the balances: opening + Σ movements
    must equal closing whenever the file gives both (a truncated or altered file is refused)."""
    days = [line.date for line in statement.lines]
    statement.start_date = statement.start_date or (min(days) if days else None)
    statement.end_date = statement.end_date or (max(days) if days else statement.start_date)
    if statement.start_date is None:
        raise invalid(f"{where} : ni période ni opération, relevé vide.")
    if statement.end_date < statement.start_date:
        raise invalid(f"{where} : la période se termine avant de commencer.")
    total = sum((line.amount for line in statement.lines), Decimal("0.00"))
    if statement.opening_balance is not None and statement.closing_balance is not None:
        expected = statement.opening_balance + total
        if expected != statement.closing_balance:
            raise invalid(f"{where} : solde initial {statement.opening_balance} + mouvements {total} = {expected}, "
                          f"mais le solde final annoncé est {statement.closing_balance}.")
    elif statement.closing_balance is not None:
        statement.opening_balance = statement.closing_balance - total
    return statement


def text(raw: bytes, encodings=("utf-8-sig", "cp1252")) -> str:
    """Decode a bank file: UTF-8 first, then Windows-1252 (what French banks send when not UTF-8)."""
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise invalid("Encodage du fichier illisible (ni UTF-8 ni Windows-1252).")


def parse_date(raw: str, fmt: str, where: str) -> date:
    try:
        return datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 — a calendar day, no time
    except ValueError as error:
        raise invalid(f"{where} : date illisible « {raw.strip()} ».") from error
