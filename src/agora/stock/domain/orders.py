"""Reorder arithmetic: average demand, the economic order quantity (Wilson) and the quantity to order."""

from decimal import ROUND_CEILING, Decimal

DAYS_PER_YEAR = Decimal(365)
HUNDRED = Decimal(100)
MIN_HISTORY_DAYS = 30  # below a month of history, no EOQ is suggested


def economic_order_quantity(*, annual_demand: Decimal, order_cost: Decimal, unit_cost: Decimal,
                            holding_rate_pct: Decimal) -> Decimal | None:
    """Q* = √(2 · D · Cc / (Cu · t)), rounded up to a whole unit; None when a factor is missing.

    D annual demand in units, Cc cost of placing one order, Cu unit cost, t annual holding rate.
    """
    if annual_demand <= 0 or order_cost <= 0 or unit_cost <= 0 or holding_rate_pct <= 0:
        return None
    quantity = (2 * annual_demand * order_cost / (unit_cost * holding_rate_pct / HUNDRED)).sqrt()
    return quantity.to_integral_value(rounding=ROUND_CEILING)


def quantity_to_order(*, available: Decimal, reorder_point: Decimal, maximum_stock: Decimal,
                      eoq: Decimal | None) -> Decimal:
    """Enough to bring the available stock up to the maximum stock (or, without one, to twice the reorder
    point), and at least the economic order quantity when there is one; whole units, at least one."""
    target = maximum_stock if maximum_stock > 0 else 2 * reorder_point
    quantity = max(target - available, eoq or Decimal(0), Decimal(1))
    return quantity.to_integral_value(rounding=ROUND_CEILING)
