"""Treasury through the JSON API: bank accounts (invalid IBAN → 422, nothing written), schedule, a payment run
from proposal to SEPA file and advices, permissions."""

import json
from datetime import date

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.treasury.models import BankAccount, PaymentRun

from .builders import make_supplier, make_treasury_books, supplier_invoice

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


@pytest.fixture
def books(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation, accountant, manager = make_treasury_books()
    wood = make_supplier(organisation, "F001", "Bois & Cie")
    supplier_invoice(organisation, accountant, wood, net="1000.00", vat="200.00", due=date(2026, 3, 20),
                     reference="FF-A")
    clients = {}
    for name, user in (("accountant", accountant), ("manager", manager)):
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")
    return organisation, clients


def test_bank_accounts_crud_and_invalid_iban(books):
    organisation, clients = books
    api = clients["accountant"]
    response = send(api, "post", f"{BASE}/bank-accounts", {"label": "Livret", "iban": "FR76 0000"})
    assert response.status_code == 422
    assert response.json()["field"] == "iban" and "IBAN invalide" in response.json()["message"]
    assert BankAccount.objects.count() == 1
    response = send(api, "post", f"{BASE}/bank-accounts", {"label": "Livret", "iban": "FR7630004000031234567890143",
                                                           "bic": "BNPAFRPPXXX"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["journal_code"], created["account_code"]) == ("BQ2", "5122")
    response = send(api, "patch", f"{BASE}/bank-accounts/{created['id']}", {"bank_name": "BNP Paribas"})
    assert response.status_code == 200 and response.json()["bank_name"] == "BNP Paribas"
    assert len(send(api, "get", f"{BASE}/bank-accounts").json()) == 2


def test_run_through_the_api(books):
    organisation, clients = books
    api, manager = clients["accountant"], clients["manager"]
    schedule = send(api, "get", f"{BASE}/payment-schedule?period=week").json()
    assert schedule["total"] == "1200.00" and schedule["results"][0]["reference"] == "FF-A"
    assert schedule["periods"] == [{"start": "2026-03-16", "count": 1, "total": "1200.00"}]

    response = send(api, "post", f"{BASE}/payment-runs", {"on": "2026-03-31"})
    assert response.status_code == 201, response.json()
    run = response.json()
    assert (run["number"], run["amount"], run["count"]) == ("PAI-2026-00001", "1200.00", 1)
    lines = send(api, "get", f"{BASE}/payment-runs/{run['id']}/lines").json()["results"]
    response = send(api, "patch", f"{BASE}/payment-lines/{lines[0]['id']}", {"amount": "1300.00"})
    assert response.status_code == 422 and response.json()["code"] == "amount_above_open"
    response = send(api, "post", f"{BASE}/payment-runs/{run['id']}/execute")
    assert response.status_code == 422 and response.json()["code"] == "run_not_approved"
    assert send(api, "post", f"{BASE}/payment-runs/{run['id']}/approve").status_code == 403
    assert send(manager, "post", f"{BASE}/payment-runs/{run['id']}/approve").json()["state"] == "approved"
    response = send(api, "post", f"{BASE}/payment-runs/{run['id']}/execute")
    assert response.status_code == 200 and response.json()["entry"].startswith("BQ1-2026-")
    sepa = send(api, "get", f"{BASE}/payment-runs/{run['id']}/sepa.xml")
    assert sepa.status_code == 200 and b"pain.001.001.09" in sepa.content
    assert send(api, "post", f"{BASE}/payment-runs/{run['id']}/advices").json() == {
        "sent": 1, "failed": 0, "no_email": 0}
    assert PaymentRun.objects.get().state == "executed"
    assert send(api, "delete", f"{BASE}/payment-runs/{run['id']}").status_code == 422
