"""Benchmark: the CA3 of one month among 1,000,000 posted lines (target < 1 s).

    .venv/bin/python bench/vat.py                                # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_vat .venv/bin/python bench/vat.py
                                                                 # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/vat.py                # 100,000 lines

The books (posted through `entries_post` in batches of 1,000, 3 lines an entry, spread over the year): sales at
20 %, 10 % and 5.5 % (411 / 70x base / 44571 output VAT with its box), a few credit notes, services on receipts
(VAT waiting on 44574), purchases (60x / 44566 box 20 / 401), fixed assets (2183 / 44562 box 19 / 404) and
customer receipts (5121 / 411 and the 44574 → 44571 move). Timed: `vat_compute` for March (every box, from the
two GROUP BYs), cold and warm, and the drill-down count of box 08. Prints figures, then one JSON line.
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
TARGET_S = 1.0
RATES = [("08", Decimal("0.20"), "707"), ("9B", Decimal("0.10"), "706"), ("09", Decimal("0.055"), "707")]


def _entry(i: int, total: int):
    """The i-th entry of the year: the kind rotates so every month holds every kind."""
    from agora.ledger.domain import EntryInput, LineInput

    day = date(YEAR, 1, 1) + timedelta(days=i * 365 // total)
    net = Decimal(1_000 + (i * 7919) % 500_000) / 100
    kind = i % 10
    customer, supplier = f"C{i % CUSTOMERS:04d}", f"F{i % SUPPLIERS:04d}"
    if kind <= 4 or kind == 9:  # sales (a tenth of them credit notes)
        box, rate, account = RATES[i % 3]
        vat = (net * rate).quantize(Decimal("0.01"))
        credit_note = kind == 9
        pending = kind == 4  # services on receipts: VAT on 44574 until paid
        return EntryInput(journal="VT", date=day, label=f"Facture FA{i:07d}", reference=f"FA{i:07d}", lines=[
            LineInput(account="411", party=customer, **_side(net + vat, debit=not credit_note)),
            LineInput(account=account, tax_role="base", **_side(net, debit=credit_note)),
            LineInput(account="44574" if pending else "44571", tax_role="output_vat", vat_box=box,
                      **_side(vat, debit=credit_note))])
    if kind in (5, 6):
        fixed = i % 20 == 5
        vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
        return EntryInput(journal="AC", date=day, label=f"Facture fournisseur {i}", reference=f"FF{i:07d}", lines=[
            LineInput(account="2183" if fixed else "607", debit=net, tax_role="base"),
            LineInput(account="44562" if fixed else "44566", debit=vat, tax_role="input_vat",
                      vat_box="19" if fixed else "20"),
            LineInput(account="404" if fixed else "401", credit=net + vat, party=supplier)])
    if kind == 7:
        vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
        return EntryInput(journal="BQ1", date=day, label=f"Règlement {i}", reference=f"RG{i:07d}", lines=[
            LineInput(account="5121", debit=net), LineInput(account="411", credit=net - vat, party=customer),
            LineInput(account="44571", credit=vat, tax_role="output_vat", vat_box="08")])
    return EntryInput(journal="BQ1", date=day, label=f"Frais {i}", reference=f"FB{i:07d}", lines=[
        LineInput(account="627", debit=net), LineInput(account="471", debit=net),
        LineInput(account="5121", credit=net + net)])


def _side(amount: Decimal, *, debit: bool) -> dict:
    return {"debit": amount} if debit else {"credit": amount}


def main() -> dict:
    temp = database_open()
    from django.db import connection

    from agora.vat.selectors.returns import box_lines, vat_compute

    organisation, total, built_s = post_year(
        slug="bench-tva", name="Bench TVA SARL", year=YEAR, entry=_entry, lines=LINES, customers=CUSTOMERS,
        suppliers=SUPPLIERS, batch=BATCH)

    start, end = date(YEAR, 3, 1), date(YEAR, 3, 31)
    timings = []
    for _ in range(3):
        tick = time.perf_counter()
        result = vat_compute(organisation=organisation, start=start, end=end)
        timings.append(time.perf_counter() - tick)
    tick = time.perf_counter()
    drill = box_lines(organisation=organisation, start=start, end=end, box="08").count()
    drill_s = time.perf_counter() - tick
    ok = timings[0] < TARGET_S
    boxes = result.boxes
    output = {"backend": connection.vendor, "lines": total * 3, "build_s": round(built_s, 1),
              "ca3_cold_s": round(timings[0], 3), "ca3_warm_s": round(min(timings[1:]), 3),
              "box_08_lines": drill, "drill_count_s": round(drill_s, 3), "tax_16": str(boxes["16"].tax),
              "tax_23": str(boxes["23"].tax), "target_s": TARGET_S, "ok": ok}
    print(f"CA3 of March among {total * 3:,} lines ({connection.vendor}): {timings[0]:.3f} s cold, "
          f"{min(timings[1:]):.3f} s warm (target < {TARGET_S:.0f} s) {'✓' if ok else '✗'} — 16 = "
          f"{boxes['16'].tax} €, 23 = {boxes['23'].tax} €, TD = {boxes['TD'].tax} €; drill-down of box 08: "
          f"{drill:,} lines counted in {drill_s:.3f} s; data built in {built_s:.0f} s", file=sys.stderr)
    database_close(temp)
    return output


if __name__ == "__main__":
    print(json.dumps(main()))
