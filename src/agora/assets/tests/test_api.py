"""Fixed assets and provisions through the JSON API: CRUD, schedule (JSON, PDF, XLSX), run, disposal,
provisions from doubtful customer to loss, French 422 errors writing nothing, permissions."""

import json
from datetime import date

import pytest
from django.test import Client

from agora.assets.models import FixedAsset, Provision
from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books, make_party, sale

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def token_client(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")


@pytest.fixture
def books():
    organisation, accountant = make_books(year=2026)
    manager = grant(make_user("direction"), organisation, "management")
    seller = grant(make_user("ventes"), organisation, "sales")
    return organisation, {"accountant": token_client(accountant), "manager": token_client(manager),
                          "sales": token_client(seller)}


COMPUTER = {"label": "Ordinateur", "account_code": "2183", "acquisition_date": "2026-04-15", "cost": "12000.00",
            "life_years": 5}


def test_asset_crud_schedule_run_and_disposal(books):
    _, clients = books
    api = clients["accountant"]
    response = send(api, "post", f"{BASE}/assets", COMPUTER)
    assert response.status_code == 201, response.content
    asset = response.json()
    assert (asset["number"], asset["depreciation_account_code"], asset["cost"], asset["life_months"]) == (
        "IMM-0001", "28183", "12000.00", 60)
    url = f"{BASE}/assets/{asset['id']}"
    schedule = send(api, "get", f"{url}/schedule").json()
    assert [(r["year"], r["annuity"]) for r in schedule][:2] == [("2026", "1700.00"), ("2027", "2400.00")]
    assert send(api, "get", f"{url}/schedule.pdf")["Content-Type"] == "application/pdf"
    assert send(api, "get", f"{url}/schedule.xlsx").content[:2] == b"PK"
    response = send(api, "patch", url, {"life_years": 4})
    assert response.json()["life_months"] == 48
    due = send(api, "get", f"{BASE}/depreciation-runs/due?fiscal_year=2026").json()
    assert due == [{"asset_id": asset["id"], "number": "IMM-0001", "label": "Ordinateur", "annuity": "2125.00"}]
    response = send(api, "post", f"{BASE}/depreciation-runs", {"fiscal_year": "2026"})
    assert response.status_code == 201 and response.json()["total"] == "2125.00"
    response = send(api, "post", f"{BASE}/depreciation-runs", {"fiscal_year": "2026"})
    assert (response.status_code, response.json()["code"]) == (422, "already_run")
    assert send(api, "get", f"{BASE}/depreciation-runs").json()[0]["fiscal_year"] == "2026"
    assert send(api, "get", url).json()["depreciated"] == "2125.00"
    response = send(api, "delete", url)
    assert (response.status_code, response.json()["code"]) == (422, "asset_posted")


def test_disposal_in_the_same_year(books):
    """12,000 over 5 years from 15 April 2026, scrapped 30 June 2026: complement 1,700 × 75/255 = 500.00;
    net book value 11,500.00 → loss 11,500.00."""
    _, clients = books
    api = clients["accountant"]
    asset = send(api, "post", f"{BASE}/assets", COMPUTER).json()
    response = send(api, "post", f"{BASE}/assets/{asset['id']}/disposal", {"date": "2026-06-30", "kind": "scrap"})
    assert response.status_code == 201, response.content
    assert (response.json()["accumulated"], response.json()["result"]) == ("500.00", "-11500.00")
    assert send(api, "get", f"{BASE}/assets?state=disposed").json()[0]["state"] == "disposed"


def test_bad_input_is_a_french_422_and_writes_nothing(books):
    _, clients = books
    api = clients["accountant"]
    response = send(api, "post", f"{BASE}/assets", {**COMPUTER, "method": "declining", "life_years": 2})
    assert response.status_code == 422
    assert response.json() == {"code": "declining_too_short", "field": "life_months",
                               "message": "L'amortissement dégressif exige une durée d'au moins 3 ans."}
    response = send(api, "post", f"{BASE}/assets", {**COMPUTER, "cost": 12.5})
    assert (response.status_code, response.json()["field"]) == (422, "cost")
    response = send(api, "post", f"{BASE}/depreciation-runs", {"fiscal_year": "1999"})
    assert (response.status_code, response.json()["field"]) == (422, "fiscal_year")
    assert not FixedAsset.objects.exists()


def test_permissions(books):
    _, clients = books
    assert send(clients["manager"], "get", f"{BASE}/assets").status_code == 200
    assert send(clients["manager"], "post", f"{BASE}/assets", COMPUTER).status_code == 403
    assert send(clients["sales"], "get", f"{BASE}/assets").status_code == 403
    assert send(clients["sales"], "get", f"{BASE}/provisions").status_code == 403
    assert send(clients["manager"], "post", f"{BASE}/provisions", {
        "kind": "risk", "label": "Litige", "amount": "100", "date": "2026-03-01"}).status_code == 403
    assert not FixedAsset.objects.exists() and not Provision.objects.exists()


def test_provisions_through_the_api(books):
    """A doubtful customer owing 1,200 TTC (1,000 HT): provision 50 % = 500.00; adjusted to 30 % → reversal 200;
    loss; a litigation provision of 5,000; the état 2026 and the review."""
    organisation, clients = books
    api = clients["accountant"]
    make_party(organisation, "C001", "Bricolage Martin")
    sale(organisation, None, date(2026, 2, 10), "C001", "1000.00", "200.00")
    response = send(api, "post", f"{BASE}/provisions/doubtful-customers", {
        "party_code": "c001", "date": "2026-06-30", "loss_rate": "50"})
    assert response.status_code == 201, response.content
    provision = response.json()
    assert (provision["receivable"], provision["receivable_net"], provision["amount"]) == (
        "1200.00", "1000.00", "500.00")
    url = f"{BASE}/provisions/{provision['id']}"
    response = send(api, "post", f"{url}/adjustments", {"date": "2026-12-31", "loss_rate": "30"})
    assert [m["amount"] for m in response.json()["movements"]] == ["500.00", "200.00"]
    response = send(api, "post", f"{url}/loss", {"date": "2026-12-31"})
    assert (response.json()["state"], response.json()["amount"]) == ("closed", "0.00")
    response = send(api, "post", f"{BASE}/provisions", {"kind": "risk", "label": "Litige fournisseur",
                                                        "account_code": "151", "amount": "5000", "date": "2026-05-02"})
    assert response.status_code == 201
    table = send(api, "get", f"{BASE}/provisions-table?fiscal_year=2026").json()
    assert (table["total"]["dotations"], table["total"]["reversals"], table["total"]["end"]) == (
        "5500.00", "500.00", "5000.00")
    response = send(api, "post", f"{BASE}/provision-reviews", {"fiscal_year": "2026", "note": "RAS"})
    assert response.status_code == 201 and response.json()["note"] == "RAS"
    response = send(api, "post", f"{BASE}/provisions/doubtful-customers", {
        "party_code": "ZZZ", "date": "2026-06-30", "loss_rate": "50"})
    assert (response.status_code, response.json()["field"]) == (422, "party_code")
    assert len(send(api, "get", f"{BASE}/provisions").json()) == 2
