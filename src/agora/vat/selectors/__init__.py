"""VAT reads; `vat_returns_missing` is what the year-end checklist (financials) asks."""

from .returns import vat_returns_missing

__all__ = ["vat_returns_missing"]
