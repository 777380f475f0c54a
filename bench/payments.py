"""Benchmark: a supplier payment proposal over 20,000 open supplier invoices (target < 2 s), and the schedule.

    .venv/bin/python bench/payments.py                      # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_payments .venv/bin/python \
        bench/payments.py                                   # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/payments.py      # 2,000 open invoices

The data, built through the posting service in batches (`entries_post`): 200 suppliers, 20,000 supplier invoices
posted in AC (607 / 44566 / 401 with a due date), of which a tenth are partly paid (a BQ1 payment matched with
`matching_create`, partial), plus 1,000 fully paid ones that the proposal must leave out. What is timed is
`payment_run_propose` itself: one query over the open lines with their matched amounts grouped in SQL, the
escompte decision per item, the lines bulk-inserted. Prints its figures, the target and ✓/✗, then one JSON line.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from common import database_close, database_open, scale

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.config.settings.test")

OPEN = 20_000
PAID = 1_000
SUPPLIERS = 200
BATCH = 1_000
ON = date(2026, 12, 31)
TARGET_S = 2.0
IBANS = ["FR7630004000031234567890143", "FR1420041010050500013M02606", "FR5410107001010000012345678"]


def build(organisation, actor, open_count: int, paid_count: int) -> None:
    from agora.ledger.domain import EntryInput, LineInput
    from agora.ledger.models import EntryLine
    from agora.ledger.services import entries_post, matching_create
    from agora.parties.models import Party

    Party.objects.bulk_create([
        Party(organisation=organisation, code=f"F{n:04d}", name=f"Fournisseur {n:04d}", is_supplier=True,
              iban=IBANS[n % len(IBANS)] if n % 20 else "", payment_method="transfer")  # 1 in 20 without IBAN
        for n in range(SUPPLIERS)])
    total = open_count + paid_count
    start = date(2026, 1, 2)
    invoices = []
    for first in range(0, total, BATCH):
        batch = []
        for i in range(first, min(total, first + BATCH)):
            day = start + timedelta(days=i * 330 // total)
            net = Decimal(5_000 + (i * 7919) % 500_000) / 100
            vat = (net * Decimal("0.2")).quantize(Decimal("0.01"))
            supplier = f"F{i % SUPPLIERS:04d}"
            batch.append(EntryInput(journal="AC", date=day, label=f"Facture {supplier} n° {i}", reference=f"FF{i:06d}",
                                    lines=[LineInput(account="607", debit=net),
                                           LineInput(account="44566", debit=vat, tax_role="input_vat"),
                                           LineInput(account="401", credit=net + vat, party=supplier,
                                                     due_date=day + timedelta(days=30))]))
        invoices += entries_post(actor=actor, organisation=organisation, entries=batch)
    lines = dict(EntryLine.objects.filter(organisation=organisation, account__code="401")
                 .values_list("entry_id", "pk"))
    settled = [(entry, "full") for entry in invoices[:paid_count]]
    settled += [(entry, "partial") for entry in invoices[paid_count:paid_count + open_count // 10]]
    for first in range(0, len(settled), BATCH):
        chunk = settled[first:first + BATCH]
        payments = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
            journal="BQ1", date=entry.date + timedelta(days=1), label=f"Règlement {entry.reference}", lines=[
                LineInput(account="401", debit=_amount(lines[entry.pk], how), party=_party(lines[entry.pk])),
                LineInput(account="5121", credit=_amount(lines[entry.pk], how))]) for entry, how in chunk])
        payment_lines = dict(EntryLine.objects.filter(entry__in=payments, account__code="401")
                             .values_list("entry_id", "pk"))
        for (entry, _), payment in zip(chunk, payments, strict=True):
            matching_create(actor=actor, organisation=organisation,
                            line_ids=[lines[entry.pk], payment_lines[payment.pk]])


_LINES: dict = {}


def _line(pk):
    from agora.ledger.models import EntryLine

    if pk not in _LINES:
        _LINES[pk] = EntryLine.objects.select_related("party").get(pk=pk)
    return _LINES[pk]


def _amount(pk, how: str) -> Decimal:
    credit = _line(pk).credit
    return credit if how == "full" else (credit / 3).quantize(Decimal("0.01"))


def _party(pk) -> str:
    return _line(pk).party.code


def main() -> dict:
    temp = database_open()
    from django.db import connection, transaction

    from agora.core.tests.builders import make_organisation
    from agora.ledger.services import ledger_setup
    from agora.treasury.selectors.items import open_item_rows, open_items, schedule_summary, schedule_totals
    from agora.treasury.selectors.runs import run_totals
    from agora.treasury.services.bank_accounts import bank_account_create
    from agora.treasury.services.runs import payment_run_propose

    open_count, paid_count = round(OPEN * scale()), round(PAID * scale())
    started = time.perf_counter()
    organisation = make_organisation(slug="bench-paiements", legal_name="Bench Paiements SARL")
    ledger_setup(actor=None, organisation=organisation, first_year=2026)
    bank_account_create(actor=None, organisation=organisation, data={"label": "Compte courant",
                                                                     "iban": "FR7630006000011234567890189"})
    with transaction.atomic():  # one transaction: SQLite would commit (and sync) every batch otherwise
        build(organisation, None, open_count, paid_count)
    if connection.vendor == "postgresql":  # what autovacuum does on a live database after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built_s = time.perf_counter() - started

    started = time.perf_counter()
    items = len(open_item_rows(organisation=organisation))
    query_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    run = payment_run_propose(actor=None, organisation=organisation, on=ON)
    propose_s, propose_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    totals = run_totals(run=run)
    started = time.perf_counter()
    queryset = open_items(organisation=organisation)
    summary = schedule_summary(queryset, today=ON)
    months = schedule_totals(queryset, period="month")
    first_page = list(queryset.select_related("party", "entry").order_by("due_date", "id")[:50])
    schedule_s = time.perf_counter() - started
    ok = propose_s < TARGET_S
    result = {
        "backend": connection.vendor, "open_invoices": open_count, "paid_invoices": paid_count,
        "open_items_read": items, "proposal_lines": totals["lines"], "selected": totals["count"],
        "blocked": totals["blocked"], "amount": str(totals["amount"]), "build_s": round(built_s, 1),
        "open_query_s": round(query_s, 3), "propose_s": round(propose_s, 3), "propose_cpu_s": round(propose_cpu_s, 3),
        "schedule_s": round(schedule_s, 3), "schedule_months": len(months), "schedule_total": str(summary["total"]),
        "first_page_rows": len(first_page), "target_s": TARGET_S, "ok": ok,
    }
    print(f"Payment proposal over {open_count:,} open supplier invoices ({connection.vendor}): {propose_s:.2f} s "
          f"(process CPU {propose_cpu_s:.2f} s; target < {TARGET_S:.0f} s) {'✓' if ok else '✗'} — "
          f"{totals['lines']:,} lines, {totals['blocked']:,} blocked (no IBAN); open-items query alone "
          f"{query_s * 1000:.0f} ms; schedule (summary, monthly totals, first page) {schedule_s * 1000:.0f} ms; "
          f"data built in {built_s:.0f} s", file=sys.stderr)
    database_close(temp)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
