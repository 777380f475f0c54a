"""Gapless invoice numbers under real concurrency: 8 OS processes validate 250 invoices each on PostgreSQL.

Workers are spawned interpreters pointed at the test database (the pattern of ledger/tests/test_concurrency.py).
Each validation takes the "sales:invoice" counter row lock, numbers the invoice and posts its entry (which
takes the VT journal's counter) in one transaction: numbers must come out 1…2000, no gap, no duplicate.
"""

import multiprocessing
import os
import traceback

import pytest

SETTINGS = "agora.config.settings.test"
PROCESSES, PER_PROCESS = 8, 250


def _django(database_name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    import django

    django.setup()


def _worker(database_name: str, username: str, ids: list[int], barrier, results) -> None:
    numbers = []
    try:
        _django(database_name)
        from django.db import connection

        from agora.core.models import User
        from agora.sales.models import SalesDocument
        from agora.sales.services.documents import invoice_validate

        user = User.objects.get(username=username)
        connection.ensure_connection()
        barrier.wait(timeout=120)
        for pk in ids:
            invoice = invoice_validate(actor=user, invoice=SalesDocument.objects.get(pk=pk))
            numbers.append(invoice.sequence)
        connection.close()
        results.put((ids[0], numbers, ""))
    except BaseException:  # noqa: BLE001 - every failure, deadlocks included, goes back to the test
        results.put((ids[0] if ids else 0, numbers, traceback.format_exc()))


def _clone_drafts(template, count: int) -> list[int]:
    """`count` draft invoices identical to `template` (built by the service), written in bulk for speed."""
    from agora.sales.models import SalesDocument, SalesLine, SalesTax

    lines = list(template.lines.all())
    taxes = list(template.tax_rows.all())
    copies = []
    for _ in range(count):
        copy = SalesDocument.objects.get(pk=template.pk)
        copy.pk = None
        copies.append(copy)
    SalesDocument.objects.bulk_create(copies)
    new_lines, new_taxes = [], []
    for copy in copies:
        for line in lines:
            new_lines.append(SalesLine(**{f.attname: getattr(line, f.attname) for f in SalesLine._meta.concrete_fields
                                          if f.attname not in ("id", "document_id")}, document=copy))
        for tax in taxes:
            new_taxes.append(SalesTax(rate=tax.rate, base=tax.base, tax=tax.tax, mention=tax.mention, document=copy))
    SalesLine.objects.bulk_create(new_lines, batch_size=1000)
    SalesTax.objects.bulk_create(new_taxes, batch_size=1000)
    return [template.pk] + [c.pk for c in copies]


@pytest.mark.postgres
def test_eight_processes_validate_2000_invoices_gapless(flushable_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL): SQLite serialises writers by design")
    from agora.core.models import Counter
    from agora.ledger.integrity import verify_books
    from agora.ledger.models import Entry
    from agora.sales.models import SalesDocument

    from .builders import line, make_customer, make_invoice, make_products, make_sales_books

    organisation, seller = make_sales_books(slug="concurrence-ventes")
    customer = make_customer(organisation)
    goods, food, service = make_products(organisation)
    template = make_invoice(organisation, seller, customer, [line(goods, 2), line(food, 3), line(service, 1)])
    ids = _clone_drafts(template, PROCESSES * PER_PROCESS - 1)

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(connection.settings_dict["NAME"], seller.username,
                                                      ids[w * PER_PROCESS:(w + 1) * PER_PROCESS], barrier, results))
                for w in range(PROCESSES)]
    for child in children:
        child.start()
    collected = [results.get(timeout=600) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [error for _, _, error in collected if error] == []
    total = PROCESSES * PER_PROCESS
    reported = sorted(n for _, numbers, _ in collected for n in numbers)
    assert reported == list(range(1, total + 1))
    for _, numbers, _ in collected:
        assert numbers == sorted(numbers)
    stored = list(SalesDocument.objects.filter(organisation=organisation, kind="invoice", state="validated")
                  .order_by("sequence").values_list("number", flat=True))
    assert stored == [f"FA-2026-{n:05d}" for n in range(1, total + 1)]
    assert Counter.objects.get(organisation=organisation, series="sales:invoice", fiscal_year="2026").last_value \
        == total
    assert Entry.objects.filter(organisation=organisation, journal__code="VT").count() == total
    assert verify_books(organisation) == []
