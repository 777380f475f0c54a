"""Banking through the JSON API: import (multipart), statements and lines, CSV mappings CRUD, French 422s,
permissions."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agora.banking.models import StatementLine
from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user

from .builders import CSV_MAPPING, bank_account, make_banking_books, sample

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


def token_client(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")


@pytest.fixture
def books():
    organisation, accountant, manager = make_banking_books()
    return organisation, token_client(accountant), token_client(manager)


def test_import_list_lines(books):
    organisation, api, _ = books
    response = api.post(f"{BASE}/bank-statements/import", {"file": SimpleUploadedFile("m.xml",
                                                                                     sample("camt053-001-08.xml"))})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["imported"], body["duplicates"]) == (2, 0)
    statement = body["statements"][0]
    assert statement["opening_balance"] == "-200.00" and statement["closing_balance"] == "754.10"
    assert api.get(f"{BASE}/bank-statements").json()["count"] == 1
    assert api.get(f"{BASE}/bank-statements/{statement['id']}").json()["format"] == "camt053"
    lines = api.get(f"{BASE}/bank-statements/{statement['id']}/lines").json()["results"]
    assert [line["amount"] for line in lines] == ["1000.00", "-45.90"]
    assert lines[0]["counterparty_name"] == "ATELIER MOREAU"
    every = api.get(f"{BASE}/bank-statement-lines", {"date_from": "2026-04-10"}).json()
    assert every["count"] == 1
    again = api.post(f"{BASE}/bank-statements/import", {
        "file": SimpleUploadedFile("m.xml", sample("camt053-001-08.xml")), "format": "camt053",
        "bank_account": bank_account(organisation).pk}).json()
    assert again["duplicates"] == 2 and len(again["statements"][0]["skipped"]) == 2


def test_bad_file_422_writes_nothing(books):
    _, api, _ = books
    bad = sample("camt053-001-02.xml").replace(b"6167.60", b"6167.61")
    response = api.post(f"{BASE}/bank-statements/import", {"file": SimpleUploadedFile("m.xml", bad)})
    assert response.status_code == 422 and response.json()["field"] == "file"
    assert "solde final annoncé est 6167.61" in response.json()["message"]
    response = api.post(f"{BASE}/bank-statements/import", {"file": SimpleUploadedFile("m.xml", sample(
        "camt053-001-02.xml")), "bank_account": 999999})
    assert response.status_code == 422 and response.json()["field"] == "bank_account"
    assert StatementLine.objects.count() == 0


def test_mappings_crud_and_csv_import(books):
    organisation, api, _ = books
    account = bank_account(organisation)
    payload = {**CSV_MAPPING, "bank_account": account.pk}
    created = api.post(f"{BASE}/bank-csv-mappings", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    mapping_id = created.json()["id"]
    assert api.get(f"{BASE}/bank-csv-mappings").json()[0]["columns"]["credit"] == 4
    refused = api.patch(f"{BASE}/bank-csv-mappings/{mapping_id}", json.dumps({"date_format": "%Y"}),
                        content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "date_format"
    patched = api.patch(f"{BASE}/bank-csv-mappings/{mapping_id}", json.dumps({"name": "BP"}),
                        content_type="application/json")
    assert patched.json()["name"] == "BP"
    imported = api.post(f"{BASE}/bank-statements/import", {
        "file": SimpleUploadedFile("r.csv", sample("releve-banque.csv")), "bank_account": account.pk})
    assert imported.status_code == 201 and imported.json()["imported"] == 3
    assert api.get(f"{BASE}/bank-csv-mappings/{mapping_id}").json()["name"] == "BP"
    assert api.delete(f"{BASE}/bank-csv-mappings/{mapping_id}").status_code == 204


def test_permissions(books):
    organisation, _, manager = books
    assert manager.get(f"{BASE}/bank-statements").status_code == 200
    response = manager.post(f"{BASE}/bank-statements/import", {"file": SimpleUploadedFile(
        "m.xml", sample("camt053-001-08.xml"))})
    assert response.status_code == 403
    seller = token_client(grant(make_user("vendeur"), organisation, "sales"))
    assert seller.get(f"{BASE}/bank-statements").status_code == 403
    assert Client().get(f"{BASE}/bank-statements").status_code == 401
