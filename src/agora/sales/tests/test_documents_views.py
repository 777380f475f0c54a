"""Sales document screens: lists (filters, totals, exports, constant query count), the form with its lines and
live totals, the detail page with chain, actions, the mentions check, and permissions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.tests.builders import grant, make_user
from agora.sales.models import DocumentKind, SalesDocument
from agora.sales.services.documents import invoice_validate

from .builders import line, make_customer, make_invoice, make_products, make_quote, make_sales_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    return organisation, seller, customer, *make_products(organisation)


@pytest.fixture
def client(books):
    client = Client()
    client.force_login(books[1])
    return client


def url(name, **kwargs):
    return reverse(f"sales:{name}", kwargs={"org": "durand", **kwargs})


def test_lists_filter_total_export_and_keep_a_constant_query_count(books, client):
    organisation, seller, customer, goods, *_ = books
    make_invoice(organisation, seller, customer, [line(goods, 1)])
    client.get(url("invoices"))  # warm-up: session and menu caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("invoices")).status_code == 200
    other = make_customer(organisation, code="C002", name="Dupont SA", siren="542051180")
    for n in range(5):
        make_invoice(organisation, seller, other, [line(goods, n + 1)])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("invoices"))
    assert len(many) == len(few)
    page = response.content.decode()
    assert "6 documents" in page and "Dupont SA" in page
    assert "part=totals" in page and "1\u202f920,00" not in page  # the totals come after the page (htmx)
    totals = client.get(url("invoices") + "?part=totals").content.decode()
    assert "1\u202f920,00" in totals  # TTC total of 1+1+2+3+4+5 = 16 chairs × 120
    response = client.get(url("invoices") + "?q=dupont&export=csv")
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(rows) == 6 and rows[0] == "\ufeffNuméro;Date;Client;État;Échéance;Total HT;TVA;Total TTC;Net à payer"
    response = client.get(url("invoices") + f"?party={customer.pk}&export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    for name in ("quotes", "orders", "deliveries", "credit_notes"):
        assert client.get(url(name)).status_code == 200


def test_form_creates_a_draft_and_live_totals_come_from_the_server(books, client):
    organisation, seller, customer, goods, food, _service = books
    post = {"kind": "invoice", "party": customer.pk, "date": "2026-03-10", "remise": "5", "cash_discount_pct": "2",
            "line-product": [goods.pk, food.pk, ""], "line-description": ["", "", ""],
            "line-quantity": ["10", "25", ""], "line-unit": ["", "", ""], "line-unit_price": ["", "", ""],
            "line-discount_pct": ["10", "", ""], "line-vat_rate": ["", "", ""], "line-source_line": ["", "", ""]}
    totals = client.post(url("document_totals"), post, HTTP_HX_REQUEST="true").content.decode()
    for figure in ("1\u202f400,00", "1\u202f330,00", "26,60", "1\u202f303,40", "167,58", "25,60", "1\u202f496,58"):
        assert figure in totals
    response = client.post(url("document_new", kind="invoice"), post)
    invoice = SalesDocument.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == url("document_detail", pk=invoice.pk)
    assert invoice.total == Decimal("1496.58") and invoice.lines.count() == 2
    # a bad line comes back on its cell, nothing written
    post["line-quantity"] = ["-1", "25", ""]
    response = client.post(url("document_new", kind="invoice"), post)
    assert response.status_code == 200
    assert "Ligne 1 : la quantité doit être positive." in response.content.decode()
    assert SalesDocument.objects.filter(organisation=organisation).count() == 1
    # edit the draft
    response = client.get(url("document_edit", pk=invoice.pk))
    assert response.status_code == 200 and "Chaise de bureau" in response.content.decode()


def test_detail_shows_chain_mentions_and_runs_actions(books, client):
    organisation, seller, customer, goods, *_ = books
    quote = make_quote(organisation, seller, customer, [line(goods, 10)])
    response = client.get(url("document_detail", pk=quote.pk))
    assert "Accepter" in response.content.decode()
    response = client.post(url("document_action", pk=quote.pk, action="send"))
    assert response.status_code == 302
    quote.refresh_from_db()
    quote.valid_until = None  # accepted today, whatever the date of the test run
    quote.save()
    response = client.post(url("document_action", pk=quote.pk, action="accept"))
    order = SalesDocument.objects.get(kind=DocumentKind.ORDER)
    assert response["Location"] == url("document_detail", pk=order.pk)
    chairs = order.lines.get()
    client.post(url("document_action", pk=order.pk, action="deliver"), {f"qty-{chairs.pk}": "4"})
    delivery = SalesDocument.objects.get(kind=DocumentKind.DELIVERY)
    assert delivery.lines.get().quantity == Decimal(4)
    client.post(url("document_action", pk=delivery.pk, action="invoice"))
    invoice = SalesDocument.objects.get(kind=DocumentKind.INVOICE)
    page = client.get(url("document_detail", pk=invoice.pk)).content.decode()
    assert "Toutes les mentions obligatoires sont présentes" in page
    for label in ("Devis", "Commande", "Bon de livraison", "Total HT", "TVA 20 %"):
        assert label in page
    response = client.post(url("document_action", pk=invoice.pk, action="validate"))
    invoice.refresh_from_db()
    assert response.status_code == 302 and invoice.number.startswith("FA-")
    # a refused action comes back on the page, in French
    response = client.post(url("document_action", pk=invoice.pk, action="delete"))
    assert response.status_code == 422 and "brouillon" in response.content.decode()
    response = client.post(url("document_action", pk=invoice.pk, action="credit"),
                           {"kind_of_credit": "return", "reason": "Retour", f"qty-{invoice.lines.get().pk}": "1"})
    credit = SalesDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert credit.total == Decimal("120.00")


def test_missing_mentions_are_listed_before_validation(books, client):
    organisation, seller, *_ = books
    individual_less = make_customer(organisation, code="C009", address_line1="", city="", postal_code="")
    invoice = make_invoice(organisation, seller, individual_less, [line(books[3], 1)])
    page = client.get(url("document_detail", pk=invoice.pk)).content.decode()
    assert "mentions obligatoires manquantes" in page and "Adresse du client" in page
    response = client.post(url("document_action", pk=invoice.pk, action="validate"))
    assert response.status_code == 422
    invoice.refresh_from_db()
    assert invoice.number == "" and invoice.entry_id is None


def test_permissions_and_other_organisation(books):
    organisation, seller, customer, goods, *_ = books
    invoice = invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer, [line(goods, 1)]))
    manager = grant(make_user("direction"), organisation, "management")
    client = Client()
    client.force_login(manager)
    assert client.get(url("document_detail", pk=invoice.pk)).status_code == 200
    assert client.post(url("document_action", pk=invoice.pk, action="credit")).status_code == 403
    assert client.get(url("document_new", kind="invoice")).status_code == 403
    other, other_seller = make_sales_books(slug="autre")
    client.force_login(other_seller)
    assert client.get(reverse("sales:document_detail", kwargs={"org": "autre", "pk": invoice.pk})).status_code == 404
