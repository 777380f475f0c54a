"""Accounting screens (one module per concern; URLs in ledger/urls.py)."""

from .books import (
    account_edit,
    account_new,
    accounts,
    fiscal_year_lock,
    fiscal_year_new,
    fiscal_years,
    journal_new,
    journals,
    period_state,
)
from .closing import closing
from .entries import entries, entry_delete, entry_detail, entry_edit, entry_new, entry_post, entry_reverse
from .matching import matching
from .reports import fec_download, general_ledger, journal_report, trial_balance

__all__ = [
    "account_edit", "account_new", "accounts", "closing", "entries", "entry_delete", "entry_detail",
    "entry_edit", "entry_new", "entry_post", "entry_reverse", "fec_download", "fiscal_year_lock",
    "fiscal_year_new", "fiscal_years", "general_ledger", "journal_new", "journal_report", "journals",
    "matching", "period_state", "trial_balance",
]
