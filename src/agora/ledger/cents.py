"""Integer cents as French amount text ("-1234,05"), for the exports that write a million amounts.

The FEC and the general ledger CSV read amounts from SQL as integer cents (`CAST(ROUND(x * 100) AS BIGINT)`,
exact for two-decimal amounts on both databases): formatting an int is several times cheaper than a Decimal or
float, and the text is the one `f"{Decimal:.2f}"` with a comma gives. Hot loops inline the non-negative case
as `f"{c // 100}{CENTS[c % 100]}"`.
"""

# ",00" … ",99": the cents part of an amount, by index.
CENTS = [f",{n:02d}" for n in range(100)]

# The SQL of one amount column as integer cents (NULL stays NULL), the same on SQLite and PostgreSQL.
SQL = "CAST(ROUND({} * 100) AS BIGINT)"


def cents_text(cents: int) -> str:
    """Signed integer cents as French text: -123405 → "-1234,05", 0 → "0,00"."""
    if cents < 0:
        return f"-{-cents // 100}{CENTS[-cents % 100]}"
    return f"{cents // 100}{CENTS[cents % 100]}"
