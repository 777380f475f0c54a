"""Parallel exits of the same item on PostgreSQL: 4 OS processes try 30 exits of one unit each on an item holding
100 units. The item row lock serialises them: exactly 100 succeed, 20 are refused (insufficient stock), the
stock ends at 0 and no running balance ever goes below zero."""

import multiprocessing
import os
import traceback

import pytest

SETTINGS = "agora.config.settings.test"
PROCESSES, PER_PROCESS, STOCK = 4, 30, 100


def _worker(database_name: str, username: str, product_id: int, barrier, results) -> None:
    done, refused = 0, 0
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = database_name
        import django

        django.setup()
        from datetime import date
        from decimal import Decimal

        from django.db import connection

        from agora.core.errors import BusinessError
        from agora.core.models import User
        from agora.stock.services.moves import MoveInput, stock_moves_record

        user = User.objects.get(username=username)
        organisation = user.memberships.first().organisation
        connection.ensure_connection()
        barrier.wait(timeout=120)
        for _ in range(PER_PROCESS):
            try:
                stock_moves_record(actor=user, organisation=organisation, moves=[MoveInput(
                    product_id=product_id, quantity=Decimal(1), kind="delivery", date=date(2026, 3, 2))])
                done += 1
            except BusinessError as error:
                assert error.code == "insufficient_stock", error.code
                refused += 1
        connection.close()
        results.put((done, refused, ""))
    except BaseException:  # noqa: BLE001 - every failure goes back to the test
        results.put((done, refused, traceback.format_exc()))


@pytest.mark.postgres
def test_parallel_exits_never_drive_stock_below_zero(flushable_db):
    from datetime import date
    from decimal import Decimal

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL): SQLite serialises writers by design")
    from agora.stock.models import StockMove

    from .builders import make_item, make_stock_books, receive

    organisation, actor = make_stock_books(slug="concurrence-stock")
    item = make_item(organisation, "RARE")
    receive(organisation, actor, item, STOCK, "3.00", date(2026, 3, 1))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(connection.settings_dict["NAME"], actor.username,
                                                      item.product_id, barrier, results))
                for _ in range(PROCESSES)]
    for child in children:
        child.start()
    collected = [results.get(timeout=600) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [error for _, _, error in collected if error] == []
    assert sum(done for done, _, _ in collected) == STOCK
    assert sum(refused for _, refused, _ in collected) == PROCESSES * PER_PROCESS - STOCK
    item.refresh_from_db()
    assert (item.quantity, item.value) == (Decimal("0.000"), Decimal("0.00"))
    balances = list(StockMove.objects.filter(item=item, kind="delivery").order_by("id")
                    .values_list("quantity_after", flat=True))
    assert balances == [Decimal(n) for n in range(STOCK - 1, -1, -1)]
