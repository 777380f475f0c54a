"""Procurement screens: role-by-role access, isolation between organisations, the request → approval → RFQ →
choice journey through the forms, document upload and the "à renouveler" filter, exports, constant query counts
on lists, the reorder action."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agora.core.tests.builders import grant, make_user
from agora.procurement.models import PurchaseRequest, RequestStatus, RfqStatus, SupplierDocument
from agora.procurement.services.requests import purchase_request_submit
from agora.procurement.services.rfqs import rfq_create, rfq_response_record
from agora.procurement.services.suppliers import supplier_document_add

from .builders import (
    make_procurement_org,
    make_purchase_products,
    make_request,
    make_subcontractor,
    make_supplier,
    offer,
    pdf_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LISTS = ["requests", "rfqs", "supplier_products", "supplier_documents"]


def url(name, org="durand", **kwargs):
    return reverse(f"procurement:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def org():
    organisation, buyer, manager = make_procurement_org()
    paper, desk = make_purchase_products(organisation)
    supplier = make_supplier(organisation)
    return SimpleNamespace(organisation=organisation, buyer=buyer, manager=manager, paper=paper, desk=desk,
                           supplier=supplier, other=make_supplier(organisation, "F002", "Bureau Plus SAS"),
                           seller=grant(make_user("vente"), organisation, "sales"),
                           employee=grant(make_user("salarie"), organisation, "employee"))


def test_role_by_role_access(org, client):
    request = make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "500",
                                                          "estimated_unit_price": "4.5"}])
    request = purchase_request_submit(actor=org.buyer, request=request)  # 2 250.00: awaits approval
    for user, read, write in ((org.buyer, 200, 200), (org.manager, 200, 403), (org.seller, 403, 403),
                              (org.employee, 403, 403)):
        client.force_login(user)
        for name in LISTS:
            assert client.get(url(name)).status_code == read, (user, name)
        assert client.get(url("request_detail", pk=request.pk)).status_code == read
        assert client.get(url("request_new")).status_code == write
        assert client.get(url("rfq_new")).status_code == write
        assert client.get(url("supplier_document_new")).status_code == write
    client.force_login(org.buyer)
    assert client.post(url("request_approve", pk=request.pk)).status_code == 403
    assert client.post(url("settings"), {"approval_threshold": "1", "document_warning_days": "3"}).status_code == 403
    client.force_login(org.manager)
    page = client.get(url("request_detail", pk=request.pk)).content.decode()
    assert "Approuver" in page and "Refuser" in page
    response = client.post(url("request_reject", pk=request.pk), {"comment": ""})
    assert response.status_code == 422 and "Indiquez le motif du refus." in response.content.decode()
    assert client.post(url("request_approve", pk=request.pk), {"comment": "Accord"}).status_code == 302
    assert PurchaseRequest.objects.get().status == RequestStatus.APPROVED
    assert client.post(url("settings"), {"approval_threshold": "2 000,00",
                                         "document_warning_days": "45"}).status_code == 302


def test_other_organisations_see_nothing(org, client):
    request = make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "1"}])
    other, outsider, _ = make_procurement_org(slug="autre")
    client.force_login(outsider)
    assert client.get(url("request_detail", pk=request.pk)).status_code == 404
    assert client.get(url("request_detail", org="autre", pk=request.pk)).status_code == 404
    assert client.get(url("requests")).status_code == 404
    assert org.supplier.name not in client.get(url("supplier_products", org="autre")).content.decode()
    assert client.get(url("supplier_file", org="autre", pk=org.supplier.pk)).status_code == 404


def test_request_form_refuses_bad_input_and_writes_nothing(org, client):
    client.force_login(org.buyer)
    response = client.post(url("request_new"), {"reason": "Test", "line-product": [str(org.paper.pk)],
                                                "line-label": [""], "line-quantity": ["-3"], "line-unit": [""],
                                                "line-estimated_unit_price": [""], "line-needed_by": [""]})
    assert response.status_code == 422
    assert "Ligne 1 : la quantité doit être positive." in response.content.decode()
    assert not PurchaseRequest.objects.exists()


def test_journey_request_approval_rfq_choice(org, client):
    offer(org.organisation, org.supplier, org.paper, "4.40")
    offer(org.organisation, org.other, org.paper, "4.60")
    client.force_login(org.buyer)
    response = client.post(url("request_new"), {
        "reason": "Rentrée", "supplier": "", "line-product": [str(org.paper.pk), ""],
        "line-label": ["", ""], "line-quantity": ["300", ""], "line-unit": ["", ""],
        "line-estimated_unit_price": ["", ""], "line-needed_by": ["", ""]})
    request = PurchaseRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("request_detail", pk=request.pk)
    assert request.estimated_total == Decimal("1320.00")  # 300 × 4.40 (cheapest offer, no preferred one)
    client.post(url("request_submit", pk=request.pk))
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    client.force_login(org.manager)
    client.post(url("request_approve", pk=request.pk), {"comment": ""})
    client.force_login(org.buyer)
    response = client.post(url("request_rfq", pk=request.pk))
    rfq = request.rfqs.get()
    assert response["Location"] == url("rfq_detail", pk=rfq.pk)
    consulted = {c.supplier.code: c for c in rfq.suppliers.select_related("supplier")}
    line = rfq.lines.get()
    response = client.post(url("rfq_response", pk=rfq.pk, consulted=consulted["F001"].pk), {
        f"unit_price-{line.pk}": "4,35", f"lead_time_days-{line.pk}": "3", "lead_time_days": "",
        "quote_reference": "D-778"})
    assert response.status_code == 302
    response = client.post(url("rfq_response", pk=rfq.pk, consulted=consulted["F002"].pk), {
        f"unit_price-{line.pk}": "-4"})
    assert response.status_code == 422 and "ne peut pas être négatif" in response.content.decode()
    client.post(url("rfq_response", pk=rfq.pk, consulted=consulted["F002"].pk), {f"unit_price-{line.pk}": "4.30"})
    page = client.get(url("rfq_detail", pk=rfq.pk)).content.decode()
    assert "1\u202f290,00" in page and "1\u202f305,00" in page  # 300 × 4.30 and 300 × 4.35
    assert page.count("✓") >= 1
    pdf = client.get(url("rfq_pdf", pk=rfq.pk) + f"?fournisseur={consulted['F002'].pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = client.post(url("rfq_choose", pk=rfq.pk), {"consulted": consulted["F002"].pk, "comment": "Prix"})
    assert response.status_code == 302
    rfq.refresh_from_db()
    request.refresh_from_db()
    assert (rfq.status, rfq.order.total_untaxed, request.status) == (RfqStatus.CLOSED, Decimal("1290.00"),
                                                                     RequestStatus.ORDERED)


def test_subcontractor_flag_on_the_choice_screen(org, client):
    sub = make_subcontractor(org.organisation)
    rfq = rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[sub.pk], data={"subject": "Câblage"},
                     lines=[{"label": "Câblage", "quantity": "1"}])
    consulted = rfq.suppliers.get()
    rfq_response_record(actor=None, consulted=consulted, data={}, prices={rfq.lines.get().pk: {"unit_price": "900"}})
    client.force_login(org.buyer)
    assert "⚠ attestation URSSAF" in client.get(url("rfq_detail", pk=rfq.pk)).content.decode()
    response = client.post(url("rfq_choose", pk=rfq.pk), {"consulted": consulted.pk})
    assert response.status_code == 422
    assert "attestation de vigilance URSSAF valide (Code du travail, art. L8222-1)" in response.content.decode()
    response = client.post(url("rfq_choose", pk=rfq.pk), {"consulted": consulted.pk, "confirm_vigilance": "on"})
    assert response.status_code == 302


def test_documents_upload_warning_and_filter(org, client):
    client.force_login(org.buyer)
    response = client.post(url("supplier_document_new"), {
        "supplier": org.supplier.pk, "kind": "insurance", "issued_on": TODAY.isoformat(), "file": text_upload()})
    assert response.status_code == 422
    assert "Le fichier doit être un PDF ou une image (PNG, JPEG)." in response.content.decode()
    assert not SupplierDocument.objects.exists()
    response = client.post(url("supplier_document_new"), {
        "supplier": org.supplier.pk, "kind": "insurance", "issued_on": (TODAY - timedelta(days=300)).isoformat(),
        "expires_on": (TODAY + timedelta(days=10)).isoformat(), "file": pdf_upload()})
    assert response.status_code == 302
    supplier_document_add(actor=org.buyer, organisation=org.organisation, upload=pdf_upload(), data={
        "supplier": org.other.pk, "kind": "kbis", "issued_on": TODAY, "expires_on": TODAY + timedelta(days=90)})
    page = client.get(url("supplier_documents")).content.decode()
    assert "1 document à renouveler" in page and "Expire bientôt" in page
    page = client.get(url("supplier_documents") + "?a_renouveler=on").content.decode()
    assert f">{org.supplier.name}</a>" in page and f">{org.other.name}</a>" not in page
    document = SupplierDocument.objects.get(supplier=org.supplier)
    download = client.get(url("supplier_document_file", pk=document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    csv = b"".join(client.get(url("supplier_documents") + "?export=csv").streaming_content).decode()
    lines = csv.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Fournisseur (code);Fournisseur;Type")
    assert lines[1].startswith("F001;Papeterie Rhône SARL;Attestation d'assurance;")
    assert lines[1].endswith(";Expire bientôt;")


def test_exports_of_requests_and_catalogue(org, client):
    offer(org.organisation, org.supplier, org.paper, "4.40", supplier_reference="PR-A4", preferred=True)
    request = purchase_request_submit(actor=org.buyer, request=make_request(
        org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "10"}], reason="Papier"))
    client.force_login(org.manager)
    csv = b"".join(client.get(url("requests") + "?export=csv").streaming_content).decode().splitlines()
    assert csv[1].startswith(f"{request.number};{TODAY:%d/%m/%Y};achat-durand;Saisie;Papier;;44,00;non;Approuvée;")
    other = make_request(org.organisation, org.buyer, [{"label": "Toner noir", "quantity": "1"}])
    for query, shown, hidden in ((request.number.lower(), request.number, "(brouillon)"),
                                 ("toner", "(brouillon)", request.number), ("papier", request.number, "(brouillon)")):
        page = client.get(url("requests") + f"?q={query}").content.decode()
        assert shown in page and hidden not in page, query
    assert other.number == ""
    csv = b"".join(client.get(url("supplier_products") + "?export=csv").streaming_content).decode().splitlines()
    assert csv[1] == "RAMETTE;Ramette papier A4;F001;Papeterie Rhône SARL;PR-A4;4,40;1,00;0;oui;;oui"
    xlsx = client.get(url("rfqs") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_does_not_grow(org, client, name):
    client.force_login(org.buyer)

    def add_rows(n):
        for i in range(n):
            supplier = make_supplier(org.organisation, f"X{name[:3]}{i}{n}", f"Fournisseur {i} {n}")
            request = make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "1"}],
                                   supplier=supplier.pk)
            purchase_request_submit(actor=org.buyer, request=request)
            offer(org.organisation, supplier, org.desk, "300")
            rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[supplier.pk, org.supplier.pk],
                       data={"subject": f"DDP {i}"}, lines=[{"label": "x", "quantity": "1"}], request=request)
            supplier_document_add(actor=org.buyer, organisation=org.organisation, upload=pdf_upload(), data={
                "supplier": supplier.pk, "kind": "kbis", "issued_on": TODAY})

    counts = []
    client.get(url(name))  # warm-up: session and per-process caches
    for n in (1, 4):
        add_rows(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_reorder_action(org, client, monkeypatch):
    offer(org.organisation, org.supplier, org.paper, "4.40", preferred=True)
    proposals = [SimpleNamespace(product=org.paper, quantity_to_order=Decimal("40"))]
    monkeypatch.setattr("agora.procurement.views.requests.reorder_proposals", lambda *, organisation: proposals)
    client.force_login(org.buyer)
    response = client.post(url("request_from_reorder"))
    assert response.status_code == 302 and response["Location"] == url("requests") + "?origin=reorder&status=draft"
    request = PurchaseRequest.objects.get()
    assert (request.origin, request.supplier, request.estimated_total) == ("reorder", org.supplier,
                                                                           Decimal("176.00"))  # 40 × 4.40
    client.post(url("request_from_reorder"))
    assert PurchaseRequest.objects.count() == 1
    client.force_login(org.manager)
    assert client.post(url("request_from_reorder")).status_code == 403


def test_supplier_file_rating_catalogue_form_and_compare(org, client):
    sub = make_subcontractor(org.organisation)
    client.force_login(org.buyer)
    response = client.post(url("supplier_product_new"), {
        "supplier": org.supplier.pk, "product": org.paper.pk, "unit_price": "4,25", "minimum_quantity": "10",
        "lead_time_days": "3", "preferred": "on", "active": "on"})
    assert response.status_code == 302 and response["Location"] == url("supplier_product_compare",
                                                                        product=org.paper.pk)
    response = client.post(url("supplier_product_new"), {
        "supplier": org.supplier.pk, "product": org.paper.pk, "unit_price": "4", "active": "on"})
    assert response.status_code == 422 and "propose déjà" in response.content.decode()
    client.post(url("supplier_product_new"), {"supplier": sub.pk, "product": org.paper.pk, "unit_price": "3,9",
                                              "lead_time_days": "8", "active": "on"})
    page = client.get(url("supplier_product_compare", product=org.paper.pk)).content.decode()
    assert page.index(sub.name) < page.index(org.supplier.name)  # 3.90 ranks before 4.25
    assert "⚠ attestation URSSAF" in page
    response = client.post(url("supplier_rate", pk=org.supplier.pk), {"rating_quality": "5", "rating_delays": "4",
                                                                      "rating_price": "", "comment": "Fiable"})
    assert response.status_code == 302
    page = client.get(url("supplier_file", pk=org.supplier.pk)).content.decode()
    assert "Évaluation : 4,5 / 5" in page and "Ramette papier A4" in page
    page = client.get(url("supplier_file", pk=sub.pk)).content.decode()
    assert "Sous-traitant sans attestation de vigilance URSSAF valide" in page
    assert client.get(url("supplier_file", pk=org.seller.pk + 10_000)).status_code == 404
    assert client.get(url("settings")).status_code == 200
