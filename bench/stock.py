"""Benchmark: the stock targets of issue §8, on SQLite then PostgreSQL, printed with their targets.

    .venv/bin/python bench/stock.py                    # both backends (PostgreSQL: database agora_bench_stock,
                                                       # created and dropped on BENCH_POSTGRES)
    .venv/bin/python bench/stock.py --backend sqlite   # one backend only
    BENCH_SCALE=0.1 .venv/bin/python bench/stock.py    # a tenth of the sizes

Measured:
- the stock card of one item with 100,000 × scale moves (recorded through `stock_moves_record` in batches, an
  entry every fifth move, FIFO and CUMP items): the full card read and written as CSV text (target < 1 s), and
  the first screen window;
- the valuation at a date of 10,000 × scale items with three moves each: every row and the totals per account
  (target < 2 s);
- recording speed of moves through the service, as a figure.
Items and products of the valuation set are bulk-inserted (their moves go through the service).
Each backend runs in its own process (`bench/stock.py --task`), which prints one JSON line.
"""

import statistics
import sys
import time

from common import bench_main, scale, verdict

CARD_MOVES, ITEMS, BATCH = 100_000, 10_000, 1000
TARGET_CARD_S, TARGET_VALUATION_S = 1.0, 2.0


def _timed(function, runs: int = 3) -> dict:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"seconds": statistics.median(walls), "cpu_seconds": statistics.median(cpus), "result": result}


def _card_moves(item, count: int):
    from datetime import date, timedelta
    from decimal import Decimal

    from agora.stock.services.moves import MoveInput

    start = date(2020, 1, 1)
    for n in range(count):
        day = start + timedelta(days=n // 60)  # 60 moves a day over some four and a half years
        if n % 5 == 0:  # 10 in, then 4 × 2.5 out: the stock turns over (FIFO keeps a few lots, as in real life)
            yield MoveInput(product_id=item.product_id, quantity=Decimal(10), kind="receipt", date=day,
                            unit_cost=Decimal("10.00") + Decimal(n % 97) / 100, label=f"Réception {n}")
        else:
            yield MoveInput(product_id=item.product_id, quantity=Decimal("2.5"), kind="delivery", date=day,
                            label=f"Livraison {n}")


def task() -> dict:
    import django

    django.setup()
    from datetime import date
    from decimal import Decimal
    from itertools import islice

    from django.core.management import call_command
    from django.db import connection

    from agora.catalog.models import Product, VatCategory
    from agora.stock.exports import card_csv_lines
    from agora.stock.models import StockItem
    from agora.stock.selectors.card import card_page_rows
    from agora.stock.selectors.valuation import valuation_moves, valuation_totals
    from agora.stock.services.items import default_location
    from agora.stock.services.moves import MoveInput, stock_moves_record
    from agora.stock.tests.builders import make_item, make_stock_books

    call_command("migrate", verbosity=0)
    result = {"backend": connection.vendor}
    organisation, actor = make_stock_books(slug="bench-stock", year=2026)

    # 1. the stock card ------------------------------------------------------------------------------------------
    moves = int(CARD_MOVES * scale())
    result["card"] = {"moves": moves}
    for method in ("wac_perpetual", "fifo"):
        item = make_item(organisation, f"CARTE-{method}".upper(), method=method)
        source = _card_moves(item, moves)
        wall, cpu = time.perf_counter(), time.process_time()
        while batch := list(islice(source, BATCH)):
            stock_moves_record(actor=actor, organisation=organisation, moves=batch)
        recorded = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}

        def full_card(item=item):
            return sum(len(line) for line in card_csv_lines(item=item))

        measured = _timed(full_card)
        window = _timed(lambda item=item: len(card_page_rows(item=item, limit=200)), runs=5)
        result["card"][method] = {"record_rate": moves / recorded["seconds"],
                                  "record_cpu_rate": moves / recorded["cpu_seconds"],
                                  "full_seconds": measured["seconds"], "full_cpu_seconds": measured["cpu_seconds"],
                                  "csv_bytes": measured["result"], "window_ms": window["seconds"] * 1000}

    # 2. valuation at a date -------------------------------------------------------------------------------------
    count = int(ITEMS * scale())
    vat = VatCategory.objects.get(organisation=organisation, code="TVA20")
    location = default_location(organisation)
    Product.objects.bulk_create([Product(organisation=organisation, reference=f"V{n:06d}", label=f"Article {n}",
                                         vat_category=vat) for n in range(count)], batch_size=2000)
    products = list(Product.objects.filter(organisation=organisation, reference__startswith="V")
                    .values_list("pk", flat=True))
    StockItem.objects.bulk_create([StockItem(organisation=organisation, product_id=pk, stock_account="37",
                                             variation_account="6037", default_location=location)
                                   for pk in products], batch_size=2000)
    inputs = []
    for n, pk in enumerate(products):
        cost = Decimal(5) + Decimal(n % 50)
        inputs += [MoveInput(product_id=pk, quantity=Decimal(20), kind="receipt", date=date(2026, 1, 5),
                             unit_cost=cost),
                   MoveInput(product_id=pk, quantity=Decimal(10), kind="receipt", date=date(2026, 2, 5),
                             unit_cost=cost + 1),
                   MoveInput(product_id=pk, quantity=Decimal(7), kind="delivery", date=date(2026, 3, 5))]
    wall = time.perf_counter()
    for start in range(0, len(inputs), 3 * 300):
        stock_moves_record(actor=actor, organisation=organisation, moves=inputs[start:start + 900])
    result["valuation"] = {"items": count, "record_seconds": time.perf_counter() - wall}

    def valuation():
        rows = list(valuation_moves(organisation=organisation, day=date(2026, 2, 28))
                    .values_list("item_id", "quantity_after", "value_after"))
        totals = valuation_totals(organisation=organisation, day=date(2026, 2, 28))
        return len(rows), str(totals["value"])

    def valuation_objects():
        return sum(1 for _ in valuation_moves(organisation=organisation, day=date(2026, 2, 28))
                   .iterator(chunk_size=2000))

    measured = _timed(valuation)
    result["valuation"].update(seconds=measured["seconds"], cpu_seconds=measured["cpu_seconds"],
                               rows=measured["result"][0], total=measured["result"][1],
                               objects_seconds=_timed(valuation_objects)["seconds"])
    return result


# --- the orchestrating process -----------------------------------------------------------------------------------

def rows_for(backend: str, r: dict) -> list[tuple]:
    card, valuation = r["card"], r["valuation"]
    out = []
    for method in ("wac_perpetual", "fifo"):
        c = card[method]
        out += [
            (backend, f"stock card, {card['moves']:,} moves ({method}): full card as CSV",
             f"{c['full_seconds']:.2f} s (CPU {c['full_cpu_seconds']:.2f} s, {c['csv_bytes'] / 1e6:.1f} MB)",
             f"< {TARGET_CARD_S:.0f} s", verdict(c["full_seconds"] < TARGET_CARD_S)),
            (backend, "  first screen window (200 rows)", f"{c['window_ms']:.0f} ms", "(figure)", ""),
            (backend, "  recording through stock_moves_record, batches of 1,000",
             f"{c['record_rate']:,.0f} moves/s (CPU {c['record_cpu_rate']:,.0f}/s)", "(figure)", ""),
        ]
    out += [
        (backend, f"valuation at a date, {valuation['items']:,} items (rows + totals per account)",
         f"{valuation['seconds']:.2f} s (CPU {valuation['cpu_seconds']:.2f} s), total {valuation['total']}",
         f"< {TARGET_VALUATION_S:.0f} s", verdict(valuation["seconds"] < TARGET_VALUATION_S)),
        (backend, "  same rows as model objects with item and product (screen/CSV path)",
         f"{valuation['objects_seconds']:.2f} s", "(figure)", ""),
    ]
    return out


def main() -> int:
    return bench_main(script=__file__, title="Stock benchmarks", doc=__doc__, task=task, rows_for=rows_for)


if __name__ == "__main__":
    sys.exit(main())
