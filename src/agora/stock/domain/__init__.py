"""Stock: pure calculations, no ORM (valuation methods, costs, order quantities)."""
