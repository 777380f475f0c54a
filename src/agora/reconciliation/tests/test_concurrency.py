"""Two people accepting the same proposal at the same moment (two OS processes on PostgreSQL): the statement
line is locked before anything is checked or posted, so it is reconciled once and the second gets
"already_reconciled" — for a link with an existing 512 line as for a rule that posts an entry (never two)."""

import multiprocessing
import os
import traceback
from datetime import date

import pytest

SETTINGS = "agora.config.settings.test"


def _worker(database_name: str, username: str, line_id: int, kind: str, targets: list[int], barrier, results):
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = database_name
        import django

        django.setup()
        from django.db import connection

        from agora.banking.models import StatementLine
        from agora.core.errors import BusinessError
        from agora.core.models import User
        from agora.reconciliation.services.proposals import proposal_accept

        user = User.objects.get(username=username)
        line = StatementLine.objects.select_related("bank_account__account").get(pk=line_id)
        connection.ensure_connection()
        barrier.wait(timeout=120)
        try:
            proposal_accept(actor=user, statement_line=line, kind=kind, targets=targets)
            outcome = "accepted"
        except BusinessError as error:
            outcome = error.code
        connection.close()
        results.put((outcome, ""))
    except BaseException:  # noqa: BLE001 - every failure goes back to the test
        results.put(("", traceback.format_exc()))


def _race(connection, accountant, line_id: int, kind: str, targets: list[int]) -> list[str]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    children = [context.Process(target=_worker, args=(connection.settings_dict["NAME"], accountant.username, line_id,
                                                      kind, targets, barrier, results)) for _ in range(2)]
    for child in children:
        child.start()
    collected = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert [error for _, error in collected if error] == []
    return sorted(outcome for outcome, _ in collected)


@pytest.mark.postgres
def test_two_accepts_of_the_same_proposal_reconcile_once(flushable_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set AGORA_DATABASE_URL): SQLite serialises writers by design")
    from agora.ledger.models import EntryLine
    from agora.reconciliation.models import Reconciliation
    from agora.reconciliation.services.rules import rule_create

    from .builders import bank_entry, make_reconciliation_books, make_statement, statement_line

    organisation, accountant, bank = make_reconciliation_books(slug="concurrence-rapprochement")
    cheque = bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567",
                        reference="1234567")
    statement = make_statement(bank, lines=[(date(2026, 3, 6), "-250.00", "CHEQUE 1234567"),
                                            (date(2026, 3, 31), "-9.90", "FRAIS TENUE DE COMPTE")])
    rule = rule_create(actor=accountant, organisation=organisation, data={
        "name": "Frais bancaires", "label_contains": "FRAIS TENUE", "account": "627"})

    assert _race(connection, accountant, statement_line(statement, "CHEQUE 1234567").pk, "entry",
                 [cheque.pk]) == ["accepted", "already_reconciled"]
    assert _race(connection, accountant, statement_line(statement, "FRAIS TENUE DE COMPTE").pk, "rule",
                 [rule.pk]) == ["accepted", "already_reconciled"]
    assert Reconciliation.objects.filter(organisation=organisation).count() == 2
    assert EntryLine.objects.filter(organisation=organisation, account__code="627").count() == 1
