"""Bank reconciliation: statement lines matched with the books (proposals, rules, manual matching, entries
created from lines) and the bank reconciliation statement."""
