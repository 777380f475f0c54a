"""Benchmark: the sales targets of issue §10, on SQLite then PostgreSQL, printed with their targets.

    .venv/bin/python bench/sales.py                    # both backends (PostgreSQL: database agora_bench_sales,
                                                       # created and dropped on BENCH_POSTGRES)
    .venv/bin/python bench/sales.py --backend sqlite   # one backend only
    BENCH_SCALE=0.1 .venv/bin/python bench/sales.py    # a tenth of the sizes

Measured:
- validation and posting of 20,000 × scale draft invoices of 3 lines with `invoices_validate` in batches of 500
  (target ≥ 500 invoices/s on SQLite, without PDF); `invoice_validate` one by one on a few for comparison;
- `output.document_pdf` per invoice (target ≤ 150 ms) and `documents_pdf_batch` over the machine's cores (with
  the share of the work the worker processes took, and the speed-up idle cores would give: sequential CPU time
  over the busiest process's, from the CPU times of the caller and its workers);
- the invoice list screen with 200,000 × scale invoices (target < 200 ms) and its query count against a list
  of a few invoices (constant), with the totals loaded apart (htmx `part=totals`).
Each backend runs in its own process (`bench/sales.py --task`), which prints one JSON line.
"""

import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from common import bench_main, scale, timed_get, verdict

VALIDATE, BATCH = 20_000, 500
LIST_SIZE = 200_000
PDF_BATCH = 64
ONE_BY_ONE = 40
TARGET_RATE, TARGET_PDF_MS, TARGET_LIST_MS = 500, 150, 200


# --- inside the measuring process ------------------------------------------------------------------------------

def clone_drafts(template, count: int) -> list[int]:
    """`count` drafts identical to `template` (made by the service), bulk-inserted as the concurrency test does."""
    from agora.sales.models import SalesDocument, SalesLine, SalesTax

    lines = list(template.lines.all())
    taxes = list(template.tax_rows.all())
    fields = {f.attname: getattr(template, f.attname) for f in SalesDocument._meta.concrete_fields
              if f.attname not in ("id",)}
    ids = []
    for start in range(0, count, 2000):
        copies = SalesDocument.objects.bulk_create([SalesDocument(**fields) for _ in range(min(2000, count - start))])
        SalesLine.objects.bulk_create([
            SalesLine(**{f.attname: getattr(line, f.attname) for f in SalesLine._meta.concrete_fields
                         if f.attname not in ("id", "document_id")}, document_id=copy.pk)
            for copy in copies for line in lines], batch_size=2000)
        SalesTax.objects.bulk_create([SalesTax(rate=t.rate, base=t.base, tax=t.tax, mention=t.mention,
                                               document_id=copy.pk) for copy in copies for t in taxes],
                                     batch_size=2000)
        ids += [copy.pk for copy in copies]
    return ids


def bulk_invoices(organisation, party_ids: list[int], count: int) -> None:
    """`count` validated invoices as plain rows (the list screen's data; the services are measured above)."""
    from django.utils import timezone

    from agora.core.bulk import insert_rows
    from agora.sales.models import SalesDocument

    now = timezone.now()
    start = date(2026, 1, 1)
    rows = []
    for i in range(count):
        day = start + timedelta(days=i * 365 // count)
        net = Decimal(10_000 + (i * 7919) % 900_000) / 100
        tax = (net * Decimal("0.2")).quantize(Decimal("0.01"))
        rows.append((organisation.pk, "invoice", "validated" if i % 50 else "draft",
                     f"FA-2026-{i + 1:06d}" if i % 50 else "", i + 1, "2026", day, day + timedelta(days=30),
                     party_ids[i % len(party_ids)], f"Client {i % len(party_ids):04d}", net, net, net, net, tax,
                     net + tax, net + tax, now))
    insert_rows(SalesDocument, ["organisation", "kind", "state", "number", "sequence", "fiscal_year_code", "date",
                                "due_date", "party", "customer_name", "lines_total", "commercial_net",
                                "financial_net", "untaxed_total", "tax_total", "total", "net_to_pay", "created_at"],
                rows, batch_size=5000)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def task() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from agora.parties.models import Party
    from agora.sales.models import SalesDocument
    from agora.sales.services.batch import documents_pdf_batch, invoices_validate, pdf_workers
    from agora.sales.services.documents import invoice_validate
    from agora.sales.services.output import document_pdf
    from agora.sales.tests.builders import line, make_customer, make_invoice, make_products, make_sales_books

    call_command("migrate", verbosity=0)
    result = {"backend": connection.vendor, "cpus": pdf_workers()}

    # 1. validation and posting --------------------------------------------------------------------------------
    organisation, seller = make_sales_books(slug="bench-ventes")
    customer = make_customer(organisation)
    goods, food, service = make_products(organisation)
    template = make_invoice(organisation, seller, customer, [line(goods, 2), line(food, 3), line(service, 1)])
    count = max(BATCH, round(VALIDATE * scale()))
    with transaction.atomic():
        ids = [template.pk] + clone_drafts(template, count + ONE_BY_ONE - 1)
    batch_ids, single_ids = ids[:count], ids[count:]
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, count, BATCH):
        invoices_validate(actor=seller, organisation=organisation, invoices=batch_ids[start:start + BATCH])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result["validate"] = {"count": count, "seconds": wall, "rate": count / wall, "cpu_rate": count / cpu}
    wall = time.perf_counter()
    for pk in single_ids:
        invoice_validate(actor=seller, invoice=SalesDocument.objects.get(pk=pk))
    result["validate_one_by_one_ms"] = (time.perf_counter() - wall) / len(single_ids) * 1000
    numbers = list(SalesDocument.objects.filter(organisation=organisation, kind="invoice").order_by("sequence")
                   .values_list("sequence", flat=True))
    result["validate"]["gapless"] = numbers == list(range(1, len(ids) + 1))

    # 2. PDF ----------------------------------------------------------------------------------------------------
    invoice = SalesDocument.objects.get(pk=batch_ids[0])
    document_pdf(invoice)  # fonts and stylesheet load once per process
    cpu_ms, wall_ms = [], []
    for _ in range(7):
        tick, tock = time.perf_counter(), time.process_time()
        document_pdf(invoice)
        wall_ms.append((time.perf_counter() - tick) * 1000)
        cpu_ms.append((time.process_time() - tock) * 1000)
    result["pdf"] = {"wall_ms": statistics.median(wall_ms), "cpu_ms": statistics.median(cpu_ms)}
    pdf_ids = batch_ids[:max(16, round(PDF_BATCH * scale()))]
    with tempfile.TemporaryDirectory(prefix="agora-pdf-") as directory:
        tick, tock = time.perf_counter(), time.process_time()
        documents_pdf_batch(organisation=organisation, documents=pdf_ids, directory=Path(directory) / "one",
                            processes=1)
        sequential, sequential_cpu = time.perf_counter() - tick, time.process_time() - tock
        tick, tock, children = time.perf_counter(), time.process_time(), _children_cpu()
        paths = documents_pdf_batch(organisation=organisation, documents=pdf_ids, directory=Path(directory) / "all")
        parallel, parallel_cpu = time.perf_counter() - tick, time.process_time() - tock
        workers_cpu = _children_cpu() - children  # the pool's workers, reaped when it closes
        assert len(paths) == len(pdf_ids) and all(Path(p).read_bytes().startswith(b"%PDF-") for p in paths)
    # The calling process prints its share too: what it no longer spends is what the workers took.
    result["pdf_batch"] = {"count": len(pdf_ids), "sequential_rate": len(pdf_ids) / sequential,
                           "parallel_rate": len(pdf_ids) / parallel, "processes": min(pdf_workers(), len(pdf_ids)),
                           "workers_share": 1 - parallel_cpu / sequential_cpu,
                           # on idle cores the batch lasts as long as its busiest process: the speed-up then
                           "cpu_speedup": sequential_cpu / max(parallel_cpu, workers_cpu / max(1, pdf_workers() - 1))}

    # 3. the invoice list ---------------------------------------------------------------------------------------
    big, _ = make_sales_books(slug="bench-liste")
    parties = Party.objects.bulk_create([Party(organisation=big, code=f"C{i:04d}", name=f"Client {i:04d}",
                                               is_customer=True, kind="organisation") for i in range(500)])
    size = round(LIST_SIZE * scale())
    tick = time.perf_counter()
    with transaction.atomic():
        bulk_invoices(big, [p.pk for p in parties], size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result["list_build_s"] = time.perf_counter() - tick
    client = Client()
    client.force_login(seller)
    from agora.core.tests.builders import grant

    grant(seller, big, "sales")
    small_url = reverse("sales:invoices", kwargs={"org": organisation.slug})
    url = reverse("sales:invoices", kwargs={"org": big.slug})
    result["list"] = {"size": size, "first_page": timed_get(client, url),
                      "page_100": timed_get(client, url + "?page=100"),
                      "search": timed_get(client, url + "?q=FA-2026-012345"),
                      "search_text": timed_get(client, url + "?q=client 0042"),
                      "search_digits": timed_get(client, url + "?q=12345"),
                      "state_filter": timed_get(client, url + "?state=draft"),
                      "totals": timed_get(client, url + "?part=totals"),
                      "small_queries": timed_get(client, small_url)["queries"]}
    return result


# --- the orchestrating process -----------------------------------------------------------------------------------

def rows_for(backend: str, r: dict) -> list[tuple]:
    v, pdf, pool, page = r["validate"], r["pdf"], r["pdf_batch"], r["list"]
    rate_target = TARGET_RATE if r["backend"] == "sqlite" else None
    out = [
        (backend, f"invoices_validate: {v['count']:,} invoices × 3 lines, batches of {BATCH}",
         f"{v['rate']:,.0f} invoices/s ({v['seconds']:.1f} s)", f"≥ {TARGET_RATE} /s" if rate_target else "(figure)",
         verdict(v["rate"] >= TARGET_RATE) if rate_target else ""),
        (backend, "  same, on the process's CPU time (≈ a quiet machine)", f"{v['cpu_rate']:,.0f} invoices/s",
         f"≥ {TARGET_RATE} /s" if rate_target else "(figure)",
         verdict(v["cpu_rate"] >= TARGET_RATE) if rate_target else ""),
        (backend, "  numbers gapless 1…n (batches then one by one)", "yes" if v["gapless"] else "NO", "gapless",
         verdict(v["gapless"])),
        (backend, "invoice_validate one by one (for comparison)", f"{r['validate_one_by_one_ms']:.1f} ms/invoice",
         "(figure)", ""),
        (backend, "invoice PDF (document_pdf, median of 7)",
         f"{pdf['wall_ms']:.0f} ms wall, {pdf['cpu_ms']:.0f} ms CPU", f"≤ {TARGET_PDF_MS} ms",
         verdict(pdf["wall_ms"] <= TARGET_PDF_MS)),
        (backend, f"batch PDF, {pool['count']} invoices: 1 process vs pool of {pool['processes']}",
         f"{pool['sequential_rate']:.1f} → {pool['parallel_rate']:.1f} PDF/s "
         f"(× {pool['parallel_rate'] / pool['sequential_rate']:.2f}; workers did {pool['workers_share']:.0%}, "
         f"× {pool['cpu_speedup']:.2f} on idle cores)",
         "parallel on all cores",
         verdict(pool["parallel_rate"] > pool["sequential_rate"] * 1.3)),
    ]
    for name, label in (("first_page", "page 1"), ("page_100", "page 100"), ("search", "search ?q=<number>"),
                        ("search_text", "search ?q=<customer>"), ("search_digits", "search ?q=<digits>"),
                        ("state_filter", "filter ?state=draft")):
        figures = page[name]
        out.append((backend, f"invoice list {label}, {page['size']:,} invoices (median of 5)",
                    f"{figures['median_ms']:.0f} ms (CPU {figures['cpu_ms']:.0f}), {figures['queries']} queries",
                    f"< {TARGET_LIST_MS} ms", verdict(figures["median_ms"] < TARGET_LIST_MS)))
    out.append((backend, "invoice list queries: 1 invoice vs all", f"{page['small_queries']} vs "
                f"{page['first_page']['queries']}", "constant",
                verdict(page["small_queries"] == page["first_page"]["queries"])))
    out.append((backend, "  totals of the list (htmx part=totals, after the page)",
                f"{page['totals']['median_ms']:.0f} ms", "(figure)", ""))
    return out


def main() -> int:
    return bench_main(script=__file__, title="Sales benchmarks", doc=__doc__, task=task, rows_for=rows_for)


if __name__ == "__main__":
    sys.exit(main())
