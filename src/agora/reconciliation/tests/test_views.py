"""Reconciliation screens: every page answers for an accountant, the workbench accepts a proposal, matches by
hand (wrong sum refused), creates an entry with a saved rule, undoes; the statement shows the check and its PDF;
a sales user (no banking right) gets 403 and a manager may read but not write."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.tests.builders import grant, make_user
from agora.ledger.models import EntryLine
from agora.reconciliation.models import Reconciliation, ReconciliationRule
from agora.reconciliation.services.reconcile import reconciliation_create
from agora.reconciliation.services.rules import rule_create

from .builders import bank_entry, make_reconciliation_books, make_statement, statement_line

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"reconciliation:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client):
    organisation, accountant, bank = make_reconciliation_books()
    cheque = bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567",
                        reference="1234567")
    rent = bank_entry(organisation, accountant, bank, date(2026, 3, 5), "-75.00", "Loyer parking")
    storage = bank_entry(organisation, accountant, bank, date(2026, 3, 5), "-25.00", "Garde-meuble")
    statement = make_statement(bank, lines=[
        (date(2026, 3, 6), "-250.00", "CHEQUE 1234567"), (date(2026, 3, 9), "-100.00", "PRLV GROUPE"),
        (date(2026, 3, 31), "-9.90", "FRAIS TENUE DE COMPTE")])
    client.force_login(accountant)
    return organisation, accountant, bank, statement, {"cheque": cheque, "rent": rent, "storage": storage}


def test_every_screen_answers(books, client):
    organisation, accountant, bank, statement, _ = books
    rule = rule_create(actor=accountant, organisation=organisation, data={
        "name": "Frais", "label_contains": "FRAIS", "account": "627"})
    fees = statement_line(statement, "FRAIS TENUE DE COMPTE")
    for target in (url("workbench"), url("rules"), url("rule_new"), url("rule_edit", pk=rule.pk), url("statement"),
                   url("line_entry", pk=fees.pk), f"{url('statement')}?account={bank.pk}&on=2026-03-31"):
        assert client.get(target).status_code == 200, target
    page = client.get(url("workbench")).content.decode()
    assert "CHEQUE 1234567" in page and "référence" in page and "Accepter" in page


def test_accept_then_undo(books, client):
    _, _, bank, statement, found = books
    line = statement_line(statement, "CHEQUE 1234567")
    response = client.post(url("accept"), {"account": bank.pk,
                                           "proposal": f"{line.pk}|entry|{found['cheque'].pk}|reference"})
    assert response.status_code == 302
    group = Reconciliation.objects.get()
    assert group.reason == "reference"
    assert client.post(url("unmatch", pk=group.pk)).status_code == 302
    assert not Reconciliation.objects.exists()


def test_manual_match_with_running_sum_and_refusal(books, client):
    """−100,00 on the statement = −75,00 + −25,00 in the books; with the rent alone the sum is wrong."""
    _, _, bank, statement, found = books
    line = statement_line(statement, "PRLV GROUPE")
    response = client.post(url("match"), {"account": bank.pk, "statement_lines": [line.pk],
                                          "entry_lines": [found["rent"].pk]}, follow=True)
    assert "Les montants ne sont pas égaux" in response.content.decode()
    assert not Reconciliation.objects.exists()
    client.post(url("match"), {"account": bank.pk, "statement_lines": [line.pk],
                               "entry_lines": [found["rent"].pk, found["storage"].pk]})
    assert Reconciliation.objects.get().entry_links.count() == 2


def test_create_entry_and_save_rule(books, client):
    _, _, bank, statement, _ = books
    fees = statement_line(statement, "FRAIS TENUE DE COMPTE")
    response = client.post(url("line_entry", pk=fees.pk), {"account": "999", "label": ""})
    assert response.status_code == 422 and "Compte inconnu" in response.content.decode()
    response = client.post(url("line_entry", pk=fees.pk), {"account": "627", "save_rule": "on",
                                                           "label_contains": "FRAIS"})
    assert response.status_code == 422 and "Donnez un nom à la règle" in response.content.decode()
    assert not ReconciliationRule.objects.exists() and not Reconciliation.objects.exists()
    response = client.post(url("line_entry", pk=fees.pk), {
        "account": "627", "label": "Frais bancaires", "save_rule": "on", "rule_name": "Frais bancaires",
        "label_contains": "FRAIS TENUE"})
    assert response.status_code == 302
    rule = ReconciliationRule.objects.get()
    assert (rule.account.code, rule.sign, rule.bank_account_id) == ("627", "out", bank.pk)
    assert Reconciliation.objects.get().reason == "rule"


def test_statement_page_and_pdf(books, client):
    _, _, bank, _, _ = books
    page = client.get(f"{url('statement')}?account={bank.pk}&on=2026-03-31").content.decode()
    assert "Solde comptable rectifié" in page and "Les deux soldes rectifiés sont égaux" in page
    response = client.get(f"{url('statement')}?account={bank.pk}&on=2026-03-31&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_adjustments_posted_from_rules(books, client):
    organisation, accountant, bank, _, _ = books
    client.post(url("rule_new"), {"name": "Frais bancaires", "label_contains": "frais tenue", "sign": "out",
                                  "account": "627", "priority": "10", "active": "on"})
    response = client.post(url("statement_adjust"), {"account": bank.pk, "on": "2026-03-31"}, follow=True)
    assert "1 écriture(s) passée(s) par règle" in response.content.decode()
    assert EntryLine.objects.filter(account__code="627", debit="9.90").exists()


def test_permissions(books, client):
    organisation, _, bank, statement, found = books
    seller = grant(make_user("vendeur"), organisation, "sales")
    client.force_login(seller)
    assert client.get(url("workbench")).status_code == 403
    assert client.get(url("statement")).status_code == 403
    manager = grant(make_user("direction"), organisation, "management")
    client.force_login(manager)
    assert client.get(url("workbench")).status_code == 200
    line = statement_line(statement, "CHEQUE 1234567")
    response = client.post(url("accept"), {"account": bank.pk,
                                           "proposal": f"{line.pk}|entry|{found['cheque'].pk}|reference"})
    assert response.status_code == 403
    assert client.get(url("rule_new")).status_code == 403
    assert not Reconciliation.objects.exists()


def test_workbench_queries_do_not_grow_with_the_lines(books, client):
    """No N+1: ten more statement lines, book lines and reconciliations cost no more queries."""
    organisation, accountant, bank, statement, found = books
    reconciliation_create(actor=accountant, bank_account=bank, statement_line_ids=[
        statement_line(statement, "CHEQUE 1234567").pk], entry_line_ids=[found["cheque"].pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("workbench")).status_code == 200
        return len(queries)

    count()  # the first request also loads the session and the permissions
    before = count()
    more = make_statement(bank, reference="R9", lines=[(date(2026, 3, 20), f"-{n}.00", f"DIVERS {n}")
                                                       for n in range(1, 11)])
    for n in range(1, 11):
        line = bank_entry(organisation, accountant, bank, date(2026, 3, 20), f"-{n}.00", f"Divers {n}")
        reconciliation_create(actor=accountant, bank_account=bank,
                              statement_line_ids=[statement_line(more, f"DIVERS {n}").pk], entry_line_ids=[line.pk])
        bank_entry(organisation, accountant, bank, date(2026, 3, 21), f"-{n}.50", f"Autre {n}")
    assert count() == before
