"""Importing received e-invoices from the screens (drop zone of the supplier invoice list, htmx or plain form)
and through the API (multipart → 201 / 422 with the French reason), with permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.purchasing.models import PurchaseDocument
from agora.purchasing.tests.builders import make_purchasing_books, make_supplier
from agora.purchasing.tests.einvoice_files import blank_pdf, cii, facturx_pdf, ubl

pytestmark = pytest.mark.django_db
API = "/api/v1/orgs/durand/purchase-invoices/import"


@pytest.fixture
def books():
    organisation, buyer = make_purchasing_books()
    make_supplier(organisation)
    return organisation, buyer


@pytest.fixture
def client(books):
    client = Client()
    client.force_login(books[1])
    return client


def url(name: str = "einvoice_import", **kwargs) -> str:
    return reverse(f"purchasing:{name}", kwargs={"org": "durand", **kwargs})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_drop_zone_is_on_the_supplier_invoice_list(client):
    page = client.get(url("invoices"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="einvoice-dropzone"' in html and 'enctype="multipart/form-data"' in html
    assert f'action="{url()}"' in html and f'hx-post="{url()}"' in html
    assert 'type="file" name="files" multiple' in html


def test_drop_zone_is_hidden_from_readers(books):
    organisation, _buyer = books
    manager = grant(make_user("direction"), organisation, "management")
    client = Client()
    client.force_login(manager)
    assert 'id="einvoice-dropzone"' not in client.get(url("invoices")).content.decode()
    assert client.get(url()).status_code == 403
    assert client.post(url(), {"files": upload("f.xml", cii())}).status_code == 403
    assert not PurchaseDocument.objects.exists()


def test_htmx_drop_of_several_files_reports_each(client):
    response = client.post(url(), {"files": [upload("papeterie.xml", cii()), upload("conseil.xml", ubl()),
                                             upload("scan.pdf", blank_pdf())]}, HTTP_HX_REQUEST="true",
                           HTTP_HX_CURRENT_URL="http://testserver" + url("invoices"))
    assert response.status_code == 200
    html = response.content.decode()
    imported = PurchaseDocument.objects.order_by("pk")
    assert [d.supplier_reference for d in imported] == ["PR-2026-0412", "CCG-0057"]
    assert f'href="{url("document_detail", pk=imported[0].pk)}"' in html
    assert "papeterie.xml : " in html and "678,40" in html and "393,30" in html
    assert ("scan.pdf : Ce PDF ne contient pas de facture électronique Factur-X (aucun XML embarqué)."
            in html.replace("&#x27;", "'"))
    assert "<html" not in html  # a fragment for htmx, with a link to reload the list now holding the drafts
    assert f'href="http://testserver{url("invoices")}">Actualiser la liste' in html


def test_plain_post_of_one_file_opens_the_draft(client):
    response = client.post(url(), {"files": upload("facture.pdf", facturx_pdf(cii()))})
    document = PurchaseDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == url("document_detail", pk=document.pk)
    assert document.source_format == "facturx"


def test_plain_post_of_a_bad_file_shows_the_page_with_the_reason(client):
    response = client.post(url(), {"files": upload("notes.txt", b"bonjour")})
    assert response.status_code == 422
    html = response.content.decode()
    assert "notes.txt : Format non reconnu" in html and 'id="einvoice-dropzone"' in html
    assert client.post(url(), {}).content.decode().count("Choisissez au moins un fichier") == 1
    assert not PurchaseDocument.objects.exists()


@pytest.fixture
def api(books):
    _, raw = api_token_create(user=books[1], name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_import_answers_201_with_the_draft(api):
    response = api.post(API, {"file": upload("CCG-0057.xml", ubl())})
    assert response.status_code == 201, response.content
    body = response.json()
    document = PurchaseDocument.objects.get()
    assert body == {"id": document.pk, "kind": "invoice", "status": "draft", "supplier_reference": "CCG-0057",
                    "party_id": document.party_id, "party_name": "Cabinet Conseil Gestion SAS",
                    "source_format": "ubl", "total_untaxed": "327.75", "total_vat": "65.55",
                    "total_incl_tax": "393.30"}


def test_api_refusals_are_422_with_the_field(api):
    response = api.post(API, {"file": upload("f.xml", cii(grand=("<ram:GrandTotalAmount>678.40",
                                                                 "<ram:GrandTotalAmount>1.00")))})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "einvoice_total_mismatch" and body["field"] == "file"
    assert body["message"].startswith("Total incohérent : ram:GrandTotalAmount (ligne ")
    missing = api.post(API, {})
    assert missing.status_code == 422 and missing.json()["field"] == "file"
    assert not PurchaseDocument.objects.exists()


def test_api_needs_purchasing_write(books):
    organisation, _buyer = books
    seller = grant(make_user("vendeur"), organisation, "sales")
    _, raw = api_token_create(user=seller, name="tests")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(API, {"file": upload("f.xml", cii())})
    assert response.status_code == 403
    assert not PurchaseDocument.objects.exists()
