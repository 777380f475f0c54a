"""The membership API end to end: categories, register, fees and payments, campaigns, donations and receipts;
permissions, 404 across organisations, French 422 errors."""

import json

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import EntryLine
from agora.membership.models import Member

from .builders import make_association

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/quartier"


@pytest.fixture
def assoc():
    return make_association()


def token_client(user) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(assoc):
    return token_client(assoc[1])


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def test_full_journey_through_the_api(api):
    response = send(api, "post", f"{BASE}/membership/categories",
                    {"code": "actif", "label": "Membre actif", "amount": "30.00", "account": "7561"})
    assert response.status_code == 201, response.content
    category = response.json()
    assert (category["code"], category["amount"], category["account"]) == ("ACTIF", "30.00", "7561")
    response = send(api, "post", f"{BASE}/members", {
        "category_id": category["id"], "joined_on": "2026-01-10",
        "party": {"name": "Martin Claire", "email": "claire@example.fr", "address_line1": "3 rue des Lilas",
                  "postal_code": "69003", "city": "Lyon"}})
    assert response.status_code == 201, response.content
    member = response.json()
    assert (member["number"], member["party_code"], member["status"]) == ("AD-00001", "AD00001", "active")
    (fee,) = member["fees"]
    assert (fee["year"], fee["amount"], fee["balance"], fee["state"], fee["payments"]) == (
        2026, "30.00", "30.00", "due", [])

    response = send(api, "post", f"{BASE}/membership-fees/{fee['id']}/payments",
                    {"date": "2026-01-15", "method": "transfer", "amount": "12,50", "reference": "VIR 1"})
    assert response.status_code == 201, response.content
    paid = response.json()
    assert (paid["paid_amount"], paid["balance"], paid["state"]) == ("12.50", "17.50", "partial")
    assert paid["payments"][0]["entry_number"] == "BQ1-2026-000001"
    response = send(api, "post", f"{BASE}/membership-fees/{fee['id']}/payments",
                    {"date": "2026-01-16", "method": "cash", "amount": "17.51"})
    assert response.status_code == 422
    assert response.json() == {"code": "overpayment", "field": "amount", "message":
                               "Le règlement de 17,51 € dépasse le reste dû sur la cotisation 2026 (17,50 €)."}
    response = send(api, "post", f"{BASE}/membership-fees/{fee['id']}/payments",
                    {"date": "2026-01-16", "method": "cash", "amount": 17.5})
    assert response.status_code == 422 and response.json()["field"] == "amount"  # floats lose cents: refused

    listing = api.get(f"{BASE}/membership-fees", {"year": 2026}).json()
    assert listing["totals"] == {"count": 1, "amount": "30.00", "paid": "12.50", "balance": "17.50"}
    assert api.get(f"{BASE}/membership-fees", {"unpaid": True}).json()["count"] == 1

    response = send(api, "post", f"{BASE}/membership-fees/generate", {"year": 2027})
    assert response.json() == {"year": 2027, "created": 1}
    assert send(api, "post", f"{BASE}/membership-fees/generate", {"year": 2027}).json()["created"] == 0
    response = send(api, "post", f"{BASE}/renewal-campaigns", {"year": 2027, "send_emails": False})
    assert response.status_code == 201
    campaign = response.json()
    assert (campaign["fees_generated"], campaign["letters_count"], campaign["emails_sent"]) == (0, 1, 0)
    response = api.get(f"{BASE}/renewal-campaigns/{campaign['id']}/letters.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")

    response = send(api, "post", f"{BASE}/donations", {
        "party_id": member["party_id"], "date": "2026-05-04", "amount": "1234.56", "method": "cheque"})
    assert response.status_code == 201, response.content
    donation = response.json()
    assert (donation["amount"], donation["receipt_number"], donation["entry_number"]) == (
        "1234.56", "", "BQ1-2026-000002")
    assert api.get(f"{BASE}/donations/{donation['id']}/receipt.pdf").status_code == 422
    response = api.post(f"{BASE}/donations/{donation['id']}/receipt")
    assert response.status_code == 200 and response.json()["receipt_number"] == "RF-2026-00001"
    response = api.get(f"{BASE}/donations/{donation['id']}/receipt.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert api.post(f"{BASE}/donations/{donation['id']}/receipt").json()["code"] == "receipt_issued"
    totals = api.get(f"{BASE}/donations", {"year": 2026}).json()["totals"]
    assert totals == {"count": 1, "amount": "1234.56", "receipted": "1234.56"}

    response = send(api, "post", f"{BASE}/members/{member['id']}/leave", {"left_on": "2026-12-31"})
    assert response.status_code == 200
    left = response.json()
    assert left["status"] == "left" and [f["state"] for f in left["fees"]] == ["cancelled", "partial"]
    page = api.get(f"{BASE}/members", {"status": "left"}).json()
    assert page["count"] == 1 and page["items"][0]["number"] == "AD-00001"


def test_permissions_and_other_organisations(assoc, api):
    organisation, accountant = assoc
    category = send(api, "post", f"{BASE}/membership/categories",
                    {"code": "A", "label": "Actif", "amount": "30"}).json()
    member = send(api, "post", f"{BASE}/members", {"category_id": category["id"], "joined_on": "2026-01-10",
                                                   "party": {"name": "Martin"}}).json()
    fee_id = member["fees"][0]["id"]
    manager = token_client(grant(make_user("directrice"), organisation, "management"))
    assert manager.get(f"{BASE}/members").status_code == 200
    response = send(manager, "post", f"{BASE}/membership-fees/{fee_id}/payments",
                    {"date": "2026-01-15", "method": "cash", "amount": "30"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not EntryLine.objects.exists()
    hr = token_client(grant(make_user("rh"), organisation, "hr"))
    assert hr.get(f"{BASE}/members").status_code == 403
    other, other_accountant = make_association(slug="voisins")
    stranger = token_client(other_accountant)
    assert stranger.get(f"{BASE}/members").status_code == 404
    assert stranger.get(f"/api/v1/orgs/voisins/members/{member['id']}").status_code == 404
    assert stranger.get(f"/api/v1/orgs/voisins/membership-fees/{fee_id}").status_code == 404
    response = send(stranger, "post", f"/api/v1/orgs/voisins/membership-fees/{fee_id}/payments",
                    {"date": "2026-01-15", "method": "cash", "amount": "30"})
    assert response.status_code == 404
    response = send(stranger, "post", "/api/v1/orgs/voisins/members",
                    {"category_id": category["id"], "joined_on": "2026-01-10", "party": {"name": "X"}})
    assert response.status_code == 422 and response.json()["field"] == "category_id"
    assert Client().get(f"{BASE}/members").status_code == 401
    assert Member.objects.filter(organisation=other).count() == 0


def test_bad_input_gets_french_errors(api):
    response = send(api, "post", f"{BASE}/membership/categories", {"code": "A", "label": "", "amount": "30"})
    assert response.status_code == 422 and response.json()["field"] == "label"
    response = send(api, "post", f"{BASE}/membership/categories",
                    {"code": "A", "label": "Actif", "amount": "30", "account": "706"})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    category = send(api, "post", f"{BASE}/membership/categories",
                    {"code": "A", "label": "Actif", "amount": "30"}).json()
    response = send(api, "post", f"{BASE}/members", {"category_id": category["id"], "joined_on": "2026-01-10"})
    assert response.status_code == 422 and response.json()["message"] == \
        "Indiquez le tiers adhérent ou ses coordonnées."
    response = send(api, "post", f"{BASE}/donations", {"date": "2026-01-10", "amount": "5", "method": "cash"})
    assert response.status_code == 422 and response.json()["field"] == "party_id"
    response = send(api, "post", f"{BASE}/donations", {"party": {"name": "Don"}, "date": "2026-01-10",
                                                       "amount": "0", "method": "cash"})
    assert response.status_code == 422 and response.json()["message"] == "Le montant doit être positif."
    response = api.get(f"{BASE}/members", {"limit": 0})
    assert response.status_code == 422 and response.json()["field"] == "limit"
