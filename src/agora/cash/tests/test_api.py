"""The cash app through the JSON API: registers, movements (negative cash → 422, nothing written), counts,
position, forecast, recurring items and manual lines; permissions."""

import json

import pytest
from django.test import Client

from agora.cash.models import CashMovement
from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.treasury.tests.builders import make_treasury_books

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


@pytest.fixture
def clients():
    organisation, accountant, manager = make_treasury_books()
    seller = grant(make_user("vendeur"), organisation, "sales")
    return {name: Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")
            for name, user in (("accountant", accountant), ("manager", manager), ("seller", seller))}


def test_register_movements_and_count(clients):
    api = clients["accountant"]
    response = send(api, "post", f"{BASE}/cash-registers", {"label": "Caisse"})
    assert response.status_code == 201 and response.json()["account_code"] == "530"
    register = response.json()["id"]
    moves = f"{BASE}/cash-registers/{register}/movements"
    response = send(api, "post", moves, {"date": "2026-03-02", "direction": "receipt", "label": "Fonds de caisse",
                                         "amount": "200.00", "counter_account": "580"})
    assert response.status_code == 201 and response.json()["amount"] == "200.00"
    response = send(api, "post", moves, {"date": "2026-03-03", "direction": "payment", "label": "Essence",
                                         "amount": "250.00", "counter_account": "625"})
    assert response.status_code == 422 and response.json()["field"] == "amount"
    assert "200,00" in response.json()["message"]
    response = send(api, "post", moves, {"date": "2026-03-03", "direction": "payment", "label": "Essence",
                                         "amount": 12.5, "counter_account": "625"})
    assert response.status_code == 422  # a JSON float loses cents: refused
    assert CashMovement.objects.count() == 1
    assert [m["label"] for m in api.get(moves).json()] == ["Fonds de caisse"]
    book = api.get(f"{BASE}/cash-registers/{register}/book?date_from=2026-03-01&date_to=2026-03-31").json()
    assert book == [{"day": "2026-03-02", "opening": "0.00", "receipts": "200.00", "payments": "0.00",
                     "closing": "200.00"}]
    response = send(api, "post", f"{BASE}/cash-registers/{register}/counts", {
        "date": "2026-03-02", "counter_name": "Sylvie Morel", "quantities": {"100": 1, "50": 1, "20": 2}})
    assert response.status_code == 201 and response.json()["variance"] == "-10.00"
    count = response.json()["id"]
    response = send(api, "post", f"{BASE}/cash-counts/{count}/validate")
    assert response.status_code == 200 and response.json()["state"] == "validated"
    assert response.json()["entry_id"] is not None
    assert send(api, "put", f"{BASE}/cash-counts/{count}", {"date": "2026-03-02", "counter_name": "X",
                                                             "quantities": {}}).status_code == 422
    assert api.get(f"{BASE}/cash-registers/{register}").json()["balance"] == "190.00"


def test_position_forecast_and_planning(clients):
    api = clients["accountant"]
    response = send(api, "post", f"{BASE}/cash-recurring-items", {
        "label": "Loyer", "amount": "900.00", "category": "loyer", "day_of_month": 5, "start_date": "2026-01-01"})
    assert response.status_code == 201
    item = response.json()["id"]
    assert send(api, "put", f"{BASE}/cash-recurring-items/{item}", {
        "label": "Loyer", "amount": "950.00", "category": "loyer", "day_of_month": 5,
        "start_date": "2026-01-01"}).json()["amount"] == "950.00"
    response = send(api, "post", f"{BASE}/cash-forecast-lines", {"date": "2026-04-10", "label": "Subvention",
                                                                  "amount": "abc", "direction": "in"})
    assert response.status_code == 422 and response.json()["field"] == "amount"
    response = send(api, "post", f"{BASE}/cash-forecast-lines", {"date": "2026-04-10", "label": "Subvention",
                                                                  "amount": "2000.00", "direction": "in"})
    assert response.status_code == 201
    forecast = api.get(f"{BASE}/cash-forecast?start=2026-04-01&unit=month&count=2").json()
    assert forecast["columns"] == ["En retard", "avr. 2026", "mai 2026"]
    assert forecast["inflow_totals"] == ["0.00", "2000.00", "0.00"]
    assert forecast["outflow_totals"] == ["0.00", "950.00", "950.00"]
    assert forecast["closings"] == ["0.00", "1050.00", "100.00"]
    position = api.get(f"{BASE}/cash-position?on=2026-04-01").json()
    assert position["total"] == "0.00" and position["rows"][0]["account_code"] == "5121"
    assert send(api, "delete", f"{BASE}/cash-forecast-lines/{response.json()['id']}").status_code == 204
    assert send(api, "delete", f"{BASE}/cash-recurring-items/{item}").status_code == 204


def test_permissions(clients):
    seller, manager = clients["seller"], clients["manager"]
    assert send(seller, "post", f"{BASE}/cash-registers", {"label": "Caisse"}).status_code == 403
    register = send(clients["accountant"], "post", f"{BASE}/cash-registers", {"label": "Caisse"}).json()["id"]
    assert seller.get(f"{BASE}/cash-registers").status_code == 200
    response = send(seller, "post", f"{BASE}/cash-registers/{register}/movements", {
        "date": "2026-03-02", "direction": "receipt", "label": "Vente", "amount": "30.00", "counter_account": "707",
        "vat_rate": "20"})
    assert response.status_code == 201 and response.json()["vat_amount"] == "5.00"
    movement = response.json()["id"]
    response = send(seller, "post", f"{BASE}/cash-movements/{movement}/cancel", {"date": "2026-03-03"})
    assert response.status_code == 200 and response.json()["reversal_entry_id"] is not None
    assert seller.get(f"{BASE}/cash-forecast").status_code == 403
    assert seller.get(f"{BASE}/cash-position").status_code == 403
    assert manager.get(f"{BASE}/cash-forecast").status_code == 200
    assert send(manager, "post", f"{BASE}/cash-registers", {"label": "Autre"}).status_code == 403
    assert send(manager, "post", f"{BASE}/cash-forecast-lines", {
        "date": "2026-04-10", "label": "X", "amount": "1.00"}).status_code == 403
