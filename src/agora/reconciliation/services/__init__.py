"""Reconciliation writes: link and unlink lines, accept proposals, create entries from bank lines, rules."""
