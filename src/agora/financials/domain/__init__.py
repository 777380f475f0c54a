"""Pure calculations of the statements and their analysis (no ORM)."""
