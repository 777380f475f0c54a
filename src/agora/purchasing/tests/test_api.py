"""Purchase documents through the JSON API: the chain order → partial receipt → invoice with discrepancies →
validation → credit note, French 422 errors writing nothing, 404 across organisations, permissions, and a
list whose query count does not grow with its length."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.purchasing.models import PurchaseDocument

from .builders import line, make_order, make_purchase_products, make_purchasing_books, make_supplier, vat

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"


@pytest.fixture
def books():
    organisation, buyer = make_purchasing_books()
    supplier = make_supplier(organisation)
    return organisation, buyer, supplier, *make_purchase_products(organisation)


def client_for(user):
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(books):
    return client_for(books[1])


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def test_chain_through_the_api(books, api):
    organisation, _buyer, supplier, paper, desk = books
    response = send(api, "post", f"{BASE}/purchase-orders", {
        "party": supplier.pk, "issue_date": "2026-03-10",
        "lines": [{"product": paper.pk, "quantity": "100", "unit_price": "4,50"},
                  {"product": desk.pk, "quantity": "2"}]})
    assert response.status_code == 201, response.json()
    order = response.json()
    assert (order["status"], order["total_untaxed"], order["total_incl_tax"]) == ("draft", "1150.00", "1380.00")
    order = send(api, "post", f"{BASE}/purchase-orders/{order['id']}/confirm").json()
    assert order["number"] == "CF-2026-00001"
    paper_line, desk_line = (x["id"] for x in order["lines"])
    assert [x["account"] for x in order["lines"]] == ["607", "2184"]

    response = send(api, "post", f"{BASE}/purchase-orders/{order['id']}/receive",
                    {"quantities": {str(paper_line): "101"}})
    assert response.status_code == 422
    assert response.json()["field"] == f"quantities.{paper_line}"
    assert PurchaseDocument.objects.count() == 1
    receipt = send(api, "post", f"{BASE}/purchase-orders/{order['id']}/receive", {
        "quantities": {str(paper_line): "80", str(desk_line): "2"}, "rejected": {str(desk_line): "1"},
        "notes": {str(desk_line): "plateau rayé"}, "on": "2026-03-12"}).json()
    assert [(x["quantity_accepted"], x["quantity_rejected"]) for x in receipt["lines"]] == [
        ("80.000", "0.000"), ("1.000", "1.000")]
    receipt = send(api, "post", f"{BASE}/goods-receipts/{receipt['id']}/validate", {}).json()
    assert receipt["number"] == "BR-2026-00001"

    invoice = send(api, "post", f"{BASE}/purchase-orders/{order['id']}/invoice", {
        "supplier_reference": "FAC-1", "issue_date": "2026-03-15",
        "quantities": {str(paper_line): "100", str(desk_line): "2"}}).json()
    assert [d["code"] for d in invoice["discrepancies"]] == ["not_received", "not_received"]
    match = api.get(f"{BASE}/purchase-invoices/{invoice['id']}/match").json()
    assert match[0]["message"] == "Ligne 1 : quantité facturée (100) supérieure à la quantité reçue (80)."
    response = send(api, "post", f"{BASE}/purchase-invoices/{invoice['id']}/validate", {})
    assert response.status_code == 422 and response.json()["code"] == "discrepancies"
    invoice = send(api, "post", f"{BASE}/purchase-invoices/{invoice['id']}/validate",
                   {"accept_discrepancies": True}).json()
    assert invoice["number"] == "FF-2026-00001" and invoice["entry"] is not None
    assert invoice["chain"] == [order["id"], receipt["id"], invoice["id"]]

    credit = send(api, "post", f"{BASE}/purchase-invoices/{invoice['id']}/credit-note", {
        "lines": {str(invoice["lines"][0]["id"]): "20"}, "reason": "20 ramettes non livrées",
        "supplier_reference": "AV-3"}).json()
    credit = send(api, "post", f"{BASE}/purchase-credit-notes/{credit['id']}/validate").json()
    # 20 × 4.50 = 90.00 HT, 18.00 TVA
    assert (credit["number"], credit["total_incl_tax"]) == ("AF-2026-00001", "108.00")
    order = api.get(f"{BASE}/purchase-orders/{order['id']}").json()
    assert [x["quantity_invoiced"] for x in order["lines"]] == ["80.000", "2.000"]
    assert api.get(f"{BASE}/purchase-orders/{order['id']}/pdf").content.startswith(b"%PDF")


def test_direct_invoice_and_errors(books, api):
    organisation, _buyer, supplier, paper, _desk = books
    body = {"party": supplier.pk, "issue_date": "2026-03-10", "supplier_reference": "EDF-03",
            "escompte_offered_pct": "1", "escompte_deadline": "2026-03-20",
            "lines": [{"label": "Électricité mars", "quantity": "1", "unit_price": "250",
                       "vat_category": vat(organisation).pk, "account": "6061"}]}
    invoice = send(api, "post", f"{BASE}/purchase-invoices", body).json()
    assert (invoice["escompte_offered_pct"], invoice["escompte_deadline"]) == ("1.00", "2026-03-20")
    assert invoice["discrepancies"] == []
    response = send(api, "post", f"{BASE}/purchase-invoices", body)
    assert response.status_code == 422 and response.json()["code"] == "duplicate_supplier_reference"
    response = send(api, "post", f"{BASE}/purchase-invoices", body | {"supplier_reference": "X", "lines": [
        {"label": "Erreur", "quantity": "1", "unit_price": "-3", "vat_category": vat(organisation).pk}]})
    assert response.status_code == 422 and response.json()["field"] == "lines.1.unit_price"
    response = send(api, "post", f"{BASE}/purchase-invoices", body | {"supplier_reference": "Y", "lines": [
        {"label": "Float", "quantity": 1.5, "unit_price": "3", "vat_category": vat(organisation).pk}]})
    assert response.status_code == 422
    assert PurchaseDocument.objects.count() == 1


def test_list_constant_queries_permissions_and_isolation(books, api):
    organisation, buyer, supplier, paper, _desk = books
    make_order(organisation, buyer, supplier, [line(paper, 1, "4.50")])
    api.get(f"{BASE}/purchase-orders")
    with CaptureQueriesContext(connection) as few:
        assert api.get(f"{BASE}/purchase-orders").status_code == 200
    for n in range(4):
        make_order(organisation, buyer, supplier, [line(paper, n + 1, "4.50")])
    with CaptureQueriesContext(connection) as many:
        assert api.get(f"{BASE}/purchase-orders").json()["count"] == 5
    assert len(many) == len(few)

    manager = client_for(grant(make_user("direction"), organisation, "management"))
    assert manager.get(f"{BASE}/purchase-orders").status_code == 200
    assert send(manager, "post", f"{BASE}/purchase-orders", {"party": supplier.pk, "lines": []}).status_code == 403
    seller = client_for(grant(make_user("vendeur"), organisation, "sales"))
    assert seller.get(f"{BASE}/purchase-orders").status_code == 403

    other, other_buyer = make_purchasing_books(slug="autre")
    foreign = make_order(other, other_buyer, make_supplier(other), [line(make_purchase_products(other)[0], 1)])
    assert api.get(f"{BASE}/purchase-orders/{foreign.pk}").status_code == 404
    assert api.get("/api/v1/orgs/autre/purchase-orders").status_code == 404
