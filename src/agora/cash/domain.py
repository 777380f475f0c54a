"""Pure cash arithmetic, no ORM: the count sheet, the lowest balance ahead, forecast periods and recurrences."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from agora.core.errors import BusinessError
from agora.core.money import ZERO, round_money

# Euro notes then coins, largest first (the order of the count sheet).
NOTES = [Decimal(v) for v in ("500", "200", "100", "50", "20", "10", "5")]
COINS = [Decimal(v) for v in ("2", "1", "0.50", "0.20", "0.10", "0.05", "0.02", "0.01")]
DENOMINATIONS = NOTES + COINS

# B2B payments in cash are capped (C. mon. fin. L112-6, reference §7).
B2B_CASH_LIMIT = Decimal("1000.00")


def denomination_label(value: Decimal) -> str:
    if value >= 1:
        kind = "Billet" if value in NOTES else "Pièce"
        return f"{kind} de {int(value)} €"
    return f"Pièce de {int(value * 100)} centimes"


def count_total(quantities: dict[Decimal, int]) -> Decimal:
    """Σ quantity × face value. Quantities are whole and non-negative, face values euro denominations."""
    total = ZERO
    for value, quantity in quantities.items():
        if value not in DENOMINATIONS:
            raise BusinessError("invalid_denomination", f"Valeur faciale inconnue : {value} €.", field="lines")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise BusinessError("invalid_quantity", f"{denomination_label(value)} : la quantité doit être un "
                                "nombre entier positif ou nul.", field=f"q_{value}")
        total += value * quantity
    return total.quantize(Decimal("0.01"))


def lowest_balance(opening: Decimal, later_moves: list[tuple[date, Decimal]]) -> tuple[Decimal, date | None]:
    """The lowest running balance from `opening` through the dated moves (sorted by date), with its day.

    A payment must leave this at zero or above: a back-dated payment lowers every later balance too."""
    lowest, when, balance = opening, None, opening
    for day, move in later_moves:
        balance += move
        if balance < lowest:
            lowest, when = balance, day
    return lowest, when


# --- forecast periods -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods(start: date, *, unit: str, count: int) -> list[Period]:
    """`count` weeks (Monday to Sunday, the first one holding `start`) or calendar months from `start`'s."""
    out = []
    if unit == "week":
        first = start - timedelta(days=start.weekday())
        for n in range(count):
            begin = first + timedelta(weeks=n)
            out.append(Period(begin, begin + timedelta(days=6), f"Sem. du {begin:%d/%m}"))
    else:
        first = start.replace(day=1)
        for n in range(count):
            begin = _add_months(first, n)
            end = _add_months(begin, 1) - timedelta(days=1)
            out.append(Period(begin, end, f"{MONTHS[begin.month - 1]} {begin.year}"))
    return out


MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
STEP_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def occurrences(*, start: date, end: date | None, frequency: str, day_of_month: int, window: tuple[date, date]):
    """Dates of a recurring item inside `window` (inclusive): every 1, 3 or 12 months from its start month, on
    `day_of_month` (the month's last day when shorter)."""
    step = STEP_MONTHS[frequency]
    low, high = window
    month = start.replace(day=1)
    while True:
        last = calendar.monthrange(month.year, month.month)[1]
        day = month.replace(day=min(day_of_month, last))
        if day > high or (end is not None and day > end):
            return
        if day >= start and day >= low:
            yield day
        month = _add_months(month, step)


def vat_of_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a tax-included amount: gross × rate / (100 + rate), rounded half-up to the cent."""
    return round_money(gross * rate / (Decimal(100) + rate)) if rate else ZERO
