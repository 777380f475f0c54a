"""Gapless numbering (DESIGN.md §3): one locked counter row per (organisation, series, fiscal year)."""

from django.db import transaction

from .models import Counter, Organisation


def counter_lock(*, organisation: Organisation, series: str, fiscal_year: str) -> Counter:
    """Lock (creating if needed) the counter row; must run inside the transaction that uses the number.

    On SQLite the IMMEDIATE transaction already serialises writers; on PostgreSQL the row lock does.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_lock must run inside transaction.atomic()")
    Counter.objects.get_or_create(organisation=organisation, series=series, fiscal_year=fiscal_year)
    return Counter.objects.select_for_update().get(
        organisation=organisation, series=series, fiscal_year=fiscal_year
    )


def counter_next(*, organisation: Organisation, series: str, fiscal_year: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers and return the first one."""
    counter = counter_lock(organisation=organisation, series=series, fiscal_year=fiscal_year)
    first = counter.last_value + 1
    counter.last_value += count
    counter.save(update_fields=["last_value"])
    return first
