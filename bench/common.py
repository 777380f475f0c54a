"""What every benchmark script shares: the scale knob, the PostgreSQL admin connection, a timed page fetch and
the result table (backend, benchmark, measured, target, verdict). Scripts run as `python bench/<name>.py`, so
this module is imported as `common` (the script's folder is on the path)."""

import os
import statistics
import tempfile
import time
from pathlib import Path


def scale() -> float:
    """BENCH_SCALE=0.05 runs 5 % of the sizes (a quick check); 1.0 is the issue's size."""
    return float(os.environ.get("BENCH_SCALE", "1.0"))


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    rule = "  ".join("-" * w for w in widths)
    print()
    print("  ".join(str(h).ljust(w) for h, w in zip(("backend", "benchmark", "measured", "target", ""), widths,
                                                    strict=True)))
    print(rule)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(rule)


def postgres_admin(base: str):
    """An autocommit connection to create and drop the bench database, or None (said loudly) without PostgreSQL."""
    import psycopg

    try:
        return psycopg.connect(base, connect_timeout=3, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"!!! PostgreSQL does not answer at {base} ({exc.__class__.__name__}): PostgreSQL run SKIPPED !!!")
        return None


def timed_get(client, url: str, runs: int = 5) -> dict:
    """Median and worst wall time, median CPU time and query count of a page (after a warm-up request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: templates, session, menu caches
    timings, cpu = [], []
    for _ in range(runs):
        tick, tock = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append(time.perf_counter() - tick)
        cpu.append(time.process_time() - tock)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {"median_ms": statistics.median(timings) * 1000, "max_ms": max(timings) * 1000,
            "cpu_ms": statistics.median(cpu) * 1000, "queries": len(captured.captured_queries)}


def database_open():
    """Set Django up on AGORA_DATABASE_URL — or on a temporary SQLite file when none is given — and migrate.
    Returns the temporary file (None on a given database), for `database_close`."""
    temp = None
    if "AGORA_DATABASE_URL" not in os.environ:
        temp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        os.environ["AGORA_DATABASE_URL"] = f"sqlite:///{temp.name}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return temp


def database_close(temp) -> None:
    """Close the connection and delete the temporary SQLite file, if `database_open` made one."""
    if temp is not None:
        from django.db import connection

        connection.close()
        Path(temp.name).unlink(missing_ok=True)


def post_year(*, slug: str, name: str, year: int, entry, lines: int, customers: int = 200,
              suppliers: int = 100, batch: int = 1_000):
    """An organisation with books for `year`, customers C0000… and suppliers F0000…, and `lines` × scale()
    posted lines of three-line entries `entry(i, total)` through `entries_post` (batches of `batch`), analysed on
    PostgreSQL as autovacuum would. Returns (organisation, number of entries, seconds it took)."""
    from django.db import connection

    from agora.core.tests.builders import make_organisation
    from agora.ledger.services import entries_post, ledger_setup
    from agora.parties.models import Party

    started = time.perf_counter()
    organisation = make_organisation(slug=slug, legal_name=name)
    ledger_setup(actor=None, organisation=organisation, first_year=year)
    Party.objects.bulk_create(
        [Party(organisation=organisation, code=f"C{n:04d}", name=f"Client {n}", is_customer=True)
         for n in range(customers)]
        + [Party(organisation=organisation, code=f"F{n:04d}", name=f"Fournisseur {n}", is_supplier=True)
           for n in range(suppliers)])
    total = max(batch, round(lines * scale() / 3))
    for first in range(0, total, batch):
        entries_post(actor=None, organisation=organisation,
                     entries=[entry(i, total) for i in range(first, min(first + batch, total))])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return organisation, total, time.perf_counter() - started


PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/"


def _run_task(script: str, database_url: str) -> dict:
    """Run `script --task` in its own process on `database_url` (its peak memory is its own); its last output
    line is the JSON of its figures."""
    import json
    import subprocess
    import sys

    env = {**os.environ, "AGORA_DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "agora.config.settings.test",
           "PYTHONPATH": str(Path(script).resolve().parent.parent / "src")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, script, "--task"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-6000:])
        raise RuntimeError(f"{Path(script).name} --task failed on {database_url}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return result


def bench_main(*, script: str, title: str, doc: str, task, rows_for) -> int:
    """The command line of a benchmark run per backend in a child process: `--backend sqlite|postgresql|both`
    (a temporary SQLite file; a PostgreSQL database agora_bench_<script> on BENCH_POSTGRES, created and dropped),
    `--task` (the child: prints the figures of `task()` as JSON). Prints the table of `rows_for(backend, figures)`;
    BENCH_JSON=path also writes the figures. Exits 0 either way: a missed target reads FAIL in the table, and
    `make bench` goes on to the next script."""
    import argparse
    import json
    from urllib.parse import urlsplit, urlunsplit

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--task", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        print(json.dumps(task(), default=str))
        return 0
    name = Path(script).stem
    loads = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{title} — BENCH_SCALE={scale()}; {os.cpu_count()} CPU; load average {loads}")
    table: list[tuple] = []
    results = {}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix=f"agora-bench-{name}-") as directory:
            url = f"sqlite:///{directory}/bench.sqlite3"
            print(f"SQLite ({url})", flush=True)
            results["sqlite"] = _run_task(script, url)
            table += rows_for("SQLite", results["sqlite"])
    if args.backend in ("postgresql", "both"):
        base = os.environ.get("BENCH_POSTGRES", PG_DEFAULT)
        admin = postgres_admin(base)
        if admin is None:
            table.append(("PostgreSQL", f"all {name} benchmarks", "SKIPPED: PostgreSQL absent", "", ""))
        else:
            database = f"agora_bench_{name}"
            url = urlunsplit(urlsplit(base)._replace(path=f"/{database}"))
            print(f"PostgreSQL ({url}, created for the run and dropped)", flush=True)
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {database}")
            try:
                results["postgresql"] = _run_task(script, url)
                table += rows_for("PostgreSQL", results["postgresql"])
            finally:
                admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
                admin.close()
    print_table(table)
    print(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other processes skew wall "
          "times on a busy machine; the CPU figures do not).")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(results, indent=2, default=str))
    return 0
