"""`make bench`: the performance figures of the issue (§7), printed with their targets — not tests.

Runs every benchmark on SQLite (a temporary file database) and then on PostgreSQL (a fresh database
`agora_bench`, created and dropped, on BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/postgres).
Each measurement runs in its own process (bench/tasks.py) so its peak memory is its own. Process CPU time is
printed beside wall time: on a machine shared with other work the wall time mostly measures the queue for the
CPU (on PostgreSQL the server's own CPU is not in it).

    BENCH_SCALE=0.05 .venv/bin/python bench/run.py            # quick run, 5 % of the sizes
    .venv/bin/python bench/run.py --backend sqlite            # one backend only
    BENCH_PROFILE=/tmp/post.prof .venv/bin/python bench/run.py --backend sqlite   # cProfile one posting batch
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import postgres_admin, print_table, verdict

HERE = Path(__file__).resolve().parent
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "agora_bench"


def run_task(task: str, database_url: str) -> dict:
    env = {**os.environ, "AGORA_DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "agora.config.settings.test"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / "tasks.py"), task], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise RuntimeError(f"bench task {task} failed ({database_url})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    print(f"  {task:<15} done in {result['wall_s']:.1f} s", flush=True)
    return result


def run_backend(database_url: str) -> dict:
    results = {}
    for task in ("post", "trial_balance", "general_ledger", "fec", "list_page"):
        results[task] = run_task(task, database_url)
    return results


def postgres_url(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{database}"))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rows_for(backend: str, r: dict) -> list[tuple]:
    post, tb, gl, fec, page = r["post"], r["trial_balance"], r["general_ledger"], r["fec"], r["list_page"]
    lines = post["lines"]
    tb_worst = max(tb["general_s"])
    # The issue sets the posting rate for SQLite; on PostgreSQL it is a figure (the server's round trips).
    posting_target = "≥ 2,000 entries/s" if backend == "SQLite" else "(figure)"

    def posting(rate: float) -> str:
        return verdict(rate >= 2000) if backend == "SQLite" else ""

    out = [
        (backend, f"posting {post['target_entries']:,} entries × 3 lines (entries_post, batches of 1,000)",
         f"{post['target_rate']:,.0f} entries/s", posting_target, posting(post["target_rate"])),
        (backend, "  same, on the process's CPU time (≈ quiet machine; not the PostgreSQL server's)",
         f"{post['target_cpu_rate']:,.0f} entries/s", posting_target, posting(post["target_cpu_rate"])),
        (backend, f"posting all {post['entries']:,} entries ({lines:,} lines)",
         f"{post['rate']:,.0f} entries/s in {post['posting_s']:.0f} s", "(figure)", ""),
        (backend, f"trial balance over {lines:,} lines (3 runs, worst)",
         f"{tb_worst:.3f} s (runs {', '.join(f'{t:.3f}' for t in tb['general_s'])})", "< 1 s", verdict(tb_worst < 1)),
        (backend, "trial balance nets to zero (Σ debit = Σ credit, exactly)",
         f"{tb['balanced']['debit']} / {tb['balanced']['credit']}", "equal", verdict(tb["balanced"]["exact"])),
        (backend, "customer auxiliary trial balance", f"{tb['customers_s']:.3f} s", "< 1 s",
         verdict(tb["customers_s"] < 1)),
        (backend, f"general ledger CSV streamed ({gl['csv_lines']:,} rows, {gl['bytes'] / 1e6:.0f} MB)",
         f"{gl['seconds']:.1f} s (process CPU {gl['cpu_s']:.1f} s)", "< 10 s", verdict(gl["seconds"] < 10)),
        (backend, "general ledger peak memory (whole process)",
         f"{gl['peak_rss_mb']:.0f} MB (baseline {gl['baseline_rss_mb']:.0f} MB)", "< 300 MB",
         verdict(gl["peak_rss_mb"] < 300)),
        (backend, f"FEC streamed ({fec['fec_lines']:,} rows, {fec['bytes'] / 1e6:.0f} MB)",
         f"{fec['seconds']:.1f} s (process CPU {fec['cpu_s']:.1f} s)", "< 10 s", verdict(fec["seconds"] < 10)),
        (backend, "FEC peak memory (whole process)",
         f"{fec['peak_rss_mb']:.0f} MB (baseline {fec['baseline_rss_mb']:.0f} MB)", "< 300 MB",
         verdict(fec["peak_rss_mb"] < 300)),
    ]
    for name, label in (("first_page", "page 1"), ("page_100", "page 100"), ("search", "search ?q=")):
        figures = page[name]
        out.append((backend, f"entry list {label} ({page['url']}, median of 5)",
                    f"{figures['median_s'] * 1000:.0f} ms (max {figures['max_s'] * 1000:.0f}, "
                    f"process CPU {figures['cpu_median_s'] * 1000:.0f})", "< 200 ms",
                    verdict(figures["median_s"] < 0.2)))
    small, large = post["list_queries_small"], page["first_page"]["queries"]
    out.append((backend, "entry list queries: 3,000 lines vs all lines", f"{small} vs {large}", "constant",
                verdict(small == large)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    print(f"Agora benchmarks — BENCH_SCALE={scale} ({round(333_334 * scale):,} entries, "
          f"{round(333_334 * scale) * 3:,} lines); {os.cpu_count()} CPU; load average {load()}")
    table: list[tuple] = []
    all_results = {}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="agora-bench-") as directory:
            url = f"sqlite:///{directory}/bench.sqlite3"
            print(f"SQLite ({url})", flush=True)
            all_results["sqlite"] = run_backend(url)
            table += rows_for("SQLite", all_results["sqlite"])
    if args.backend in ("postgresql", "both"):
        base = os.environ.get("BENCH_POSTGRES", PG_DEFAULT)
        admin = postgres_admin(base)
        if admin is not None:
            url = postgres_url(base, PG_DATABASE)
            print(f"PostgreSQL ({url}, created for the run and dropped)", flush=True)
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
            try:
                all_results["postgresql"] = run_backend(url)
                table += rows_for("PostgreSQL", all_results["postgresql"])
            finally:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                admin.close()
        else:
            table.append(("PostgreSQL", "all benchmarks", "SKIPPED: PostgreSQL absent", "", ""))
    print_table(table)
    print(f"Load average at the end: {load()} (other processes skew the figures on a busy machine).")
    for backend, results in all_results.items():
        slow = results["list_page"].get("slowest_queries") or []
        if slow:
            print(f"{backend}: slowest queries of the entry list page 1:")
            for query in slow:
                print(f"  {query['ms']:8.1f} ms  {query['sql'][:160]}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(all_results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
