"""The procurement API: requests with their approval, RFQs to the order, the supplier catalogue and comparison,
documents (multipart upload checked by content), settings; French 422 errors writing nothing; 403 and 404."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agora.core.services import api_token_create
from agora.procurement.models import PurchaseRequest, SupplierDocument, SupplierProduct

from .builders import (
    make_procurement_org,
    make_purchase_products,
    make_request,
    make_supplier,
    pdf_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand"
TODAY = timezone.localdate()


def _api(user) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(api, path, body=None, method="post"):
    return getattr(api, method)(path, data=json.dumps(body) if body is not None else None,
                                content_type="application/json")


@pytest.fixture
def org():
    organisation, buyer, manager = make_procurement_org()
    paper, desk = make_purchase_products(organisation)
    return SimpleNamespace(organisation=organisation, buyer=_api(buyer), manager=_api(manager), paper=paper,
                           desk=desk, a=make_supplier(organisation),
                           b=make_supplier(organisation, "F002", "Bureau Plus SAS", email="devis@bureauplus.fr"))


def test_request_approval_rfq_and_order(org):
    bad = _post(org.buyer, f"{BASE}/purchase-requests", {"lines": [{"product": org.paper.pk, "quantity": "-1"}]})
    assert bad.status_code == 422
    assert bad.json() == {"code": "negative_quantity", "message": "Ligne 1 : la quantité doit être positive.",
                          "field": "lines.1.quantity"}
    assert _post(org.buyer, f"{BASE}/purchase-requests", {"lines": [{"quantity": 1.5, "label": "x"}]}
                 ).status_code == 422  # a JSON float is refused: quantities travel as strings
    assert not PurchaseRequest.objects.exists()

    created = _post(org.buyer, f"{BASE}/purchase-requests", {"reason": "Bureaux", "lines": [
        {"product": org.desk.pk, "quantity": "4", "estimated_unit_price": "350"}]})
    assert created.status_code == 201
    body = created.json()
    assert (body["estimated_total"], body["status"], body["lines"][0]["quantity"]) == ("1400.00", "draft", "4")
    pk = body["id"]
    submitted = _post(org.buyer, f"{BASE}/purchase-requests/{pk}/submit").json()
    assert (submitted["status"], submitted["approval_required"]) == ("submitted", True)
    assert _post(org.buyer, f"{BASE}/purchase-requests/{pk}/approve").status_code == 403
    approved = _post(org.manager, f"{BASE}/purchase-requests/{pk}/approve", {"comment": "Oui"}).json()
    assert (approved["status"], approved["decision_comment"]) == ("approved", "Oui")

    rfq = _post(org.buyer, f"{BASE}/rfqs", {"subject": "Bureaux", "suppliers": [org.a.pk, org.b.pk],
                                             "lines": [{"product": org.desk.pk, "quantity": "4"}]})
    assert rfq.status_code == 201
    detail = rfq.json()
    consulted = {s["supplier"]: s["consulted"] for s in detail["suppliers"]}
    line = detail["lines"][0]["line"]
    for supplier, price in ((org.a, "342.50"), (org.b, "339.99")):
        answered = _post(org.buyer, f"{BASE}/rfqs/{detail['id']}/suppliers/{consulted[supplier.pk]}/response",
                         {"lead_time_days": 10, "prices": [{"line": line, "unit_price": price}]})
        assert answered.status_code == 200
    columns = {c["supplier"]: c for c in answered.json()["suppliers"]}
    # 4 × 342.50 = 1 370.00; 4 × 339.99 = 1 359.96 (cheapest)
    assert (columns[org.a.pk]["total_untaxed"], columns[org.b.pk]["total_untaxed"]) == ("1370.00", "1359.96")
    assert (columns[org.b.pk]["rank"], columns[org.b.pk]["cheapest"]) == (1, True)
    sent = _post(org.buyer, f"{BASE}/rfqs/{detail['id']}/send").json()
    assert sorted(sent["sent"]) == sorted([org.a.pk, org.b.pk]) and sent["failed"] == []
    chosen = _post(org.buyer, f"{BASE}/rfqs/{detail['id']}/choose", {"consulted": consulted[org.b.pk]})
    assert chosen.status_code == 201
    assert org.buyer.get(f"{BASE}/rfqs/{detail['id']}").json()["order"] == chosen.json()["order"]
    pdf = org.buyer.get(f"{BASE}/rfqs/{detail['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_catalogue_comparison_documents_and_settings(org):
    bad = _post(org.buyer, f"{BASE}/supplier-products", {"supplier": 999999, "product": org.paper.pk,
                                                         "unit_price": "4"})
    assert (bad.status_code, bad.json()["field"]) == (422, "supplier")
    for supplier, price in ((org.a, "4.50"), (org.b, "4.25")):
        assert _post(org.buyer, f"{BASE}/supplier-products", {
            "supplier": supplier.pk, "product": org.paper.pk, "unit_price": price, "lead_time_days": 3}
        ).status_code == 201
    assert SupplierProduct.objects.count() == 2
    ranked = org.manager.get(f"{BASE}/products/{org.paper.pk}/supplier-comparison").json()
    assert [(o["rank"], o["offer"]["supplier"], o["offer"]["unit_price"], o["best_price"]) for o in ranked] == [
        (1, org.b.pk, "4.25", True), (2, org.a.pk, "4.5", False)]
    rating = _post(org.buyer, f"{BASE}/suppliers/{org.a.pk}/rating", {"rating_quality": 5, "rating_price": 2},
                   method="put")
    assert rating.json()["rating"] == "3.5"

    form = {"supplier": org.a.pk, "kind": "insurance", "issued_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=20)).isoformat()}
    refused = org.buyer.post(f"{BASE}/supplier-documents", {**form, "file": text_upload()})
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    assert not SupplierDocument.objects.exists()
    stored = org.buyer.post(f"{BASE}/supplier-documents", {**form, "file": pdf_upload()})
    assert stored.status_code == 201 and stored.json()["expiry_status"] == "expiring"
    listing = org.manager.get(f"{BASE}/supplier-documents?to_renew=true").json()
    assert listing["count"] == 1

    assert _post(org.buyer, f"{BASE}/procurement-settings", {"approval_threshold": "500",
                                                             "document_warning_days": 10}, method="put"
                 ).status_code == 403
    updated = _post(org.manager, f"{BASE}/procurement-settings", {"approval_threshold": "500,00",
                                                                  "document_warning_days": 10}, method="put")
    assert updated.json() == {"approval_threshold": "500.00", "document_warning_days": 10}
    assert org.manager.get(f"{BASE}/supplier-documents?to_renew=true").json()["count"] == 0


def test_isolation_and_list_query_count(org):
    request = make_request(org.organisation, None, [{"product": org.paper.pk, "quantity": "1"}])
    _, outsider, _ = make_procurement_org(slug="autre")
    assert _api(outsider).get(f"{BASE}/purchase-requests/{request.pk}").status_code == 404
    assert _api(outsider).get(f"/api/v1/orgs/autre/purchase-requests/{request.pk}").status_code == 404
    counts = []
    for n in (1, 5):
        for _ in range(n):
            make_request(org.organisation, None, [{"product": org.paper.pk, "quantity": "1"}], supplier=org.a.pk)
        with CaptureQueriesContext(connection) as queries:
            assert org.buyer.get(f"{BASE}/purchase-requests").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_requests_from_the_reorder_list(org):
    """The route is reached by POST (its literal path is not taken for a request id) and, with nothing below its
    reorder point, creates no request."""
    response = _post(org.buyer, f"{BASE}/purchase-requests/from-reorder")
    assert response.status_code == 201, response.content
    assert response.json() == {"ids": []}
    assert not PurchaseRequest.objects.exists()
