"""Income statement, balance sheet, SIG and CAF, financial balance and ratios, periodic cash
statement and the year-end checklist."""
