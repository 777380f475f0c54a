"""Benchmark: import a 50,000-line bank statement and auto-match it against 50,000 open items (target < 5 s).

    .venv/bin/python bench/reconciliation.py                     # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_reconciliation .venv/bin/python \
        bench/reconciliation.py                                  # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/reconciliation.py     # 5,000 lines each side

The books (posted through `entries_post` in batches): 35,000 bank entries on 5121 (transfers and cheques in and
out, each with its reference), 10,000 open customer invoices (411) of 500 customers and 5,000 open supplier
invoices (401) of 200 suppliers — 50,000 open items. The statement (a CAMT.053 file written by the banking app's
writer and read by its importer): one line per item — a book line's reference (half of them) or only its amount
a few days later (the other half), a customer's name in the counterparty, a supplier invoice number in the label.
Timed: the import, the proposals (`proposals_for`: dicts keyed by reference token and amount in cents, never all
pairs), their total against the target, and accepting the 512 links in bulk. Prints figures, then one JSON line.
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

BOOK_LINES, CUSTOMER_ITEMS, SUPPLIER_ITEMS = 35_000, 10_000, 5_000
CUSTOMERS, SUPPLIERS = 500, 200
BATCH = 1_000
START = date(2026, 1, 2)
TARGET_S = 5.0
IBAN = "FR7630006000011234567890189"


def _amount(i: int) -> Decimal:
    return Decimal(1_000 + (i * 7919) % 9_000_000) / 100


def _day(i: int, total: int) -> date:
    return START + timedelta(days=i * 330 // max(total, 1))


def build(organisation, counts: tuple[int, int, int]):
    """Post the books; return the statement lines (ParsedLine) the bank would send for them."""
    from agora.banking.parsers.common import ParsedLine
    from agora.ledger.domain import EntryInput, LineInput
    from agora.ledger.services import entries_post
    from agora.parties.models import Party

    books, customers, suppliers = counts
    Party.objects.bulk_create(
        [Party(organisation=organisation, code=f"C{n:04d}", name=f"Client {_name(n)}", is_customer=True)
         for n in range(CUSTOMERS)]
        + [Party(organisation=organisation, code=f"F{n:04d}", name=f"Fournisseur {_name(n + 7)}", is_supplier=True)
           for n in range(SUPPLIERS)])
    entries, statement = [], []
    for i in range(books):
        amount = _amount(i) if i % 2 else -_amount(i)
        day = _day(i, books)
        reference = f"VIR{i:07d}"
        side = {"debit": amount} if amount > 0 else {"credit": -amount}
        other = {"credit": amount} if amount > 0 else {"debit": -amount}
        entries.append(EntryInput(journal="BQ1", date=day, label=f"Opération {i}", reference=reference, lines=[
            LineInput(account="5121", **side), LineInput(account="471", **other)]))
        by_reference = i % 4 < 2
        statement.append(ParsedLine(date=day + timedelta(days=i % 4), amount=amount,
                                    label=f"VIREMENT {reference}" if by_reference else "OPERATION BANCAIRE",
                                    reference=reference if by_reference else ""))
    for i in range(customers):
        amount, day, party = _amount(books + i), _day(i, customers), i % CUSTOMERS
        entries.append(EntryInput(journal="VT", date=day, label=f"Facture client {i}", reference=f"FA{i:07d}", lines=[
            LineInput(account="411", debit=amount, party=f"C{party:04d}", due_date=day + timedelta(days=30)),
            LineInput(account="706", credit=amount)]))
        statement.append(ParsedLine(date=day + timedelta(days=20), amount=amount, label="VIR SEPA RECU",
                                    counterparty_name=f"CLIENT {_name(party).upper()}"))
    for i in range(suppliers):
        amount, day, party = _amount(books + customers + i), _day(i, suppliers), i % SUPPLIERS
        entries.append(EntryInput(journal="AC", date=day, label=f"Facture fournisseur {i}", reference=f"FF{i:07d}",
                                  lines=[LineInput(account="607", debit=amount),
                                         LineInput(account="401", credit=amount, party=f"F{party:04d}",
                                                   due_date=day + timedelta(days=30))]))
        statement.append(ParsedLine(date=day + timedelta(days=25), amount=-amount, label=f"VIR EMIS FF{i:07d}"))
    for first in range(0, len(entries), BATCH):
        entries_post(actor=None, organisation=organisation, entries=entries[first:first + BATCH])
    statement.sort(key=lambda line: line.date)
    return statement


def _name(n: int) -> str:
    syllables = ["Bo", "Ra", "Li", "Ta", "Mu", "Ke", "Do", "Vi", "Sa", "Pe"]
    return "".join(syllables[(n // 10 ** k) % 10] for k in range(4)) + "x"


def main() -> dict:
    temp = database_open()
    from django.db import connection, transaction

    from agora.banking.services.statements import statement_import
    from agora.banking.writers import camt053_file
    from agora.core.tests.builders import make_organisation
    from agora.ledger.services import ledger_setup
    from agora.reconciliation.selectors.proposals import proposals_for
    from agora.reconciliation.services.proposals import proposals_accept_all
    from agora.treasury.services.bank_accounts import bank_account_create

    counts = tuple(round(n * scale()) for n in (BOOK_LINES, CUSTOMER_ITEMS, SUPPLIER_ITEMS))
    started = time.perf_counter()
    organisation = make_organisation(slug="bench-rapprochement", legal_name="Bench Rapprochement SARL")
    ledger_setup(actor=None, organisation=organisation, first_year=2026)
    bank = bank_account_create(actor=None, organisation=organisation, data={"label": "Compte courant", "iban": IBAN})
    with transaction.atomic():
        lines = build(organisation, counts)
    content = camt053_file(iban=IBAN, start=lines[0].date, end=lines[-1].date, opening_balance=Decimal("0.00"),
                           lines=lines, message_id="BENCH")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built_s = time.perf_counter() - started

    started = time.perf_counter()
    imported = statement_import(actor=None, organisation=organisation, bank_account=bank, content=content,
                                filename="bench.xml").imported
    import_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    proposals = proposals_for(bank_account=bank)
    match_s, match_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    reasons: dict[str, int] = {}
    for proposal in proposals.values():
        reasons[proposal.reason] = reasons.get(proposal.reason, 0) + 1
    started = time.perf_counter()
    accepted = proposals_accept_all(actor=None, bank_account=bank, kinds=("entry",))["entry"]
    accept_s = time.perf_counter() - started
    total_s = import_s + match_s
    ok = total_s < TARGET_S
    result = {"backend": connection.vendor, "statement_lines": imported, "open_items": sum(counts),
              "proposals": len(proposals), "by_reason": reasons, "build_s": round(built_s, 1),
              "import_s": round(import_s, 3), "match_s": round(match_s, 3), "match_cpu_s": round(match_cpu_s, 3),
              "import_and_match_s": round(total_s, 3), "accept_512_links": accepted, "accept_s": round(accept_s, 3),
              "target_s": TARGET_S, "ok": ok}
    print(f"Import + auto-match of a {imported:,}-line statement against {sum(counts):,} open items "
          f"({connection.vendor}): {total_s:.2f} s (import {import_s:.2f} s, proposals {match_s:.2f} s, CPU "
          f"{match_cpu_s:.2f} s; target < {TARGET_S:.0f} s) {'✓' if ok else '✗'} — {len(proposals):,} proposals "
          f"{reasons}; {accepted:,} links with 512 lines accepted in bulk in {accept_s:.2f} s; data built in "
          f"{built_s:.0f} s", file=sys.stderr)
    database_close(temp)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
