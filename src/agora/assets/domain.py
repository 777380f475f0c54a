"""Depreciation arithmetic (no ORM): the 360-day count, the declining-balance rate and the schedule.

Straight-line (linéaire): the annuity of a fiscal year is base × days / (life in months × 30), days counted
from the in-service date to the year's end with 30-day months (the textbook count: in service on 15 April →
15 days in April + 8 × 30 = 255 days; in service on the 1st of a month → the whole month). A partial first year
makes N+1 annuities.

Declining balance (dégressif, CGI art. 39 A): rate = straight-line rate × 1.25 (3–4 years), 1.75 (5–6 years),
2.25 (over 6 years); the first annuity counts whole months from the 1st day of the acquisition month; each year
the annuity is NBV × rate until the straight-line rate over the remaining years exceeds it, then NBV / remaining
years. The last annuity absorbs the rounding: Σ annuities = depreciable base exactly.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agora.core.errors import BusinessError
from agora.core.money import ZERO, round_money

LINEAR = "linear"
DECLINING = "declining"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class YearBounds:
    code: str
    start: date
    end: date


@dataclass(slots=True)
class ScheduleRow:
    """One line of the plan d'amortissement: `prior` marks the taken-over accumulated depreciation."""

    year: str
    start: date
    end: date
    base: Decimal
    rate: Decimal  # percent
    days: int  # 360-day count (straight-line) or months × 30 (declining)
    annuity: Decimal
    accumulated: Decimal
    net_book_value: Decimal
    prior: bool = False


def day30(day: date) -> int:
    return min(day.day, 30)


def days360_from(start: date, end: date) -> int:
    """Days from `start` (the in-service date) to `end` (a month's last day), 30-day months: 30 − day of the
    start month (the whole month when it starts on the 1st), plus 30 per following month."""
    first = 30 if start.day == 1 else 30 - day30(start)
    return max(0, first + 30 * ((end.year - start.year) * 12 + end.month - start.month))


def days360_through(start: date, until: date) -> int:
    """Days from the 1st day of `start`'s month to `until` included, 30-day months (a disposal's prorata)."""
    return max(0, 30 * ((until.year - start.year) * 12 + until.month - start.month) + day30(until))


def months_between(first: date, end: date) -> int:
    """Whole months from the 1st day of `first`'s month to `end`'s month included."""
    return max(0, (end.year - first.year) * 12 + end.month - first.month + 1)


def declining_coefficient(life_months: int) -> Decimal:
    years = Decimal(life_months) / 12
    if years < 3:
        raise BusinessError("declining_too_short", "L'amortissement dégressif exige une durée d'au moins 3 ans.",
                            field="life_months")
    if years <= 4:
        return Decimal("1.25")
    if years <= 6:
        return Decimal("1.75")
    return Decimal("2.25")


def linear_rate(life_months: int) -> Decimal:
    """Straight-line rate in percent (20.00 for five years)."""
    return (HUNDRED * 12 / Decimal(life_months)).quantize(Decimal("0.0001"))


def declining_rate(life_months: int) -> Decimal:
    """Declining rate in percent: 20 % × 1.75 = 35 % for five years."""
    return (HUNDRED * 12 / Decimal(life_months) * declining_coefficient(life_months)).quantize(Decimal("0.0001"))


def depreciation_account(asset_account: str) -> str:
    """The 28xx account of a 2xxx asset account: a 8 inserted after the 2 (2183 → 28183, 205 → 2805)."""
    code = asset_account.strip()
    if code.startswith("20"):
        return "280" + code[2:]
    return "28" + code[1:]


def _linear(base: Decimal, life_months: int, in_service: date, years: list[YearBounds]) -> list[ScheduleRow]:
    total_days = life_months * 30
    rate = linear_rate(life_months)
    rows, used, accumulated = [], 0, ZERO
    for year in years:
        if year.end < in_service:
            continue
        if used >= total_days:
            break
        available = days360_from(max(in_service, year.start), year.end)
        days = min(available, total_days - used)
        used += days
        last = used >= total_days
        annuity = base - accumulated if last else min(round_money(base * days / total_days), base - accumulated)
        accumulated += annuity
        rows.append(ScheduleRow(year.code, year.start, year.end, base, rate, days, annuity, accumulated,
                                base - accumulated))
    return rows


def _declining(base: Decimal, life_months: int, acquired: date, years: list[YearBounds]) -> list[ScheduleRow]:
    rate = declining_rate(life_months)
    count = life_months // 12
    rows, accumulated = [], ZERO
    current = [year for year in years if year.end >= acquired][:count]
    for index, year in enumerate(current):
        nbv = base - accumulated
        remaining = count - index
        if index == count - 1:
            annuity, shown = nbv, (HUNDRED / remaining).quantize(Decimal("0.0001"))
        elif rate * remaining < HUNDRED:  # straight-line over the remaining years is higher: switch
            annuity, shown = round_money(nbv / remaining), (HUNDRED / remaining).quantize(Decimal("0.0001"))
        else:
            months = min(12, months_between(max(acquired, year.start), year.end)) if index == 0 else 12
            annuity, shown = round_money(nbv * rate / HUNDRED * months / 12), rate
        accumulated += annuity
        days = months_between(max(acquired, year.start), year.end) * 30 if index == 0 else 360
        rows.append(ScheduleRow(year.code, year.start, year.end, nbv, shown, min(days, 360), annuity, accumulated,
                                base - accumulated))
    return rows


def schedule(*, method: str, base: Decimal, life_months: int, acquired: date, in_service: date,
             years: list[YearBounds], opening: Decimal = ZERO, opening_date: date | None = None,
             until: date | None = None) -> list[ScheduleRow]:
    """The plan d'amortissement over `years` (consecutive fiscal years covering the whole life).

    With an opening accumulated depreciation (an asset taken over from a previous system) the years ending on or
    before `opening_date` become one "prior" row carrying it, and the later annuities are the plan's, scaled so
    that they depreciate exactly what remains (base − opening). `until` stops the plan after the year holding
    that date (the year-end run needs no later row; each row is the same as in the whole plan).
    """
    if base <= 0:
        return []
    if until is not None:
        years = [year for year in years if year.start <= until]
    if method == DECLINING:
        if life_months % 12:
            raise BusinessError("declining_whole_years", "L'amortissement dégressif se calcule en années entières.",
                                field="life_months")
        rows = _declining(base, life_months, acquired, years)
    else:
        rows = _linear(base, life_months, in_service, years)
    if opening_date is None:
        return rows
    prior = [row for row in rows if row.end <= opening_date]
    later = [row for row in rows if row.end > opening_date]
    if opening > base:
        raise BusinessError("opening_too_high", "Les amortissements antérieurs dépassent la base amortissable.",
                            field="opening_depreciation")
    planned = base - (prior[-1].accumulated if prior else ZERO)
    remaining = base - opening
    out = []
    if prior or opening:
        first = prior[0] if prior else None
        out.append(ScheduleRow("antérieur", first.start if first else opening_date, opening_date, base, ZERO, 0,
                               opening, opening, remaining, prior=True))
    accumulated = opening
    for row in later:
        if row.net_book_value == 0:  # the plan's last annuity: it absorbs the rounding
            annuity = base - accumulated
        else:
            annuity = min(round_money(row.annuity * remaining / planned) if planned else ZERO, base - accumulated)
        accumulated += annuity
        out.append(ScheduleRow(row.year, row.start, row.end, row.base, row.rate, row.days, annuity, accumulated,
                               base - accumulated))
    return out


def disposal_annuity(*, rows: list[ScheduleRow], year: YearBounds, method: str, in_service: date,
                     on: date) -> Decimal:
    """The disposal year's annuity up to the disposal date: the year's planned annuity × days used / days
    planned (straight-line, 360-day count, disposal day included), months for declining balance."""
    row = next((r for r in rows if r.year == year.code and not r.prior), None)
    if row is None or row.annuity == 0:
        return ZERO
    start = max(year.start, in_service)
    if method == DECLINING:
        used = months_between(start, on) * 30
    else:
        used = days360_through(start, on) - (0 if start.day == 1 else day30(start))
    planned = row.days or 360
    return min(row.annuity, round_money(row.annuity * min(used, planned) / planned))
