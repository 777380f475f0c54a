"""The party API (/api/v1/orgs/{org}/parties, /payment-terms): filters, get, create, partial update, French
422 errors, rights (403) and other organisations (404), constant query count of the list."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.core.services import api_token_create
from agora.parties.models import Party, PaymentTerm
from agora.parties.services import party_create

from .builders import make_org, user_with

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/durand"


@pytest.fixture
def org():
    organisation, _ = make_org()
    term = PaymentTerm.objects.get(organisation=organisation, code="30J")
    party_create(actor=None, organisation=organisation, data={
        "code": "C001", "name": "Martin Industries", "is_customer": True, "siret": "55210055400005",
        "city": "Bordeaux", "payment_term": term.pk, "default_discount_pct": "2,5"})
    party_create(actor=None, organisation=organisation, data={"code": "F001", "name": "Fournil", "is_supplier": True})
    party_create(actor=None, organisation=organisation, data={"code": "C002", "name": "Ancien", "is_customer": True,
                                                               "active": False})
    return organisation


def client_for(user) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def sales(org):
    return client_for(user_with(org, "sales"))


def test_list_filters_and_pages(sales):
    body = sales.get(f"{BASE}/parties").json()
    assert body["count"] == 3 and [p["code"] for p in body["items"]] == ["C002", "F001", "C001"]
    martin = body["items"][2]
    assert (martin["name"], martin["siren"], martin["siret"], martin["payment_term"],
            martin["default_discount_pct"], martin["kind"]) == ("Martin Industries", "552100554", "55210055400005",
                                                               "30J", "2.50", "organisation")
    assert [p["code"] for p in sales.get(f"{BASE}/parties?role=customer").json()["items"]] == ["C002", "C001"]
    assert [p["code"] for p in sales.get(f"{BASE}/parties?role=customer&active=true").json()["items"]] == ["C001"]
    assert [p["code"] for p in sales.get(f"{BASE}/parties?search=bordeaux").json()["items"]] == ["C001"]
    page = sales.get(f"{BASE}/parties?limit=1&offset=1").json()
    assert (page["count"], page["limit"], page["offset"], [p["code"] for p in page["items"]]) == (3, 1, 1, ["F001"])
    response = sales.get(f"{BASE}/parties?role=robot")
    assert response.status_code == 422 and response.json()["field"] == "role"
    assert sales.get(f"{BASE}/parties?limit=0").json()["code"] == "invalid_limit"


def test_get_create_and_patch(org, sales):
    party_id = Party.objects.get(organisation=org, code="C001").pk
    got = sales.get(f"{BASE}/parties/{party_id}")
    assert got.status_code == 200 and got.json()["code"] == "C001"

    response = send(sales, "post", f"{BASE}/parties", {
        "code": "c010", "name": "Claire Petit", "kind": "individual", "is_customer": True,
        "iban": "FR7630006000011234567890189", "payment_term": "45JFM", "default_discount_pct": "5,5",
        "delivery_address_line1": "3 rue des Lilas", "delivery_city": "Lyon"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["code"], created["kind"], created["iban"], created["payment_term"], created["default_discount_pct"],
            created["delivery_city"], created["active"]) == ("C010", "individual", "FR7630006000011234567890189",
                                                             "45JFM", "5.50", "Lyon", True)

    response = send(sales, "patch", f"{BASE}/parties/{created['id']}", {"name": "Claire Petit-Martin",
                                                                        "payment_term": ""})
    assert response.status_code == 200, response.content
    patched = response.json()
    assert (patched["name"], patched["payment_term"], patched["iban"], patched["kind"]) == (
        "Claire Petit-Martin", None, "FR7630006000011234567890189", "individual")


def test_bad_input_gets_a_french_422_naming_the_field_and_writes_nothing(org, sales):
    cases = [
        ({"code": "C020", "name": "X", "siret": "55210055400006"}, "siret", "SIRET invalide : « 55210055400006 »."),
        ({"code": "C020", "name": "X", "iban": "FR7630006000011234567890180"}, "iban",
         "IBAN invalide : « FR7630006000011234567890180 »."),
        ({"code": "C020", "name": "X", "payment_term": "90J"}, "payment_term",
         "Conditions de paiement inconnues : « 90J »."),
        ({"code": "C020", "name": "X", "kind": "robot"}, "kind", None),
        ({"code": "C001", "name": "X"}, "code", "Le code « C001 » existe déjà."),
        ({"code": "C020"}, "name", "Le nom du tiers est obligatoire."),
        ({"code": "C020", "name": "X", "default_discount_pct": 5.5}, "default_discount_pct", None),
    ]
    for body, field, message in cases:
        response = send(sales, "post", f"{BASE}/parties", body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field, body
        if message:
            assert response.json()["message"] == message
    assert Party.objects.filter(organisation=org).count() == 3


def test_rights_and_other_organisations(org):
    party_id = Party.objects.get(organisation=org, code="C001").pk
    manager = client_for(user_with(org, "management"))
    assert manager.get(f"{BASE}/parties").status_code == 200
    response = send(manager, "post", f"{BASE}/parties", {"code": "C030", "name": "Refusé"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert send(manager, "patch", f"{BASE}/parties/{party_id}", {"name": "Non"}).status_code == 403
    hr = client_for(user_with(org, "hr"))
    assert hr.get(f"{BASE}/parties").status_code == 403
    assert hr.get(f"{BASE}/payment-terms").status_code == 403

    other, other_accountant = make_org(slug="autre")
    stranger = client_for(other_accountant)
    assert stranger.get(f"{BASE}/parties").status_code == 404
    assert stranger.get(f"/api/v1/orgs/autre/parties/{party_id}").status_code == 404
    assert send(stranger, "patch", f"/api/v1/orgs/autre/parties/{party_id}", {"name": "Vol"}).status_code == 404
    assert Client().get(f"{BASE}/parties").status_code == 401


def test_payment_terms(sales):
    terms = sales.get(f"{BASE}/payment-terms").json()
    assert [(t["code"], t["days"], t["end_of_month"]) for t in terms] == [
        ("RECEPTION", 0, False), ("30J", 30, False), ("30JFM", 30, True), ("45J", 45, False), ("45JFM", 45, True),
        ("60J", 60, False)]


def test_list_query_count_is_constant(org, sales):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = sales.get(f"{BASE}/parties?limit=100")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small, _ = count()
    term = PaymentTerm.objects.get(organisation=org, code="60J")
    for n in range(40):
        party_create(actor=None, organisation=org, data={"code": f"X{n:03d}", "name": f"Client {n}",
                                                          "is_customer": True, "payment_term": term.pk})
    large, items = count()
    assert (large, items) == (small, 43)
