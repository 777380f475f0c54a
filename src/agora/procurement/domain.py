"""Pure procurement arithmetic (no ORM): estimate and offer totals, certificate validity dates."""

import calendar
from datetime import date
from decimal import Decimal

from agora.core.money import ZERO
from agora.core.totals import LineIn, document_totals


def lines_total(pairs) -> Decimal:
    """Σ round_money(quantity × unit price) over (quantity, unit price) pairs: the untaxed total of an estimate or
    an offer, computed by core.totals (the one computation; VAT plays no part in comparing offers)."""
    pairs = list(pairs)
    if not pairs:
        return ZERO
    return document_totals(lines=[LineIn(quantity=Decimal(q), unit_price=Decimal(p), vat_rate=ZERO)
                                  for q, p in pairs]).lines_total


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return lines_total([(quantity, unit_price)])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 August + 6 months = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
