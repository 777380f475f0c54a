"""Stock screens: lists with filters, exports and a constant query count, forms through the services, the card
and its exports, the count flow, permissions."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.tests.builders import grant, make_user
from agora.stock.models import StockCount, StockItem, StockMove

from .builders import deliver, make_item, make_product, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, actor = make_stock_books()
    item = make_item(organisation, "VIS", reorder_point="50")
    receive(organisation, actor, item, 100, "2.00", date(2026, 3, 1))
    deliver(organisation, actor, item, 60, date(2026, 3, 5))
    return organisation, actor, item


@pytest.fixture
def client(books):
    client = Client()
    client.force_login(books[1])
    return client


def url(name, **kwargs):
    return reverse(f"stock:{name}", kwargs={"org": "durand", **kwargs})


def _csv(response) -> list[str]:
    return b"".join(response.streaming_content).decode().strip().splitlines()


def test_lists_keep_a_constant_query_count_and_export(books, client):
    organisation, actor, item = books
    for name in ("items", "moves", "valuation", "counts"):
        client.get(url(name))
        with CaptureQueriesContext(connection) as few:
            assert client.get(url(name)).status_code == 200
        for n in range(4):
            extra = make_item(organisation, f"EXTRA{name}{n}")
            receive(organisation, actor, extra, 5, "1.00", date(2026, 3, 2))
        with CaptureQueriesContext(connection) as many:
            client.get(url(name))
        assert len(many) == len(few), name
    page = client.get(url("items") + "?alert=on").content.decode()
    assert "VIS" in page and "à commander" in page and "EXTRAitems0" not in page
    rows = _csv(client.get(url("items") + "?q=vis&export=csv"))
    assert rows[0].startswith("\ufeffRéférence;Désignation") and rows[1].startswith("VIS;") and len(rows) == 2
    assert client.get(url("moves") + "?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _csv(client.get(url("valuation") + "?day=2026-03-04&q=VIS&export=csv"))
    assert rows[1].split(";")[-3:] == ["100,00", "2,00", "200,00"]


def test_item_creation_move_entry_and_card_exports(books, client):
    organisation, actor, item = books
    product = make_product(organisation, "ECROU")
    response = client.post(url("item_new"), {"product": product.pk, "category": "goods",
                                             "valuation_method": "fifo", "reorder_point": "10", "active": "on"})
    created = StockItem.objects.get(product=product)
    assert response.status_code == 302 and created.stock_account == "37" and created.variation_account == "6037"
    response = client.post(url("move_new"), {"item": created.pk, "kind": "receipt", "date": "2026-03-10",
                                             "quantity": "12", "unit_cost": "0,50"})
    assert response.status_code == 302
    response = client.post(url("move_new"), {"item": created.pk, "kind": "delivery", "date": "2026-03-11",
                                             "quantity": "13"})
    assert response.status_code == 422 and "stock insuffisant" in response.content.decode()
    assert StockMove.objects.filter(item=created).count() == 1
    page = client.get(url("card", pk=item.pk)).content.decode()
    assert "Fiche de stock" in page and "120,00" in page  # 60 delivered × 2.00
    rows = _csv(client.get(url("card", pk=item.pk) + "?date_from=2026-03-02&export=csv"))
    assert rows[1].startswith("02/03/2026;Stock initial;;;;;;;;100,00;2,00;200,00")
    assert rows[2].split(";")[6:] == ["60,00", "2,00", "120,00", "40,00", "2,00", "80,00"]
    response = client.get(url("card", pk=item.pk) + "?export=pdf")
    assert response["Content-Type"] == "application/pdf"


def test_count_flow_through_the_screens(books, client):
    organisation, actor, item = books
    response = client.post(url("count_new"), {"date": "2026-03-31", "label": "Inventaire de mars"})
    count = StockCount.objects.get()
    assert response.status_code == 302
    line = count.lines.get()
    client.post(url("count_detail", pk=count.pk), {f"line-{line.pk}": "38"})
    line.refresh_from_db()
    assert (line.variance_quantity, line.variance_value) == (D("-2.000"), D("-4.00"))
    sheet = client.get(url("count_sheet", pk=count.pk))
    assert sheet["Content-Type"] == "application/pdf"
    assert client.get(url("count_sheet", pk=count.pk) + "?format=xlsx").status_code == 200
    response = client.post(url("count_validate", pk=count.pk), {"post": ["0", "1"]})
    count.refresh_from_db()
    assert response.status_code == 302 and count.status == "validated" and count.entry is not None


def test_other_screens_and_permissions(books, client):
    organisation, actor, item = books
    for name in ("reorder", "costs", "locations"):
        assert client.get(url(name)).status_code == 200
    assert "VIS" in client.get(url("reorder")).content.decode()
    page = client.get(url("costs"), {"lines": "A ; 100 ; 8\nB ; 40 ; 30", "ancillary": "150",
                                     "basis": "value"}).content.decode()
    assert "860,00" in page and "1\u202f290,00" in page
    response = client.post(url("locations"), {"code": "r2", "label": "Rayon 2"})
    assert response.status_code == 302
    seller = grant(make_user("vendeur"), organisation, "sales")
    viewer = Client()
    viewer.force_login(seller)
    assert viewer.get(url("items")).status_code == 200
    assert viewer.post(url("move_new"), {}).status_code == 403
    count_user = grant(make_user("achats"), organisation, "purchasing")
    buyer = Client()
    buyer.force_login(count_user)
    assert buyer.post(url("count_validate", pk=1)).status_code == 403
    employee = Client()
    employee.force_login(grant(make_user("salarie"), organisation, "employee"))
    assert employee.get(url("items")).status_code == 403
