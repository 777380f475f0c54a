"""Benchmark: a reminder run over 50,000 open invoices (target < 10 s), plus the review page's totals.

    .venv/bin/python bench/sales_reminders.py                      # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_reminders .venv/bin/python \
        bench/sales_reminders.py                                   # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/sales_reminders.py      # 5,000 open invoices

The data: 500 customers, 50,000 validated invoices still open (a fifth of them partly paid, a tenth already
reminded once), and 10,000 fully paid ones that the run must leave out. Invoices and receipts are bulk-inserted
as rows (the document services are measured elsewhere); what is timed is `reminder_run_prepare` itself: open
amounts computed in SQL from the allocations, levels, penalties and the fixed indemnity, bulk creation.
Prints one JSON line last (bench/run.py may read it).
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

OPEN = 50_000
PAID = 10_000
CUSTOMERS = 500
ON = date(2026, 6, 30)
BATCH = 5000
TARGET_S = 10.0


def build(organisation, open_count: int, paid_count: int) -> None:
    from django.utils import timezone

    from agora.core.bulk import insert_rows
    from agora.parties.models import Party
    from agora.sales.models import (
        DocumentKind,
        DocumentState,
        Receipt,
        ReceiptAllocation,
        Reminder,
        ReminderRun,
        SalesDocument,
        SalesSettings,
    )

    SalesSettings.objects.get_or_create(organisation=organisation)
    parties = Party.objects.bulk_create([
        Party(organisation=organisation, code=f"C{i:04d}", name=f"Client {i:04d}", is_customer=True,
              kind=Party.Kind.INDIVIDUAL if i % 10 == 0 else Party.Kind.ORGANISATION,
              email=f"client{i}@example.fr" if i % 3 else "") for i in range(CUSTOMERS)])
    total = open_count + paid_count
    now = timezone.now()
    rows = []
    for i in range(total):
        due = ON - timedelta(days=7 + i % 120)  # from 7 to 126 days late: every level appears
        amount = Decimal(10_000 + (i * 7919) % 900_000) / 100
        rows.append((organisation.pk, DocumentKind.INVOICE, DocumentState.VALIDATED, f"FA-2026-{i + 1:06d}", i + 1,
                     "2026", due - timedelta(days=30), due, parties[i % CUSTOMERS].pk, amount, amount, amount, now))
    insert_rows(SalesDocument, ["organisation", "kind", "state", "number", "sequence", "fiscal_year_code", "date",
                                "due_date", "party", "total", "net_to_pay", "untaxed_total", "created_at"], rows,
                batch_size=BATCH)
    invoices = list(SalesDocument.objects.filter(organisation=organisation).order_by("sequence")
                    .values_list("pk", "party_id", "net_to_pay"))
    shares = []
    for index, (pk, party_id, amount) in enumerate(invoices):
        if index >= open_count:
            shares.append((pk, party_id, amount))               # fully paid: must leave the run
        elif index % 5 == 0:
            shares.append((pk, party_id, (amount / 3).quantize(Decimal("0.01"))))  # partly paid
    insert_rows(Receipt, ["organisation", "party", "date", "method", "amount", "created_at"],
                [(organisation.pk, party_id, ON - timedelta(days=3), "transfer", amount, now)
                 for _, party_id, amount in shares], batch_size=BATCH)
    receipt_ids = list(Receipt.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True))
    insert_rows(ReceiptAllocation, ["receipt", "invoice", "amount"],
                [(rid, pk, amount) for rid, (pk, _, amount) in zip(receipt_ids, shares, strict=True)],
                batch_size=BATCH)
    # a tenth of the open invoices were reminded once already (level 1, indemnity claimed)
    earlier = ReminderRun.objects.create(organisation=organisation, date=ON - timedelta(days=30), state="sent")
    sent = [Reminder(organisation=organisation, run=earlier, invoice_id=pk, party_id=party_id, level=1, days_late=7,
                     amount_due=amount, fixed_fee=Decimal(40), state="sent")
            for index, (pk, party_id, amount) in enumerate(invoices[:open_count]) if index % 10 == 3]
    Reminder.objects.bulk_create(sent, batch_size=BATCH)


def main() -> dict:
    temp = database_open()
    from django.db import connection, transaction

    from agora.core.models import Organisation
    from agora.sales.selectors.reminders import overdue_invoice_rows, run_reminders, run_totals
    from agora.sales.services.reminders import reminder_run_prepare

    open_count, paid_count = round(OPEN * scale()), round(PAID * scale())
    started = time.perf_counter()
    organisation = Organisation.objects.create(slug="bench-relances", legal_name="Bench Relances SARL")
    with transaction.atomic():  # one transaction: SQLite would commit (and sync) every row otherwise
        build(organisation, open_count, paid_count)
    if connection.vendor == "postgresql":  # what autovacuum does on a live database after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    run = reminder_run_prepare(actor=None, organisation=organisation, on=ON)
    prepare_s, prepare_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    selected = sum(1 for _ in overdue_invoice_rows(organisation=organisation, on=ON, first_days=7))
    query_s = time.perf_counter() - started
    started = time.perf_counter()
    totals = run_totals(run=run)
    first_page = list(run_reminders(run=run)[:100])
    review_s = time.perf_counter() - started
    result = {
        "backend": connection.vendor, "open_invoices": open_count, "paid_invoices": paid_count,
        "reminders": totals["count"], "levels": {label: count for label, count in totals["levels"]},
        "build_s": round(built_s, 2), "prepare_s": round(prepare_s, 2),
        "prepare_cpu_s": round(prepare_cpu_s, 2),
        "select_s": round(query_s, 2), "selected": selected, "review_s": round(review_s, 3),
        "target_s": TARGET_S, "ok": prepare_s < TARGET_S,
        "first_page_rows": len(first_page),
    }
    print(f"Reminder run over {open_count:,} open invoices ({connection.vendor}): {prepare_s:.2f} s "
          f"(process CPU {prepare_cpu_s:.2f} s; target < {TARGET_S:.0f} s) — {totals['count']:,} reminders; "
          f"review totals + first page {review_s * 1000:.0f} ms", file=sys.stderr)
    database_close(temp)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
