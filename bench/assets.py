"""Benchmark: depreciation of 10,000 fixed assets — every schedule, then the year-end run posting (target < 5 s).

    .venv/bin/python bench/assets.py                        # SQLite, a temporary file database
    AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/agora_bench_assets .venv/bin/python \
        bench/assets.py                                     # PostgreSQL (the database must exist, empty)
    BENCH_SCALE=0.1 .venv/bin/python bench/assets.py        # 1,000 assets

The data: 10,000 assets on five class-2 accounts (2183, 2182, 2184, 205, 2154), bought from 2021 to 2026, a
quarter declining balance, the ones bought before 2026 taken over with their accumulated depreciation at
31/12/2025 — registered through `asset_create` for a sample, the rest inserted in bulk with the same values.
What is timed: the plan d'amortissement of every asset (the register's schedules), then `depreciation_run` for
2026 (annuities computed, the OD entries posted through `entries_post`, the annuities recorded). Prints its
figures, the target and ✓/✗, then one JSON line.
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

ASSETS = 10_000
TARGET_S = 5.0
ACCOUNTS = ["2183", "2182", "2184", "205", "2154"]


def build(organisation, count: int) -> None:
    """A sample through the service (which fills the 28xx accounts and the opening), the rest in bulk alike."""
    from agora.assets.models import FixedAsset
    from agora.assets.services.assets import asset_create
    from agora.ledger.models import Account

    for n, code in enumerate(ACCOUNTS):
        asset_create(actor=None, organisation=organisation, data={
            "label": f"Modèle {code}", "account_code": code, "cost": "1000", "acquisition_date": date(2026, 1, 5 + n),
            "life_years": 5})
    accounts = {a.code: a for a in Account.objects.filter(organisation=organisation)}
    rows = []
    for i in range(len(ACCOUNTS), count):
        code = ACCOUNTS[i % len(ACCOUNTS)]
        acquired = date(2021, 1, 1) + timedelta(days=(i * 7919) % 2150)
        declining = i % 4 == 0
        cost = Decimal(50_000 + (i * 104_729) % 5_000_000) / 100
        life = (3 + i % 8) * 12
        rows.append(FixedAsset(
            organisation=organisation, number=i + 1, label=f"Bien {i:05d}", account=accounts[code],
            depreciation_account=accounts["280" + code[2:] if code.startswith("20") else "28" + code[1:]],
            expense_account=accounts["6811"], acquisition_date=acquired, in_service_date=acquired,
            cost=cost, life_months=life, method="declining" if declining else "linear"))
    FixedAsset.objects.bulk_create(rows, batch_size=2000)


def take_over(organisation) -> int:
    """Assets bought before 2026 carry their plan's accumulated depreciation at 31/12/2025 (as the service sets)."""
    from agora.assets.models import FixedAsset
    from agora.assets.selectors.assets import asset_schedule, year_calendar

    opening_date = date(2025, 12, 31)
    assets = list(FixedAsset.objects.filter(organisation=organisation, acquisition_date__lte=opening_date))
    years = year_calendar(organisation, date(2021, 1, 1), date(2040, 12, 31))
    for asset in assets:
        prior = [row for row in asset_schedule(asset, years=years) if row.end <= opening_date]
        asset.opening_date = opening_date
        asset.opening_depreciation = prior[-1].accumulated if prior else Decimal("0")
    FixedAsset.objects.bulk_update(assets, ["opening_date", "opening_depreciation"], batch_size=2000)
    return len(assets)


def main() -> dict:
    temp = database_open()
    from django.db import connection, transaction

    from agora.assets.models import Annuity, FixedAsset
    from agora.assets.selectors.assets import asset_schedule, year_calendar
    from agora.assets.services.depreciation import depreciation_run
    from agora.core.tests.builders import make_organisation
    from agora.ledger.models import EntryLine
    from agora.ledger.services import ledger_setup

    count = round(ASSETS * scale())
    started = time.perf_counter()
    organisation = make_organisation(slug="bench-immobilisations", legal_name="Bench Immobilisations SARL")
    fiscal_year = ledger_setup(actor=None, organisation=organisation, first_year=2026)
    with transaction.atomic():
        build(organisation, count)
        taken_over = take_over(organisation)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    assets = list(FixedAsset.objects.filter(organisation=organisation).select_related("organisation"))
    years = year_calendar(organisation, date(2021, 1, 1), date(2040, 12, 31))
    rows = sum(len(asset_schedule(asset, years=years)) for asset in assets)
    schedules_s = time.perf_counter() - started
    run = depreciation_run(actor=None, organisation=organisation, fiscal_year=fiscal_year)
    total_s, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    run_s = total_s - schedules_s
    lines = EntryLine.objects.filter(organisation=organisation, fiscal_year=fiscal_year).count()
    ok = total_s < TARGET_S
    result = {
        "backend": connection.vendor, "assets": count, "taken_over": taken_over, "schedule_rows": rows,
        "annuities_posted": Annuity.objects.filter(run=run).count(), "entry_lines": lines, "total": str(run.total),
        "build_s": round(built_s, 1), "schedules_s": round(schedules_s, 3), "run_s": round(run_s, 3),
        "total_s": round(total_s, 3), "total_cpu_s": round(total_cpu, 3), "target_s": TARGET_S, "ok": ok,
    }
    print(f"Depreciation of {count:,} assets ({connection.vendor}): {total_s:.2f} s (target < {TARGET_S:.0f} s) "
          f"{'✓' if ok else '✗'} — schedules {schedules_s:.2f} s ({rows:,} rows), year-end run {run_s:.2f} s "
          f"({result['annuities_posted']:,} annuities, {lines:,} entry lines, {run.total} €); process CPU "
          f"{total_cpu:.2f} s; data built in {built_s:.0f} s", file=sys.stderr)
    database_close(temp)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
