"""Sales documents through the JSON API: drafts, the chain's actions, French 422 errors, 404 across
organisations, permissions, and a list whose query count does not grow with its length."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.sales.models import SalesDocument

from .builders import line, make_customer, make_invoice, make_products, make_sales_books

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


@pytest.fixture
def books():
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    return organisation, seller, customer, *make_products(organisation)


@pytest.fixture
def api(books):
    _, raw = api_token_create(user=books[1], name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def test_quote_to_credit_note_through_the_api(books, api):
    organisation, seller, customer, goods, food, service = books
    response = send(api, "post", f"{BASE}/quotes", {
        "party": customer.pk, "date": "2026-03-10",
        "lines": [{"product": goods.pk, "quantity": "10"}, {"product": service.pk, "quantity": "2,5"}]})
    assert response.status_code == 201, response.json()
    quote = response.json()
    assert (quote["number"], quote["untaxed_total"], quote["total"]) == ("DE-2026-00001", "1150.00", "1380.00")
    assert send(api, "post", f"{BASE}/quotes/{quote['id']}/send").json()["state"] == "sent"
    order = send(api, "post", f"{BASE}/quotes/{quote['id']}/accept", {"on": "2026-03-11"}).json()
    assert order["source"] == quote["id"] and order["state"] == "confirmed"
    chairs = order["lines"][0]["id"]
    delivery = send(api, "post", f"{BASE}/orders/{order['id']}/deliver",
                    {"quantities": {str(chairs): "4"}, "on": "2026-03-12"}).json()
    assert [(x["description"], x["quantity"]) for x in delivery["lines"]] == [("Chaise de bureau", "4.0000")]
    assert send(api, "post", f"{BASE}/deliveries/{delivery['id']}/validate").json()["state"] == "validated"
    invoice = send(api, "post", f"{BASE}/deliveries/{delivery['id']}/invoice", {}).json()
    assert (invoice["total"], invoice["missing_mentions"]) == ("480.00", [])
    assert invoice["chain"] == [quote["id"], order["id"], delivery["id"], invoice["id"]]
    invoice = send(api, "post", f"{BASE}/invoices/{invoice['id']}/validate").json()
    assert (invoice["number"], invoice["state"]) == ("FA-2026-00001", "validated")
    assert invoice["entry"] is not None
    # a validated invoice is frozen
    response = send(api, "delete", f"{BASE}/invoices/{invoice['id']}")
    assert response.status_code == 422 and response.json()["field"] == "state"
    credit = send(api, "post", f"{BASE}/invoices/{invoice['id']}/credit-note",
                  {"reason": "Chaise rayée", "kind_of_credit": "claim",
                   "quantities": {str(invoice["lines"][0]["id"]): "1"}}).json()
    assert (credit["credited_invoice"], credit["total"]) == (invoice["id"], "120.00")
    credit = send(api, "post", f"{BASE}/credit-notes/{credit['id']}/validate").json()
    assert credit["number"] == "AV-2026-00001"


def test_bad_input_is_a_french_422_naming_the_field(books, api):
    organisation, seller, customer, goods, *_ = books
    response = send(api, "post", f"{BASE}/invoices", {
        "party": customer.pk, "date": "2026-03-10", "lines": [{"product": goods.pk, "quantity": "-1"}]})
    assert response.status_code == 422
    assert response.json() == {"code": "negative_quantity", "message": "Ligne 1 : la quantité doit être positive.",
                               "field": "lines.1.quantity"}
    response = send(api, "post", f"{BASE}/invoices", {
        "party": customer.pk, "lines": [{"description": "Divers", "quantity": "1", "unit_price": "10",
                                         "vat_rate": "19,6"}]})
    assert response.json()["field"] == "lines.1.vat_rate"
    assert SalesDocument.objects.count() == 0


def test_update_delete_and_other_organisation(books, api):
    organisation, seller, customer, goods, *_ = books
    draft = make_invoice(organisation, seller, customer, [line(goods, 1)])
    response = send(api, "put", f"{BASE}/invoices/{draft.pk}", {
        "party": customer.pk, "date": "2026-03-11", "shipping": "5",
        "lines": [{"product": goods.pk, "quantity": "3", "discount_pct": "10"}]})
    assert response.status_code == 200, response.json()
    assert (response.json()["untaxed_total"], response.json()["total"]) == ("275.00", "330.00")
    assert api.get(f"{BASE}/quotes/{draft.pk}").status_code == 404  # wrong kind
    other, other_seller = make_sales_books(slug="autre")
    foreign = make_invoice(other, other_seller, make_customer(other), [line(make_products(other)[0], 1)])
    assert api.get(f"{BASE}/invoices/{foreign.pk}").status_code == 404
    assert api.get(f"/api/v1/orgs/autre/invoices/{foreign.pk}").status_code == 404
    assert send(api, "delete", f"{BASE}/invoices/{draft.pk}").status_code == 204
    assert not SalesDocument.objects.filter(pk=draft.pk).exists()


def test_permissions(books):
    organisation, seller, customer, goods, *_ = books
    manager = grant(make_user("direction"), organisation, "management")
    _, raw = api_token_create(user=manager, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"{BASE}/invoices").status_code == 200
    response = send(client, "post", f"{BASE}/invoices", {"party": customer.pk, "lines": []})
    assert response.status_code == 403


def test_list_filters_and_constant_queries(books, api):
    organisation, seller, customer, goods, *_ = books
    make_invoice(organisation, seller, customer, [line(goods, 1)])
    with CaptureQueriesContext(connection) as few:
        page = api.get(f"{BASE}/invoices").json()
    assert page["count"] == 1
    other = make_customer(organisation, code="C002", name="Dupont SA", siren="542051180")
    for n in range(6):
        make_invoice(organisation, seller, other if n % 2 else customer, [line(goods, n + 1)])
    with CaptureQueriesContext(connection) as many:
        page = api.get(f"{BASE}/invoices").json()
    assert page["count"] == 7 and len(many) == len(few)
    page = api.get(f"{BASE}/invoices?search=dupont").json()
    assert page["count"] == 3 and {x["party_name"] for x in page["items"]} == {"Dupont SA"}
    page = api.get(f"{BASE}/invoices?party={customer.pk}&state=draft&limit=2").json()
    assert (page["count"], len(page["items"])) == (4, 2)


def test_openapi_lists_the_sales_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/orgs/{org}/invoices", "/api/v1/orgs/{org}/invoices/{doc_id}/validate",
                 "/api/v1/orgs/{org}/orders/{doc_id}/deposit-invoice", "/api/v1/orgs/{org}/credit-notes"):
        assert path in schema["paths"]
    assert "422" in schema["paths"]["/api/v1/orgs/{org}/invoices/{doc_id}/validate"]["post"]["responses"]
