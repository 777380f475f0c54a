"""Catalogue screens: rights (sales.view reads, catalog.manage writes), the article form with its 4-decimal price
and French errors, the VAT categories page, filters, exports and the list's constant query count."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.catalog.models import Product, VatCategory
from agora.catalog.services import product_create
from agora.catalog.views import format_price
from agora.parties.tests.builders import make_org, user_with

pytestmark = pytest.mark.django_db


def url(name, org="durand", **kwargs):
    return reverse(f"catalog:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def org():
    organisation, _ = make_org()
    return organisation


def vat(organisation, code):
    return VatCategory.objects.get(organisation=organisation, code=code)


def make(organisation, reference, label, price="10", code="TVA20", **data):
    return product_create(actor=None, organisation=organisation, data={
        "reference": reference, "label": label, "sale_price": price, "vat_category": vat(organisation, code).pk,
        **data})


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


def form_data(organisation, **changes):
    return {"reference": "chaise-01", "label": "Chaise de bureau", "description": "", "kind": "goods", "unit": "u",
            "sale_price": "1 234,5678", "vat_category": str(vat(organisation, "TVA20").pk),
            "revenue_account": "707", "active": "on", **changes}


def test_pages_for_each_role(org, login):
    product = make(org, "CHAISE", "Chaise")
    pages = [url("products"), url("products") + "?kind=service&active=&q=ch", url("vat_categories")]
    write_pages = [url("product_new"), url("product_edit", pk=product.pk)]
    for role in ("sales", "admin", "purchasing"):  # catalog.manage
        client = login(user_with(org, role))
        for page in pages + write_pages:
            assert client.get(page).status_code == 200, (role, page)
    for role in ("management", "accounting"):  # sales.view only: read
        client = login(user_with(org, role))
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
        for page in write_pages:
            assert client.get(page).status_code == 403, (role, page)
        assert client.post(url("product_new"), form_data(org)).status_code == 403
        assert client.post(url("product_edit", pk=product.pk), form_data(org)).status_code == 403
    client = login(user_with(org, "hr"))
    for page in pages + write_pages:
        assert client.get(page).status_code == 403, page
    other, _ = make_org(slug="autre")
    client = login(user_with(other, "sales"))
    assert client.get(url("products")).status_code == 404
    assert client.get(url("product_edit", org="autre", pk=product.pk)).status_code == 404
    assert Product.objects.get(pk=product.pk).label == "Chaise"


def test_create_an_article_with_a_four_decimal_price(org, login):
    client = login(user_with(org, "sales"))
    form = client.get(url("product_new")).context["form"]
    choices = dict(form.fields["revenue_account"].choices)
    assert {"701", "706", "707", "708", "7084"} <= set(choices) and "709" not in choices
    assert all(code.startswith("70") for code in choices)
    assert choices["706"] == "706 — Prestations de services" and form.initial["revenue_account"] == "707"
    assert [c.code for c in form.fields["vat_category"].queryset][:4] == ["TVA20", "TVA10", "TVA5.5", "TVA2.1"]

    response = client.post(url("product_new"), form_data(org))
    assert response.status_code == 302
    product = Product.objects.get(organisation=org, reference="CHAISE-01")
    assert (product.sale_price, product.kind, product.unit, product.revenue_account, product.vat_category.code) == (
        Decimal("1234.5678"), "goods", "u", "707", "TVA20")
    page = client.get(url("products")).content.decode()
    assert "1\u202f234,5678" in page and "Chaise de bureau" in page


def test_service_and_edit(org, login):
    product = make(org, "INSTALL", "Installation", price="60", kind="service", revenue_account="706", unit="h")
    client = login(user_with(org, "purchasing"))
    form = client.get(url("product_edit", pk=product.pk)).context["form"]
    assert (form.initial["sale_price"], form.initial["revenue_account"], form.initial["kind"]) == ("60", "706",
                                                                                                  "service")
    response = client.post(url("product_edit", pk=product.pk), form_data(
        org, reference="INSTALL", label="Installation sur site", kind="service", unit="h", sale_price="62,5",
        vat_category=str(vat(org, "TVA10").pk), revenue_account="706"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.label, product.sale_price, product.vat_category.code) == ("Installation sur site",
                                                                              Decimal("62.5000"), "TVA10")
    assert "62,50" in client.get(url("products")).content.decode()


def test_bad_input_gets_french_errors_on_the_field(org, login):
    make(org, "CHAISE-01", "Existante")
    client = login(user_with(org, "sales"))
    cases = [
        ({"sale_price": "12,34567"}, "sale_price", "Montant avec plus de 4 décimales : « 12,34567 »."),
        ({"sale_price": "douze"}, "sale_price", "Montant illisible : « douze »."),
        ({"sale_price": "-5"}, "sale_price", "Un prix ne peut pas être négatif."),
        ({}, "reference", "La référence « CHAISE-01 » existe déjà."),
        ({"reference": "AUTRE", "revenue_account": "999"}, "revenue_account", None),
        ({"reference": "AUTRE", "vat_category": "0"}, "vat_category", None),
    ]
    for changes, field, message in cases:
        response = client.post(url("product_new"), form_data(org, **changes))
        assert response.status_code == 200, changes
        errors = response.context["form"].errors
        assert field in errors, (changes, errors)
        if message:
            assert errors[field] == [message]
    assert Product.objects.filter(organisation=org).count() == 1


def test_vat_categories_page_shows_rates_and_legal_mentions(org, login):
    client = login(user_with(org, "management"))
    page = client.get(url("vat_categories")).content.decode()
    assert "20,00 %" in page and "5,50 %" in page and "2,10 %" in page
    assert "Exonération de TVA, article 261 du CGI" in page and "TVA non applicable, art. 293 B du CGI" in page
    assert "44571" in page and "44566" in page


def test_filters_exports_and_constant_query_count(org, login):
    make(org, "B-SERV", "Conseil", kind="service", revenue_account="706")
    make(org, "A-OLD", "Ancien article", active=False)
    make(org, "C-CAFE", "Café", price="20,1", code="TVA5.5")
    client = login(user_with(org, "sales"))

    def refs(query=""):
        return [product.reference for product, _ in client.get(url("products") + query).context["rows"]]

    assert refs() == ["B-SERV", "C-CAFE"]
    assert refs("?kind=service") == ["B-SERV"]
    assert refs("?active=") == ["A-OLD", "B-SERV", "C-CAFE"]
    assert refs("?q=caf") == ["C-CAFE"]

    lines = b"".join(client.get(url("products") + "?format=csv").streaming_content).decode().lstrip("\ufeff")
    assert lines.splitlines()[1:] == ["B-SERV;Conseil;Prestation de services;u;10,00;TVA 20 %;20,00;706;oui",
                                      "C-CAFE;Café;Bien (marchandise);u;20,10;TVA 5,5 %;5,50;707;oui"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(url("products") + "?format=xlsx").content)).active
    assert [row[0] for row in sheet.values] == ["Référence", "B-SERV", "C-CAFE"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("products")).status_code == 200
        return len(queries)

    small = count()
    for n in range(60):
        make(org, f"P{n:03d}", f"Article {n}", code="TVA10" if n % 2 else "TVA20")
    assert count() == small
    assert len(client.get(url("products")).context["rows"]) == 50


def test_format_price():
    assert [format_price(Decimal(v)) for v in ("12.5000", "12.3456", "1234.0000", "0", "-3.1000", "0.0050")] == [
        "12,50", "12,3456", "1\u202f234,00", "0,00", "-3,10", "0,005"]
