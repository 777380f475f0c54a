"""The catalogue API (/api/v1/orgs/{org}/products, /vat-categories): reads, create, partial update, French 422
errors, rights and other organisations."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.catalog.models import Product, VatCategory
from agora.catalog.services import product_create
from agora.core.services import api_token_create
from agora.parties.tests.builders import make_org, user_with

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/durand"


def client_for(user) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def org():
    organisation, _ = make_org()
    categories = {c.code: c.pk for c in VatCategory.objects.filter(organisation=organisation)}
    product_create(actor=None, organisation=organisation, data={
        "reference": "CHAISE", "label": "Chaise de bureau", "sale_price": "100,1234",
        "vat_category": categories["TVA20"]})
    product_create(actor=None, organisation=organisation, data={
        "reference": "INSTALL", "label": "Installation", "kind": "service", "unit": "h", "sale_price": "60",
        "vat_category": categories["TVA20"], "revenue_account": "706"})
    product_create(actor=None, organisation=organisation, data={
        "reference": "VIEUX", "label": "Ancien", "sale_price": "1", "vat_category": categories["TVA5.5"],
        "active": False})
    return organisation


@pytest.fixture
def sales(org):
    return client_for(user_with(org, "sales"))


def test_list_and_get(org, sales):
    body = sales.get(f"{BASE}/products").json()
    assert body["count"] == 3 and [p["reference"] for p in body["items"]] == ["CHAISE", "INSTALL", "VIEUX"]
    chaise = body["items"][0]
    assert (chaise["sale_price"], chaise["vat_category"], chaise["vat_rate"], chaise["revenue_account"],
            chaise["kind"], chaise["unit"]) == ("100.1234", "TVA20", "20.00", "707", "goods", "u")
    assert [p["reference"] for p in sales.get(f"{BASE}/products?kind=service").json()["items"]] == ["INSTALL"]
    assert [p["reference"] for p in sales.get(f"{BASE}/products?active=true&search=a").json()["items"]] == [
        "CHAISE", "INSTALL"]
    assert sales.get(f"{BASE}/products?kind=robot").json()["field"] == "kind"
    got = sales.get(f"{BASE}/products/{chaise['id']}").json()
    assert got == chaise


def test_create_and_patch(org, sales):
    response = send(sales, "post", f"{BASE}/products", {
        "reference": "cafe", "label": "Café 1 kg", "unit": "kg", "sale_price": "18,9050", "vat_category": "TVA5.5"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["reference"], created["sale_price"], created["vat_rate"], created["kind"], created["active"]) == (
        "CAFE", "18.9050", "5.50", "goods", True)
    response = send(sales, "patch", f"{BASE}/products/{created['id']}", {"sale_price": "19", "active": False})
    assert response.status_code == 200, response.content
    patched = response.json()
    assert (patched["sale_price"], patched["active"], patched["label"], patched["vat_category"]) == (
        "19.0000", False, "Café 1 kg", "TVA5.5")
    assert Product.objects.get(pk=created["id"]).sale_price == Decimal("19.0000")


def test_bad_input_gets_a_french_422(org, sales):
    cases = [
        ({"reference": "X", "label": "X", "sale_price": "1,23456", "vat_category": "TVA20"}, "sale_price",
         "Montant avec plus de 4 décimales : « 1,23456 »."),
        ({"reference": "X", "label": "X", "vat_category": "TVA99"}, "vat_category", "Taux de TVA inconnu : « TVA99 »."),
        ({"reference": "X", "label": "X", "vat_category": "TVA20", "kind": "robot"}, "kind", None),
        ({"reference": "chaise", "label": "X", "vat_category": "TVA20"}, "reference",
         "La référence « CHAISE » existe déjà."),
        ({"reference": "X", "label": "X", "vat_category": "TVA20", "revenue_account": "70A"}, "revenue_account",
         "Numéro de compte invalide."),
        ({"reference": "X", "label": "X", "vat_category": "TVA20", "sale_price": 1.5}, "sale_price", None),
    ]
    for body, field, message in cases:
        response = send(sales, "post", f"{BASE}/products", body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field, (body, response.json())
        if message:
            assert response.json()["message"] == message
    assert Product.objects.filter(organisation=org).count() == 3


def test_vat_categories(sales):
    rows = sales.get(f"{BASE}/vat-categories").json()
    by_code = {r["code"]: r for r in rows}
    assert [r["code"] for r in rows][:4] == ["TVA20", "TVA10", "TVA5.5", "TVA2.1"]
    assert (by_code["TVA20"]["rate"], by_code["TVA20"]["output_account"], by_code["TVA20"]["vat_box"]) == (
        "20.00", "44571", "08")
    assert by_code["FRANCHISE"]["exemption_mention"] == "TVA non applicable, art. 293 B du CGI"


def test_rights_and_other_organisations(org):
    product_id = Product.objects.get(organisation=org, reference="CHAISE").pk
    purchasing = client_for(user_with(org, "purchasing"))  # catalog.manage without sales.view: reads and writes
    assert purchasing.get(f"{BASE}/products").status_code == 200
    assert send(purchasing, "patch", f"{BASE}/products/{product_id}", {"label": "Chaise"}).status_code == 200
    manager = client_for(user_with(org, "management"))  # sales.view: reads only
    assert manager.get(f"{BASE}/vat-categories").status_code == 200
    response = send(manager, "post", f"{BASE}/products", {"reference": "N", "label": "N", "vat_category": "TVA20"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    hr = client_for(user_with(org, "hr"))
    assert hr.get(f"{BASE}/products").status_code == 403
    assert hr.get(f"{BASE}/vat-categories").status_code == 403
    other, _ = make_org(slug="autre")
    stranger = client_for(user_with(other, "sales"))
    assert stranger.get(f"{BASE}/products").status_code == 404
    assert stranger.get(f"/api/v1/orgs/autre/products/{product_id}").status_code == 404
    assert send(stranger, "patch", f"/api/v1/orgs/autre/products/{product_id}", {"label": "Vol"}).status_code == 404
    assert Product.objects.get(pk=product_id).label == "Chaise"


def test_list_query_count_is_constant(org, sales):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = sales.get(f"{BASE}/products?limit=100")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    small, _ = count()
    category = VatCategory.objects.get(organisation=org, code="TVA10").pk
    for n in range(30):
        product_create(actor=None, organisation=org, data={"reference": f"P{n:02d}", "label": f"Article {n}",
                                                            "vat_category": category})
    assert count() == (small, 33)
