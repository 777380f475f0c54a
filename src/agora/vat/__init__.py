"""VAT returns (CA3, CA12): boxes computed from posted lines, settlement entry, VAT lock of the period."""
