"""Pure rules about parties: payment terms and due dates."""

import calendar
from datetime import date, timedelta

# (code, label, days, end of month). C. com. L441-10: at most 60 days, or 45 days end of month.
DEFAULT_PAYMENT_TERMS = [
    ("RECEPTION", "À réception", 0, False),
    ("30J", "30 jours", 30, False),
    ("30JFM", "30 jours fin de mois", 30, True),
    ("45JFM", "45 jours fin de mois", 45, True),
    ("45J", "45 jours", 45, False),
    ("60J", "60 jours", 60, False),
]


def due_date(issued: date, *, days: int, end_of_month: bool) -> date:
    """Issue date + N days; "fin de mois" then moves to the last day of that month (the usual reading)."""
    day = issued + timedelta(days=days)
    if end_of_month:
        day = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day
