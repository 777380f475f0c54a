"""VAT screens: every page answers for an accountant, prepare → regularise → file, the drill-down with its
CSV, the PDF, the franchise message, permissions (a sales user gets 403, management reads but cannot file)."""

from datetime import date

import pytest
from django.urls import reverse

from agora.core.tests.builders import grant, make_user
from agora.vat.models import VatReturn

from .builders import goods_sale, make_vat_books, purchase

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"vat:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client):
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 1, 5), "1000.00", "200.00")
    purchase(organisation, accountant, date(2026, 1, 9), "300.00", "60.00")
    client.force_login(accountant)
    return organisation, accountant, client


def test_prepare_regularise_drill_down_file_and_pdf(books):
    organisation, _, client = books
    page = client.get(url("returns")).content.decode()
    assert "Prochaine période à déclarer" in page and "01/01/2026" in page
    response = client.post(url("returns"), {"start": ""})
    vat_return = VatReturn.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == url("return", pk=vat_return.pk)
    page = client.get(url("return", pk=vat_return.pk)).content.decode()
    assert "Brouillon" in page and "200,00" in page and "140,00" in page  # 08 tax, TD = 200 − 60
    response = client.post(url("return", pk=vat_return.pk), {"regularisation_15": "5", "comment": ""})
    assert response.status_code == 422 and "Expliquez" in response.content.decode()
    lines = client.get(url("box_lines", pk=vat_return.pk) + "?case=08").content.decode()
    assert "44571" in lines and "200,00" in lines
    csv = b"".join(client.get(url("box_lines", pk=vat_return.pk) + "?case=08&export=csv").streaming_content)
    assert "44571" in csv.decode("utf-8-sig")
    assert client.get(url("box_lines", pk=vat_return.pk) + "?case=ZZ").status_code == 404
    assert client.get(url("box_lines", pk=vat_return.pk))["Location"] == url("return", pk=vat_return.pk)
    assert "Confirmer le dépôt" in client.get(url("return_file", pk=vat_return.pk)).content.decode()
    assert client.post(url("return_file", pk=vat_return.pk)).status_code == 302
    vat_return.refresh_from_db()
    assert vat_return.state == "filed" and vat_return.amount_due == 140
    page = client.get(url("return", pk=vat_return.pk)).content.decode()
    assert "Déposée" in page and "19/02/2026" in page
    pdf = client.get(url("return_pdf", pk=vat_return.pk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url("settings")).status_code == 200
    response = client.post(url("settings"), {"deadline_day": "15", "quarterly": ""})
    assert response.status_code == 302


def test_permissions_and_franchise(books, client):
    organisation, accountant, _ = books
    vat_return = VatReturn.objects.create(organisation=organisation, start_date=date(2026, 1, 1),
                                          end_date=date(2026, 1, 31))
    seller = grant(make_user("ventes"), organisation, "sales")
    client.force_login(seller)
    assert client.get(url("returns")).status_code == 403
    assert client.get(url("return", pk=vat_return.pk)).status_code == 403
    manager = grant(make_user("direction"), organisation, "management")
    client.force_login(manager)
    assert client.get(url("return", pk=vat_return.pk)).status_code == 200
    assert client.post(url("return_file", pk=vat_return.pk)).status_code == 403
    assert client.post(url("returns"), {"start": ""}).status_code == 403
    assert VatReturn.objects.get(pk=vat_return.pk).state == "draft"
    association, treasurer = make_vat_books(slug="jardins", regime="franchise")
    client.force_login(treasurer)
    page = client.get(reverse("vat:returns", kwargs={"org": "jardins"})).content.decode()
    assert "Franchise en base de TVA" in page and "Préparer</button>" not in page


def test_list_and_drill_down_queries_do_not_grow_with_rows(books):
    """No N+1: the list with 1 or 6 filed returns, the drill-down with 1 or 6 lines, cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agora.vat.services.returns import vat_return_create, vat_return_file

    organisation, accountant, client = books
    first = vat_return_file(actor=accountant, vat_return=vat_return_create(actor=accountant,
                                                                           organisation=organisation))

    def count(target):
        client.get(target)  # warm: the first request of a session costs a few more queries
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        return len(queries)

    few_returns, few_lines = count(url("returns")), count(url("box_lines", pk=first.pk) + "?case=08")
    for n in range(6):
        goods_sale(organisation, accountant, date(2026, 2, 3 + n), "100.00", "20.00")
    for _ in range(5):
        vat_return_file(actor=accountant, vat_return=vat_return_create(actor=accountant, organisation=organisation))
    february = VatReturn.objects.get(organisation=organisation, start_date=date(2026, 2, 1))
    assert count(url("returns")) == few_returns
    assert count(url("box_lines", pk=february.pk) + "?case=08") == few_lines
