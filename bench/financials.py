"""Benchmark: the income statement and the balance sheet of a year of 1,000,000 posted lines (target < 2 s).

    .venv/bin/python bench/financials.py                          # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_financials .venv/bin/python bench/financials.py
                                                                  # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/financials.py          # 100,000 lines

The books (posted through `entries_post` in batches of 1,000, 3 lines an entry, spread over the year): sales of
goods and services (411 / 707 or 706 / 44571), purchases (607 or 6064 / 44566 / 401), customer receipts and
supplier payments through the bank (5121), bank fees and rent, fixed assets (2183 / 44562 / 404). Timed:
`year_statements` (one GROUP BY of the year by account, the previous year's, then pure arithmetic), cold and
warm; then, for information, the analysis (SIG, CAF, financial balance, ratios), the months of its chart and the
cash statement.
Prints figures, then one JSON line.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.config.settings.test")

from common import database_close, database_open, post_year  # noqa: E402 (after the path set-up)

LINES = 1_000_000
BATCH = 1_000
CUSTOMERS, SUPPLIERS = 200, 100
YEAR = 2026
TARGET_S = 2.0


def _entry(i: int, total: int):
    """The i-th entry of the year: the kind rotates so every month holds every kind."""
    from agora.ledger.domain import EntryInput, LineInput

    day = date(YEAR, 1, 1) + timedelta(days=i * 365 // total)
    net = Decimal(1_000 + (i * 7919) % 500_000) / 100
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    kind = i % 10
    customer, supplier = f"C{i % CUSTOMERS:04d}", f"F{i % SUPPLIERS:04d}"
    if kind <= 3:
        return EntryInput(journal="VT", date=day, label=f"Facture FA{i:07d}", reference=f"FA{i:07d}", lines=[
            LineInput(account="411", debit=net + vat, party=customer),
            LineInput(account="707" if kind % 2 else "706", credit=net),
            LineInput(account="44571", credit=vat)])
    if kind in (4, 5):
        fixed = i % 50 == 4
        return EntryInput(journal="AC", date=day, label=f"Facture fournisseur {i}", reference=f"FF{i:07d}", lines=[
            LineInput(account="2183" if fixed else ("607" if kind == 4 else "6064"), debit=net),
            LineInput(account="44562" if fixed else "44566", debit=vat),
            LineInput(account="404" if fixed else "401", credit=net + vat, party=supplier)])
    if kind in (6, 7):
        return EntryInput(journal="BQ1", date=day, label=f"Règlement {i}", reference=f"RG{i:07d}", lines=[
            LineInput(account="5121", debit=net), LineInput(account="411", credit=net - vat, party=customer),
            LineInput(account="411", credit=vat, party=customer)])
    if kind == 8:
        return EntryInput(journal="BQ1", date=day, label=f"Paiement {i}", reference=f"PF{i:07d}", lines=[
            LineInput(account="401", debit=net, party=supplier), LineInput(account="5121", credit=net - vat),
            LineInput(account="5121", credit=vat)])
    return EntryInput(journal="BQ1", date=day, label=f"Loyer et frais {i}", reference=f"FB{i:07d}", lines=[
        LineInput(account="6132", debit=net), LineInput(account="627", debit=vat),
        LineInput(account="5121", credit=net + vat)])


def main() -> dict:
    temp = database_open()
    from django.db import connection

    from agora.financials.selectors.cash import cash_statement
    from agora.financials.selectors.monthly import monthly_series
    from agora.financials.selectors.statements import year_analysis, year_statements
    from agora.ledger.models import FiscalYear

    organisation, total, built_s = post_year(
        slug="bench-etats", name="Bench États SARL", year=YEAR, entry=_entry, lines=LINES, customers=CUSTOMERS,
        suppliers=SUPPLIERS, batch=BATCH)

    year = FiscalYear.objects.get(organisation=organisation, code=str(YEAR))
    timings = []
    for _ in range(3):
        tick = time.perf_counter()
        report = year_statements(organisation=organisation, fiscal_year=year)
        timings.append(time.perf_counter() - tick)
    tick = time.perf_counter()
    analysis = year_analysis(organisation=organisation, fiscal_year=year, base=report)
    analysis_s = time.perf_counter() - tick
    tick = time.perf_counter()
    months = monthly_series(organisation=organisation, fiscal_year=year)
    months_s = time.perf_counter() - tick
    tick = time.perf_counter()
    cash = cash_statement(organisation=organisation, fiscal_year=year)
    cash_s = time.perf_counter() - tick
    ok = timings[0] < TARGET_S and report.sheet.balanced
    output = {"backend": connection.vendor, "lines": total * 3, "build_s": round(built_s, 1),
              "statements_cold_s": round(timings[0], 3), "statements_warm_s": round(min(timings[1:]), 3),
              "analysis_s": round(analysis_s, 3), "months_s": round(months_s, 3), "cash_statement_s": round(cash_s, 3),
              "december_cash": str(months[-1].cash),
              "result": str(report.income.result), "total_assets": str(report.sheet.total_assets),
              "balanced": report.sheet.balanced, "caf_agrees": analysis.caf.agrees,
              "net_cash_agrees": analysis.balance.agrees, "cash_reconciled": cash.reconciled,
              "target_s": TARGET_S, "ok": ok}
    print(f"Income statement + balance sheet of {total * 3:,} lines ({connection.vendor}): {timings[0]:.3f} s cold, "
          f"{min(timings[1:]):.3f} s warm (target < {TARGET_S:.0f} s) {'✓' if ok else '✗'} — result "
          f"{report.income.result} €, total assets {report.sheet.total_assets} € (balanced: "
          f"{report.sheet.balanced}); analysis {analysis_s:.3f} s (CAF methods agree: {analysis.caf.agrees}, "
          f"FR − BFR = cash: {analysis.balance.agrees}); months for the chart {months_s:.3f} s; cash statement "
          f"{cash_s:.3f} s (reconciled: "
          f"{cash.reconciled}); data built in {built_s:.0f} s", file=sys.stderr)
    database_close(temp)
    return output


if __name__ == "__main__":
    print(json.dumps(main()))
