"""Benchmark tasks, each run in its own process by bench/run.py so that its peak memory is its own.

`python bench/tasks.py TASK` with AGORA_DATABASE_URL set prints one JSON line of figures on stdout.
Tasks: post (migrate, set up an organisation and post the entries), trial_balance, general_ledger, fec,
list_page. Sizes scale with BENCH_SCALE (1.0 = 333,334 entries of 3 lines = 1,000,002 lines).
"""

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.config.settings.test")

SLUG = "bench"
USERNAME = "bench.compta"
YEAR = 2026
CUSTOMERS = 200
BATCH = 1000


def scale() -> float:
    return float(os.environ.get("BENCH_SCALE", "1.0"))


def sizes() -> dict:
    return {"entries": max(BATCH, round(333_334 * scale())), "target_entries": max(BATCH, round(100_000 * scale()))}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def rss_now_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _setup():
    import django

    django.setup()


def _books():
    from agora.core.models import Organisation, User
    from agora.ledger.models import FiscalYear

    organisation = Organisation.objects.get(slug=SLUG)
    return organisation, FiscalYear.objects.get(organisation=organisation, code=str(YEAR)), \
        User.objects.get(username=USERNAME)


def _entries(first: int, count: int, total: int):
    from agora.ledger.domain import EntryInput, LineInput

    start = date(YEAR, 1, 1)
    out = []
    for i in range(first, first + count):
        day = start + timedelta(days=i * 365 // total)  # chronological, spread over the year
        net = Decimal(1000 + (i * 7919) % 900_000) / 100
        vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
        party = f"C{i % CUSTOMERS:04d}"
        out.append(EntryInput(journal="VT", date=day, label=f"Facture FA{i:07d}", reference=f"FA{i:07d}", lines=[
            LineInput(account="411", debit=net + vat, party=party, due_date=day + timedelta(days=30)),
            LineInput(account="706", credit=net, tax_role="base", vat_box="08"),
            LineInput(account="44571", credit=vat, tax_role="output_vat", vat_box="08"),
        ]))
    return out


def _list_queries(user, organisation) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("ledger:entries", kwargs={"org": organisation.slug})
    client.get(url)  # warm-up, as the list_page task does (first request of a session costs more queries)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def task_post() -> dict:
    _setup()
    from django.core.management import call_command

    from agora.core.models import User
    from agora.core.services import membership_grant, organisation_create
    from agora.ledger.services import entries_post, ledger_setup
    from agora.parties.services import party_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    organisation = organisation_create(actor=None, data={
        "slug": SLUG, "legal_name": "Banc d'essai SARL", "kind": "company", "legal_form": "SARL",
        "siren": "842319576", "siret": "84231957600018", "city": "Lyon"})
    user = User.objects.create_user(username=USERNAME, password="banc-d-essai-2026")
    for role in ("admin", "accounting"):
        membership_grant(actor=None, organisation=organisation, user=user, role=role)
    ledger_setup(actor=user, organisation=organisation, first_year=YEAR)
    for n in range(CUSTOMERS):
        party_create(actor=user, organisation=organisation,
                     data={"code": f"C{n:04d}", "name": f"Client {n:04d}", "is_customer": True})
    size = sizes()
    total, target = size["entries"], size["target_entries"]
    posting_s = target_s = cpu_s = target_cpu_s = 0.0
    small_queries = None
    profile = os.environ.get("BENCH_PROFILE")
    profiler = None
    for first in range(0, total, BATCH):
        batch = _entries(first, min(BATCH, total - first), total)
        if profile and first == BATCH:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        tick, cpu_tick = time.perf_counter(), time.process_time()
        entries_post(actor=user, organisation=organisation, entries=batch)
        spent = time.perf_counter() - tick
        cpu_s += time.process_time() - cpu_tick
        if first < target:
            target_cpu_s += time.process_time() - cpu_tick
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
            profiler = None
        posting_s += spent
        if first < target:
            target_s += spent
        if small_queries is None:
            small_queries = _list_queries(user, organisation)
    from django.db import connection

    if connection.vendor == "postgresql":  # what autovacuum does in production after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "migrate_s": migrate_s, "entries": total, "lines": total * 3, "posting_s": posting_s,
        "rate": total / posting_s, "target_entries": target, "target_rate": target / target_s,
        "cpu_s": cpu_s, "target_cpu_rate": target / target_cpu_s,
        "list_queries_small": small_queries, "peak_rss_mb": peak_rss_mb(),
    }


def task_trial_balance() -> dict:
    _setup()
    from agora.core.money import round_money
    from agora.ledger.selectors import trial_balance

    organisation, fiscal_year, _ = _books()
    timings, balanced = [], {}
    for auxiliary in (None, None, None, "customer"):
        tick = time.perf_counter()
        report = trial_balance(organisation=organisation, fiscal_year=fiscal_year, auxiliary=auxiliary)
        timings.append(time.perf_counter() - tick)
        if auxiliary is None:
            totals = report.totals
            balanced = {"exact": report.balanced, "debit": str(totals.debit), "credit": str(totals.credit),
                        "to_the_cent": round_money(totals.debit) == round_money(totals.credit)}
    return {"general_s": timings[:3], "customers_s": timings[3], "rows_customers": len(report.rows),
            "balanced": balanced, "peak_rss_mb": peak_rss_mb()}


def _stream_to_file(chunks) -> tuple[int, int]:
    count = size = 0
    with tempfile.TemporaryFile() as handle:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            handle.write(data)
            count += data.count(b"\n")
            size += len(data)
    return count, size


def task_general_ledger() -> dict:
    """The general ledger CSV through the response the screen sends (csv_text_response: blocks of 1,000 lines)."""
    _setup()
    from agora.core.exports import csv_text_response
    from agora.ledger.exports import general_ledger_csv

    organisation, fiscal_year, _ = _books()
    baseline = rss_now_mb()
    tick, cpu_tick = time.perf_counter(), time.process_time()
    response = csv_text_response("grand-livre.csv", general_ledger_csv(organisation=organisation,
                                                                      fiscal_year=fiscal_year))
    count, size = _stream_to_file(response.streaming_content)
    return {"seconds": time.perf_counter() - tick, "cpu_s": time.process_time() - cpu_tick, "csv_lines": count,
            "bytes": size, "baseline_rss_mb": baseline, "peak_rss_mb": peak_rss_mb()}


def task_fec() -> dict:
    _setup()
    from agora.ledger.fec import fec_iter

    organisation, fiscal_year, _ = _books()
    baseline = rss_now_mb()
    tick, cpu_tick = time.perf_counter(), time.process_time()
    count, size = _stream_to_file(fec_iter(organisation, fiscal_year))
    return {"seconds": time.perf_counter() - tick, "cpu_s": time.process_time() - cpu_tick, "fec_lines": count,
            "bytes": size, "baseline_rss_mb": baseline, "peak_rss_mb": peak_rss_mb()}


def task_list_page() -> dict:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    organisation, _, user = _books()
    client = Client()
    client.force_login(user)
    url = reverse("ledger:entries", kwargs={"org": organisation.slug})
    results = {"url": url}
    for name, query in (("first_page", ""), ("page_100", "?page=100"), ("search", "?q=FA0001234")):
        client.get(url + query)  # warm-up (connection, templates)
        timings, cpu = [], []
        for _ in range(5):
            tick, cpu_tick = time.perf_counter(), time.process_time()
            response = client.get(url + query)
            timings.append(time.perf_counter() - tick)
            cpu.append(time.process_time() - cpu_tick)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get(url + query)
        results[name] = {"median_s": statistics.median(timings), "max_s": max(timings),
                         "cpu_median_s": statistics.median(cpu), "queries": len(captured.captured_queries)}
        if name == "first_page":
            results["slowest_queries"] = sorted(
                ({"ms": float(q["time"]) * 1000, "sql": q["sql"][:300]} for q in captured.captured_queries),
                key=lambda q: -q["ms"])[:3]
    results["peak_rss_mb"] = peak_rss_mb()
    return results


TASKS = {"post": task_post, "trial_balance": task_trial_balance, "general_ledger": task_general_ledger,
         "fec": task_fec, "list_page": task_list_page}

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    print(json.dumps(TASKS[sys.argv[1]](), default=str))
