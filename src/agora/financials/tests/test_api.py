"""The statements, analysis, cash statement and checklist through the JSON API: figures, PDF, French errors,
permissions, overrides."""

import json

import pytest
from django.test import Client

from agora.catalog.services import vat_categories_setup
from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.stock.tests.builders import make_item

from ..models import ChecklistOverride
from .builders import make_year

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand/financials"


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")


def test_statements_analysis_and_cash_statement():
    """The figures of `make_year` (see test_statements): assets 23,870, result 2,520, CAF 2,820, net cash
    15,270; the cash statement by quarter ends at 15,270."""
    organisation, accountant = make_year()
    api = api_client(accountant)
    body = api.get(f"{BASE}/statements", {"fiscal_year": "2026"}).json()
    assert (body["total_assets"], body["total_liabilities"], body["balanced"]) == ("23870.00", "23870.00", True)
    assert {r["key"]: r["amount"] for r in body["results"]}["result"] == "2520.00"
    assert body["previous_year"] is None and body["contributions_in_kind"] is None
    body = api.get(f"{BASE}/analysis").json()
    assert (body["caf"], body["caf_agrees"]) == ("2820.00", True)
    assert body["financial_balance"]["net_cash"] == body["financial_balance"]["cash_accounts"] == "15270.00"
    assert {r["key"]: r["value"] for r in body["ratios"]}["customer_days"] == "120.0"
    body = api.get(f"{BASE}/cash-statement", {"period": "quarter"}).json()
    assert [p["closing"] for p in body["periods"]] == ["16000.00", "14620.00", "15270.00", "15270.00"]
    assert body["periods"][1]["receipts"]["customers"] == "7200.00" and body["reconciled"]
    for path in ("statements.pdf", "analysis.pdf", "cash-statement.pdf"):
        response = api.get(f"{BASE}/{path}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), path


def test_bad_input_is_refused_in_french():
    organisation, accountant = make_books()
    api = api_client(accountant)
    response = api.get(f"{BASE}/statements", {"fiscal_year": "1999"})
    assert response.status_code == 422
    assert response.json() == {"code": "unknown_fiscal_year", "message": "Exercice inconnu : « 1999 ».",
                               "field": "fiscal_year"}
    response = api.get(f"{BASE}/cash-statement", {"period": "week"})
    assert (response.status_code, response.json()["field"]) == (422, "period")


def test_checklist_and_overrides():
    organisation, accountant = make_books()
    vat_categories_setup(organisation=organisation)
    make_item(organisation, "ART1")
    manager = grant(make_user("gerant"), organisation, "management")
    seller = grant(make_user("vendeur"), organisation, "sales")
    api, boss = api_client(accountant), api_client(manager)
    assert api_client(seller).get(f"{BASE}/checklist").status_code == 403
    body = boss.get(f"{BASE}/checklist").json()
    assert body["blocking"] == 1
    assert {i["item"]: i["status"] for i in body["items"]}["stock"] == "not_met"
    payload = {"fiscal_year": "2026", "item": "stock", "reason": "Inventaire tournant fait sur papier."}
    response = boss.post(f"{BASE}/checklist/overrides", json.dumps(payload), content_type="application/json")
    assert response.status_code == 403 and not ChecklistOverride.objects.exists()
    response = api.post(f"{BASE}/checklist/overrides", json.dumps({**payload, "reason": ""}),
                        content_type="application/json")
    assert (response.status_code, response.json()["field"]) == (422, "reason")
    response = api.post(f"{BASE}/checklist/overrides", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    override = response.json()
    assert (override["item"], override["created_by"]) == ("stock", "compta-durand")
    body = api.get(f"{BASE}/checklist").json()
    assert body["blocking"] == 0
    assert {i["item"]: i["override"] for i in body["items"]}["stock"]["reason"] == payload["reason"]
    assert boss.delete(f"{BASE}/checklist/overrides/{override['id']}").status_code == 403
    assert api.delete(f"{BASE}/checklist/overrides/{override['id']}").json() == {"deleted": True}
    assert api.delete(f"{BASE}/checklist/overrides/{override['id']}").status_code == 404
