"""Ledger writes. `entries_post` / `entry_post` are the one door into the books (DESIGN.md §4)."""

from .closing import closing_blockers, fiscal_year_close, fiscal_year_lock, fiscal_year_result, opening_lines
from .matching import matching_create, matching_delete
from .posting import (
    entries_post,
    entry_draft_delete,
    entry_draft_save,
    entry_post,
    entry_post_new,
    entry_reverse,
)
from .setup import (
    account_create,
    account_update,
    fiscal_year_create,
    journal_create,
    ledger_setup,
    period_set_state,
)

__all__ = [
    "account_create", "account_update", "closing_blockers", "entries_post", "entry_draft_delete",
    "entry_draft_save", "entry_post", "entry_post_new", "entry_reverse", "fiscal_year_close",
    "fiscal_year_create", "fiscal_year_lock", "fiscal_year_result", "journal_create", "ledger_setup",
    "matching_create", "matching_delete", "opening_lines", "period_set_state",
]
