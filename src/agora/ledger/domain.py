"""Pure ledger rules, no ORM: entry inputs, balance checks, the integrity hash, matching codes, periods."""

import calendar
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount


@dataclass
class LineInput:
    account: str  # account code
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""
    party: str = ""  # party code (auxiliary account)
    due_date: date | None = None
    tax_role: str = ""
    vat_box: str = ""


@dataclass
class EntryInput:
    journal: str  # journal code
    date: date
    label: str
    lines: list[LineInput] = field(default_factory=list)
    reference: str = ""
    voucher_date: date | None = None
    origin_type: str = ""
    origin_id: str = ""
    reversal_of_id: int | None = None


def clean_line(n: int, line: LineInput) -> LineInput:
    """Check one line: an account, amounts ≥ 0 with two decimals, a debit or a credit (not both, not none).

    Field names in errors are `lines.N.debit` etc. (N from 1) so the form can point at the cell.
    """
    if not str(line.account or "").strip():
        raise BusinessError("required", f"Ligne {n} : le compte est obligatoire.", field=f"lines.{n}.account")
    line.debit = parse_amount(line.debit if line.debit is not None else ZERO, field=f"lines.{n}.debit")
    line.credit = parse_amount(line.credit if line.credit is not None else ZERO, field=f"lines.{n}.credit")
    if line.debit < 0 or line.credit < 0:
        raise BusinessError("negative_amount", f"Ligne {n} : les montants sont positifs ; "
                            "inversez le sens plutôt que de saisir un montant négatif.",
                            field=f"lines.{n}.debit" if line.debit < 0 else f"lines.{n}.credit")
    if line.debit and line.credit:
        raise BusinessError("debit_and_credit", f"Ligne {n} : saisissez un débit ou un crédit, pas les deux.",
                            field=f"lines.{n}.credit")
    if not line.debit and not line.credit:
        raise BusinessError("zero_line", f"Ligne {n} : montant nul.", field=f"lines.{n}.debit")
    return line


def clean_lines(lines: list[LineInput], *, require_balance: bool = True) -> list[LineInput]:
    """Check every line, then (for posting) that Σ debit = Σ credit."""
    if len(lines) < (2 if require_balance else 1):
        raise BusinessError("too_few_lines", "Une écriture comporte au moins deux lignes.", field="lines")
    for n, line in enumerate(lines, start=1):
        clean_line(n, line)
    total_debit = sum((line.debit for line in lines), ZERO)
    total_credit = sum((line.credit for line in lines), ZERO)
    if require_balance and total_debit != total_credit:
        raise BusinessError(
            "unbalanced",
            f"Écriture déséquilibrée : débit {total_debit} ≠ crédit {total_credit} "
            f"(écart {total_debit - total_credit}).",
            field="lines",
        )
    return lines


def entry_hash(*, previous_hash: str, organisation_id: int, journal: str, fiscal_year: str, number: int,
               entry_date: date, reference: str, voucher_date: date | None, label: str,
               lines: list[tuple]) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON (sorted keys, compact separators).

    `lines` are tuples (account code, party code, label, debit, credit, due date) in line order; amounts
    are formatted with two decimals so the hash never depends on how a database returns a Decimal.
    """
    payload = {
        "org": organisation_id,
        "journal": journal,
        "year": fiscal_year,
        "number": number,
        "date": entry_date.isoformat(),
        "ref": reference,
        "voucher_date": voucher_date.isoformat() if voucher_date else "",
        "label": label,
        "lines": [
            [account, party or "", line_label, f"{Decimal(debit):.2f}", f"{Decimal(credit):.2f}",
             due.isoformat() if due else ""]
            for account, party, line_label, debit, credit, due in lines
        ],
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def matching_code(n: int) -> str:
    """The n-th matching code (1 → AA, 2 → AB, …, 676 → ZZ, 677 → AAA): French ledgers' lettering."""
    if n < 1:
        raise ValueError(n)
    width, start = 2, 1
    while n >= start + 26**width:
        start += 26**width
        width += 1
    index = n - start
    letters = []
    for _ in range(width):
        index, rest = divmod(index, 26)
        letters.append(chr(ord("A") + rest))
    return "".join(reversed(letters))


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monthly_periods(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar-month periods covering [start, end] (a long or short first year keeps month bounds)."""
    periods = []
    current = start
    while current <= end:
        month_end = date(current.year, current.month, calendar.monthrange(current.year, current.month)[1])
        periods.append((current, min(month_end, end)))
        current = add_months(current.replace(day=1), 1)
    return periods


def fiscal_year_bounds(*, start_month: int, year: int) -> tuple[date, date]:
    """Bounds of the twelve-month fiscal year starting in `start_month` of `year`."""
    start = date(year, start_month, 1)
    end = add_months(start, 12)
    return start, date.fromordinal(end.toordinal() - 1)
