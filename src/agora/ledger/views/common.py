"""Shared plumbing of the accounting screens (the generic parts live in core.views)."""

from agora.core.views import PAGE_SIZE, add_business_error, can, org_view, paginate, query_with, today

__all__ = ["PAGE_SIZE", "add_business_error", "can", "ledger_view", "paginate", "query_with", "today"]


def ledger_view(read: str = "ledger.view", write: str | None = None):
    """Accounting screens: ledger.view to read unless told otherwise."""
    return org_view(read, write)
