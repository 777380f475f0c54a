"""Gapless numbering under real concurrency: several OS processes post into one journal at the same time.

The workers are spawned processes (fresh interpreters), each calling django.setup() against the same
database as the test. Django is imported lazily in this module so that a child can unpickle the worker
function before its settings are configured.
"""

import multiprocessing
import os
import tempfile
import time
import traceback
from pathlib import Path

import pytest

SETTINGS = "agora.config.settings.test"
JOURNAL = "OD"


def _django(database_name: str) -> None:
    """Point this (child) process at the test database, then set Django up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    import django

    django.setup()


def _chunks(count: int, sizes: tuple[int, ...]) -> list[range]:
    """Split 0..count-1 into consecutive transactions whose sizes cycle through `sizes`."""
    out, start, i = [], 0, 0
    while start < count:
        size = sizes[i % len(sizes)]
        out.append(range(start, min(start + size, count)))
        start, i = start + size, i + 1
    return out


def _worker(database_name: str, slug: str, username: str, worker: int, count: int, sizes: tuple[int, ...],
            barrier, results) -> None:
    """Post `count` entries in transactions of `sizes` entries (cycling); report (worker, numbers, error).

    A transaction of one entry goes through entry_post_new, larger ones through entries_post.
    """
    numbers: list[int] = []
    try:
        _django(database_name)
        from datetime import date
        from decimal import Decimal

        from django.db import connection

        from agora.core.models import Organisation, User
        from agora.ledger.domain import EntryInput, LineInput
        from agora.ledger.services import entries_post, entry_post_new

        organisation = Organisation.objects.get(slug=slug)
        user = User.objects.get(username=username)
        connection.ensure_connection()
        barrier.wait(timeout=120)
        started = time.monotonic()
        for chunk in _chunks(count, sizes):
            inputs = [
                EntryInput(journal=JOURNAL, date=date(2026, 1 + n % 12, 1 + n % 28),
                           label=f"Processus {worker} écriture {n}", lines=[
                               LineInput("627", Decimal(f"{worker}.{n % 100:02d}") + 1, Decimal("0.00")),
                               LineInput("5121", Decimal("0.00"), Decimal(f"{worker}.{n % 100:02d}") + 1)])
                for n in chunk
            ]
            if len(inputs) == 1:
                numbers.append(entry_post_new(actor=user, organisation=organisation, data=inputs[0]).number)
            else:
                numbers.extend(e.number for e in entries_post(actor=user, organisation=organisation,
                                                              entries=inputs))
        elapsed = time.monotonic() - started
        connection.close()
        results.put((worker, numbers, "", elapsed))
    except BaseException:  # noqa: BLE001 — any failure, deadlock included, is reported to the test
        results.put((worker, numbers, traceback.format_exc(), 0.0))


def _run_workers(database_name: str, slug: str, username: str, *, processes: int, count: int,
                 sizes: tuple[int, ...]) -> list[tuple]:
    """Start the workers together (barrier) and collect one result per worker."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(database_name, slug, username, worker, count, sizes,
                                                      barrier, results))
                for worker in range(1, processes + 1)]
    for child in children:
        child.start()
    collected = [results.get(timeout=240) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [child.exitcode for child in children] == [0] * processes
    return sorted(collected)


def _assert_gapless(collected: list[tuple], *, processes: int, count: int, organisation) -> None:
    from agora.core.models import Counter
    from agora.ledger.integrity import verify_books
    from agora.ledger.models import Entry, EntryLine

    errors = [f"processus {worker} :\n{error}" for worker, _, error, _ in collected if error]
    assert errors == []
    total = processes * count
    reported = [number for _, numbers, _, _ in collected for number in numbers]
    assert len(reported) == total and sorted(reported) == list(range(1, total + 1))
    stored = list(Entry.objects.filter(organisation=organisation, journal__code=JOURNAL)
                  .order_by("number").values_list("number", flat=True))
    assert stored == list(range(1, total + 1))  # exactly 1…n: no duplicate, no gap
    assert Entry.objects.filter(organisation=organisation, state=Entry.Status.POSTED).count() == total
    assert EntryLine.objects.filter(organisation=organisation, posted=True).count() == 2 * total
    counter = Counter.objects.get(organisation=organisation, series=f"entry:{JOURNAL}", fiscal_year="2026")
    assert counter.last_value == total
    # Each worker's own entries were numbered in the order it posted them.
    for _, numbers, _, _ in collected:
        assert numbers == sorted(numbers)
    assert verify_books(organisation) == []


def _assert_fast(collected: list[tuple], elapsed: float, *, processes: int, count: int) -> None:
    """The posting phase (barrier to last commit, measured in the workers) stays under a minute."""
    posting = max(seconds for _, _, _, seconds in collected)
    total = processes * count
    print(f"\n{processes} processus × {count} écritures : phase de saisie {posting:.1f} s "
          f"({total / posting:.0f} écritures/s), test complet {elapsed:.1f} s (démarrage des processus inclus)")
    assert posting < 60, f"{total} écritures en {posting:.1f} s"


@pytest.mark.postgres
def test_eight_processes_post_4000_entries_gapless_on_postgresql(flushable_db):
    from django.db import connection

    from .builders import make_books

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL)")
    organisation, accountant = make_books(slug="concurrence")
    processes, count = 8, 500
    started = time.monotonic()
    # Transactions of 1 then 19 entries, alternately: 400 transactions racing for the journal's counter row
    # (created by whichever commits first), 200 of them single entries through entry_post_new. One entry
    # per transaction for all 4 000 takes minutes on two cores: each posting call loads the whole chart.
    collected = _run_workers(connection.settings_dict["NAME"], organisation.slug, accountant.username,
                             processes=processes, count=count, sizes=(1, 19))
    _assert_gapless(collected, processes=processes, count=count, organisation=organisation)
    _assert_fast(collected, time.monotonic() - started, processes=processes, count=count)


# --- SQLite ------------------------------------------------------------------------------------------------
# pytest-django's SQLite test database lives in memory, invisible to other processes. The SQLite variant
# therefore builds its own file database in a temporary directory (migrated and seeded by a spawned
# process), lets the workers post into it, then checks it from another spawned process.


def _sqlite_prepare(path: str, slug: str, results) -> None:
    try:
        _django(path)
        from django.core.management import call_command

        from agora.ledger.tests.builders import make_books

        call_command("migrate", verbosity=0, interactive=False)
        organisation, accountant = make_books(slug=slug)
        results.put(("ok", accountant.username))
    except BaseException:  # noqa: BLE001
        results.put(("error", traceback.format_exc()))


def _sqlite_check(path: str, slug: str, collected: list, processes: int, count: int, results) -> None:
    try:
        _django(path)
        from django.db import connection

        from agora.core.models import Organisation

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        _assert_gapless(collected, processes=processes, count=count,
                        organisation=Organisation.objects.get(slug=slug))
        results.put(("ok", ""))
    except BaseException:  # noqa: BLE001
        results.put(("error", traceback.format_exc()))


def _in_child(target, *args) -> str:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=target, args=(*args, results))
    child.start()
    status, detail = results.get(timeout=180)
    child.join(timeout=60)
    assert status == "ok", detail
    return detail


def test_four_processes_post_400_entries_gapless_on_sqlite(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant: the suite runs on PostgreSQL (see the PostgreSQL test above)")
    from django.conf import settings

    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    processes, count, slug = 4, 100, "concurrence"
    with tempfile.TemporaryDirectory(prefix="agora-concurrency-") as directory:
        path = str(Path(directory) / "books.sqlite3")
        username = _in_child(_sqlite_prepare, path, slug)
        started = time.monotonic()
        # Transactions of 1 then 4 entries, alternately: 160 IMMEDIATE transactions queueing on the lock.
        collected = _run_workers(path, slug, username, processes=processes, count=count, sizes=(1, 4))
        elapsed = time.monotonic() - started
        _in_child(_sqlite_check, path, slug, collected, processes, count)
    _assert_fast(collected, elapsed, processes=processes, count=count)
