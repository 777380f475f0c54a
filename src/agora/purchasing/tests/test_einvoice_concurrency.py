"""The same e-invoice dropped by four people at once on PostgreSQL (real processes): one draft, one supplier
created, the others refused in French — never a server error nor a duplicate."""

import multiprocessing
import os
import traceback

import pytest

SETTINGS = "agora.config.settings.test"
PROCESSES = 4


def _worker(database_name: str, username: str, barrier, results) -> None:
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = database_name
        import django

        django.setup()
        from django.db import connection

        from agora.core.errors import BusinessError
        from agora.core.models import Organisation, User
        from agora.purchasing.services.einvoice import einvoice_import
        from agora.purchasing.tests.einvoice_files import ubl

        user = User.objects.get(username=username)
        organisation = Organisation.objects.get(slug="durand")
        content = ubl()
        connection.ensure_connection()
        barrier.wait(timeout=120)
        try:
            document = einvoice_import(actor=user, organisation=organisation, filename="f.xml", content=content)
            outcome = f"imported {document.pk}"
        except BusinessError as error:
            outcome = error.code
        connection.close()
        results.put((outcome, ""))
    except BaseException:  # noqa: BLE001 - every failure goes back to the test
        results.put(("", traceback.format_exc()))


@pytest.mark.postgres
def test_four_simultaneous_imports_of_one_invoice(flushable_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL): SQLite serialises writers by design")
    from agora.parties.models import Party
    from agora.purchasing.models import PurchaseDocument
    from agora.purchasing.tests.builders import make_purchasing_books

    _organisation, buyer = make_purchasing_books()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(connection.settings_dict["NAME"], buyer.username, barrier,
                                                      results)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    collected = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [error for _, error in collected if error] == []
    outcomes = sorted(outcome for outcome, _ in collected)
    assert sum(o.startswith("imported") for o in outcomes) == 1, outcomes
    assert set(outcomes) - {outcomes[-1]} <= {"einvoice_conflict", "duplicate_supplier_reference"}
    assert PurchaseDocument.objects.count() == 1
    assert Party.objects.filter(siren="801234568").count() == 1
