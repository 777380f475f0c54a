"""Benchmark: importing a 50,000-line bank statement, CAMT.053 and OFX (target well under 2 s each, the import's
share of the issue's "import and auto-match 50,000 lines against 50,000 open items < 5 s"; the matching part is
timed by bench/reconciliation.py).

    .venv/bin/python bench/banking.py                       # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_banking .venv/bin/python \
        bench/banking.py                                    # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/banking.py       # 5,000 lines

The files are written by `agora.banking.writers` (one year of lines, receipts and payments with references and
counterparties), then given to `statement_import` as a user would upload them: parse, account check, duplicate
keys read in one query, one multi-row INSERT. Each file is then imported a second time: every line is
recognised as a duplicate and skipped. Prints its figures, the target and ✓/✗, then one JSON line.
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

from common import database_close, database_open, scale  # noqa: E402 (after the path set-up)

LINES = 50_000
TARGET_S = 2.0
IBAN = "FR7630006000011234567890189"
START, END = date(2026, 1, 1), date(2026, 12, 31)


def statement_lines(count: int, seed: int):
    from agora.banking.parsers.common import ParsedLine

    out = []
    for i in range(count):
        amount = Decimal((i * 7919 + seed) % 400_000 - 150_000) / 100 or Decimal("1.00")
        out.append(ParsedLine(date=START + timedelta(days=i * 364 // count), amount=amount,
                              label=f"VIR SEPA CLIENT {i % 997:03d} FACTURE F-2026-{i:06d}",
                              reference=f"F-2026-{seed}-{i:06d}", counterparty_name=f"CLIENT {i % 997:03d} SARL",
                              counterparty_iban="FR7630004000031234567890143" if amount > 0 else ""))
    return out


def timed(fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> dict:
    temp = database_open()
    from django.db import connection

    from agora.banking.parsers import parse_statement
    from agora.banking.services.statements import statement_import
    from agora.banking.writers import camt053_file, ofx_file
    from agora.core.tests.builders import make_organisation
    from agora.ledger.services import ledger_setup
    from agora.treasury.services.bank_accounts import bank_account_create

    count = round(LINES * scale())
    organisation = make_organisation(slug="bench-banque", legal_name="Bench Banque SARL")
    ledger_setup(actor=None, organisation=organisation, first_year=2026)
    account = bank_account_create(actor=None, organisation=organisation, data={"label": "Compte courant",
                                                                                "iban": IBAN})
    result = {"backend": connection.vendor, "lines": count, "target_s": TARGET_S}
    camt_lines, ofx_lines = statement_lines(count, 1), statement_lines(count, 2)
    files = {
        "camt053": camt053_file(iban=IBAN, start=START, end=END, opening_balance=Decimal("10000.00"),
                                lines=camt_lines, version="08"),
        "ofx": ofx_file(iban=IBAN, start=START, end=END, lines=ofx_lines,
                        closing_balance=Decimal("10000.00") + sum(line.amount for line in ofx_lines)),
    }
    ok = True
    for name, content in files.items():
        _, parse_s, _ = timed(lambda content=content: parse_statement(content))
        imported, import_s, import_cpu = timed(lambda content=content, name=name: statement_import(
            actor=None, organisation=organisation, bank_account=account, content=content, filename=f"b.{name}"))
        again, again_s, _ = timed(lambda content=content, name=name: statement_import(
            actor=None, organisation=organisation, bank_account=account, content=content, filename=f"b.{name}"))
        assert imported.imported == count and again.duplicates == count
        ok = ok and import_s < TARGET_S
        result |= {f"{name}_bytes": len(content), f"{name}_parse_s": round(parse_s, 3),
                   f"{name}_import_s": round(import_s, 3), f"{name}_import_cpu_s": round(import_cpu, 3),
                   f"{name}_reimport_s": round(again_s, 3)}
        print(f"Import of a {count:,}-line {name.upper()} statement ({len(content) / 1e6:.1f} MB, {connection.vendor})"
              f": {import_s:.2f} s (parsing alone {parse_s:.2f} s, process CPU {import_cpu:.2f} s; target < "
              f"{TARGET_S:.0f} s) {'✓' if import_s < TARGET_S else '✗'}; re-import, every line skipped as a "
              f"duplicate: {again_s:.2f} s", file=sys.stderr)
    result["ok"] = ok
    database_close(temp)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
