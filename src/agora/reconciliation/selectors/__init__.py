"""Reconciliation reads: what is open, the proposals, the reconciliation statement, `reconciled_until`."""
