"""Benchmark: the purchase chain through the services, and the supplier invoice list screen (SQLite).

    .venv/bin/python bench/purchasing.py                 # 1,000 × scale chains
    BENCH_SCALE=0.2 .venv/bin/python bench/purchasing.py

Measured, wall clock and process CPU time (the machine may be shared):
- full chains, one by one as an assistant works: order of 3 lines → confirm → partial receipt → validate →
  invoice from the receipt → three-way match → validate (AC entry); target ≥ 20 chains/s;
- the supplier invoice list screen over all those invoices (target < 200 ms) and its query count against a list
  of one invoice (constant).
"""

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAINS = 1_000
TARGET_RATE, TARGET_LIST_MS = 20, 200


def main() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    directory = tempfile.mkdtemp(prefix="agora-bench-purchasing-")
    os.environ["AGORA_DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.config.settings.test")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from agora.purchasing.services.invoices import (
        invoice_create_from_receipt,
        invoice_match_report,
        supplier_invoice_validate,
    )
    from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
    from agora.purchasing.tests.builders import (
        line,
        make_order,
        make_purchase_products,
        make_purchasing_books,
        make_supplier,
    )

    organisation, buyer = make_purchasing_books()
    supplier = make_supplier(organisation)
    paper, desk = make_purchase_products(organisation)
    client = Client()
    client.force_login(buyer)
    url = reverse("purchasing:invoices", kwargs={"org": organisation.slug})

    def chain(n: int) -> None:
        day = date(2026, 1 + n % 12, 1 + n % 28)
        order = make_order(organisation, buyer, supplier, [line(paper, 100, "4.50"), line(desk, 2, "350"),
                                                           line(paper, 10, "4.40", discount_pct="5")], day=day)
        first = order.lines.order_by("position").first()
        receipt = receipt_create_from_order(actor=buyer, order=order, quantities={first.pk: 60}, on=day)
        receipt = receipt_validate(actor=buyer, receipt=receipt)
        invoice = invoice_create_from_receipt(actor=buyer, receipt=receipt,
                                              data={"issue_date": day, "supplier_reference": f"B-{n}"})
        invoice_match_report(invoice)
        supplier_invoice_validate(actor=buyer, invoice=invoice)

    chain(0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    count = max(1, int(CHAINS * scale))
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(1, count + 1):
        chain(n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = count / wall
    print(f"chaînes commande → réception → facture validée : {count} en {wall:.1f} s (CPU {cpu:.1f} s) = "
          f"{rate:.0f}/s — cible ≥ {TARGET_RATE}/s {'✓' if rate >= TARGET_RATE else '✗'}")
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    best = min(timings)
    print(f"liste des factures fournisseurs ({count + 1} factures) : {best:.0f} ms — cible < {TARGET_LIST_MS} ms "
          f"{'✓' if best < TARGET_LIST_MS else '✗'} ; requêtes {len(many)} (1 facture : {len(few)}) "
          f"{'✓' if len(many) == len(few) else '✗'}")


if __name__ == "__main__":
    main()
