"""Two payment runs holding the same invoice, executed at the same moment by two OS processes on PostgreSQL:
the invoice's 401 line is locked while a run checks and settles it, so one run pays it and the other stops,
naming it (nothing posted twice)."""

import multiprocessing
import os
import traceback
from datetime import date

import pytest

SETTINGS = "agora.config.settings.test"


def _worker(database_name: str, username: str, run_id: int, barrier, results) -> None:
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = database_name
        import django

        django.setup()
        from django.db import connection

        from agora.core.errors import BusinessError
        from agora.core.models import User
        from agora.treasury.models import PaymentRun
        from agora.treasury.services.runs import payment_run_execute

        user = User.objects.get(username=username)
        connection.ensure_connection()
        barrier.wait(timeout=120)
        try:
            payment_run_execute(actor=user, run=PaymentRun.objects.get(pk=run_id))
            outcome = "executed"
        except BusinessError as error:
            outcome = error.code
        connection.close()
        results.put((run_id, outcome, ""))
    except BaseException:  # noqa: BLE001 - every failure goes back to the test
        results.put((run_id, "", traceback.format_exc()))


@pytest.mark.postgres
def test_two_runs_paying_the_same_invoice_at_once(flushable_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL): SQLite serialises writers by design")
    from agora.ledger.models import Entry
    from agora.treasury.models import PaymentLine, PaymentRun
    from agora.treasury.services.runs import payment_run_approve, payment_run_propose

    from .builders import make_supplier, make_treasury_books, supplier_invoice

    organisation, accountant, manager = make_treasury_books(slug="concurrence-paiements")
    supplier = make_supplier(organisation, "F001", "Bois & Cie")
    supplier_invoice(organisation, accountant, supplier, net="1000.00", vat="200.00", due=date(2026, 3, 20),
                     reference="FF-A")
    first = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 3, 31))
    PaymentLine.objects.filter(run=first).update(selected=False)  # so the second run may take the item
    second = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 3, 31))
    PaymentLine.objects.filter(run=first).update(selected=True)  # both now hold it (as a race would)
    for run in (first, second):
        payment_run_approve(actor=manager, run=run)

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(connection.settings_dict["NAME"], accountant.username,
                                                      run.pk, barrier, results)) for run in (first, second)]
    for child in children:
        child.start()
    collected = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [error for _, _, error in collected if error] == []
    assert sorted(outcome for _, outcome, _ in collected) == ["executed", "item_paid_elsewhere"]
    assert PaymentRun.objects.filter(state="executed").count() == 1
    assert Entry.objects.filter(organisation=organisation, journal__code="BQ1").count() == 1
