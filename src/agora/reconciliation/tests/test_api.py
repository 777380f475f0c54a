"""Reconciliation through the JSON API: proposals, accept, manual match (wrong sum → 422, nothing written),
unmatch, entry from a line with VAT, settlement of a supplier item, rules CRUD, the statement in JSON and PDF,
permissions (a manager reads but does not write; a sales user gets 403)."""

import json
from datetime import date

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import MatchingPart
from agora.reconciliation.models import Reconciliation, ReconciliationRule
from agora.treasury.tests.builders import make_supplier, supplier_invoice

from .builders import bank_entry, make_reconciliation_books, make_statement, statement_line

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand/reconciliation"


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


@pytest.fixture
def books():
    organisation, accountant, bank = make_reconciliation_books()
    supplier = make_supplier(organisation, "F001", "Bois & Cie")
    item = supplier_invoice(organisation, accountant, supplier, net="500.00", vat="100.00", due=date(2026, 3, 31),
                            reference="FF-88")
    cheque = bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567",
                        reference="1234567")
    statement = make_statement(bank, opening="1000.00", lines=[
        (date(2026, 3, 6), "-250.00", "CHEQUE 1234567"), (date(2026, 3, 20), "-600.00", "VIR BOIS ET CIE"),
        (date(2026, 3, 31), "-60.00", "PRLV ORANGE")])
    clients = {}
    users = {"accountant": accountant, "manager": grant(make_user("direction"), organisation, "management"),
             "sales": grant(make_user("vendeur"), organisation, "sales")}
    for name, user in users.items():
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")
    return bank, statement, {"cheque": cheque, "item": item}, clients


def test_proposals_accept_and_unmatch(books):
    bank, statement, found, clients = books
    api = clients["accountant"]
    proposals = send(api, "get", f"{BASE}/bank-accounts/{bank.pk}/proposals").json()
    cheque_line = statement_line(statement, "CHEQUE 1234567")
    assert {"statement_line": cheque_line.pk, "kind": "entry", "targets": [found["cheque"].pk],
            "reason": "reference", "reason_label": "référence", "score": 100,
            "description": "1234567 Chèque n° 1234567"} in proposals
    response = send(api, "post", f"{BASE}/proposals/accept", {"statement_line": cheque_line.pk, "kind": "entry",
                                                              "targets": [found["cheque"].pk], "reason": "reference"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["statement_lines"], body["entry_lines"]) == (
        "-250.00", [cheque_line.pk], [found["cheque"].pk])
    again = send(api, "post", f"{BASE}/proposals/accept", {"statement_line": cheque_line.pk, "kind": "entry",
                                                           "targets": [found["cheque"].pk]})
    assert again.status_code == 422 and again.json()["code"] == "already_reconciled"
    assert send(api, "delete", f"{BASE}/reconciliations/{body['id']}").json() == {"deleted": True}
    assert not Reconciliation.objects.exists()


def test_manual_match_wrong_sum_then_settle_supplier(books):
    bank, statement, found, clients = books
    api = clients["accountant"]
    supplier_line = statement_line(statement, "VIR BOIS ET CIE")
    response = send(api, "post", f"{BASE}/reconciliations", {"bank_account": bank.pk,
                                                             "statement_lines": [supplier_line.pk],
                                                             "entry_lines": [found["cheque"].pk]})
    assert response.status_code == 422 and response.json()["field"] == "entry_lines"
    assert not Reconciliation.objects.exists()
    response = send(api, "post", f"{BASE}/statement-lines/{supplier_line.pk}/settle",
                    {"side": "supplier", "items": [found["item"].pk]})
    assert response.status_code == 201, response.content
    assert MatchingPart.objects.filter(line=found["item"], matching__is_full=True).exists()


def test_entry_with_vat_and_rules_crud(books):
    bank, statement, _, clients = books
    api = clients["accountant"]
    phone = statement_line(statement, "PRLV ORANGE")
    bad = send(api, "post", f"{BASE}/statement-lines/{phone.pk}/entry", {"account": "626", "vat_rate": 20.0})
    assert bad.status_code == 422  # a JSON float loses cents: amounts travel as strings
    response = send(api, "post", f"{BASE}/statement-lines/{phone.pk}/entry", {"account": "626", "vat_rate": "20"})
    assert response.status_code == 201, response.content
    rule = send(api, "post", f"{BASE}/rules", {"name": "Téléphone", "label_contains": "ORANGE", "account": "626",
                                               "vat_rate": "20", "sign": "out"})
    assert rule.status_code == 201 and rule.json()["vat_rate"] == "20.00"
    rule_id = rule.json()["id"]
    duplicate = send(api, "post", f"{BASE}/rules", {"name": "Téléphone", "label_contains": "SFR", "account": "626"})
    assert duplicate.status_code == 422 and duplicate.json()["field"] == "name"
    changed = send(api, "put", f"{BASE}/rules/{rule_id}", {"name": "Téléphone", "label_contains": "ORANGE SA",
                                                           "account": "626", "priority": 5})
    assert changed.json()["priority"] == 5 and changed.json()["vat_rate"] is None
    assert [r["name"] for r in send(api, "get", f"{BASE}/rules").json()] == ["Téléphone"]
    assert send(api, "delete", f"{BASE}/rules/{rule_id}").status_code == 200
    assert not ReconciliationRule.objects.exists()


def test_statement_json_and_pdf(books):
    """Nothing reconciled yet. Per bank: opening 1 000,00 − 250,00 − 600,00 − 60,00 = 90,00; per books: the
    cheque, −250,00. Books side: − 250,00 − 600,00 − 60,00 (all three statement lines unbooked) → −1 160,00. Bank
    side: the cheque not on a statement yet (as far as the books know) − 250,00 → −160,00. The check fails by
    −1 000,00: the opening balance the books never received (no opening entry) — shown, not hidden."""
    bank, _, _, clients = books
    body = send(clients["manager"], "get", f"{BASE}/bank-accounts/{bank.pk}/statement?on=2026-03-31").json()
    assert (body["books_balance"], body["bank_balance"]) == ("-250.00", "90.00")
    assert (body["books_adjusted"], body["bank_adjusted"], body["difference"], body["balanced"]) == (
        "-1160.00", "-160.00", "-1000.00", False)
    pdf = clients["manager"].get(f"{BASE}/bank-accounts/{bank.pk}/statement.pdf?on=2026-03-31")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_permissions(books):
    bank, statement, found, clients = books
    assert send(clients["sales"], "get", f"{BASE}/bank-accounts/{bank.pk}/proposals").status_code == 403
    assert send(clients["manager"], "get", f"{BASE}/bank-accounts/{bank.pk}/proposals").status_code == 200
    line = statement_line(statement, "CHEQUE 1234567")
    response = send(clients["manager"], "post", f"{BASE}/proposals/accept",
                    {"statement_line": line.pk, "kind": "entry", "targets": [found["cheque"].pk]})
    assert response.status_code == 403
    assert send(clients["manager"], "post", f"{BASE}/bank-accounts/{bank.pk}/proposals/accept-all").status_code == 403
    assert not Reconciliation.objects.exists()
