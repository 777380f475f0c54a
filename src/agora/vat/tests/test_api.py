"""VAT API: compute without saving, draft, regularisations (French 422 naming the field), a box's lines, filing,
PDF, permissions (403 for a sales user, 404 for another organisation's return)."""

import json
from datetime import date

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.vat.models import VatReturn

from .builders import credit_note, goods_sale, make_vat_books, purchase

pytestmark = pytest.mark.django_db
BASE = "/api/v1/orgs/durand/vat"


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


def api_client(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='tests')[1]}")


@pytest.fixture
def books():
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 6, 5), "1000.00", "100.00", "9B")
    credit_note(organisation, accountant, date(2026, 6, 8), "200.00", "20.00", "9B")
    purchase(organisation, accountant, date(2026, 6, 9), "100.00", "20.00")
    return organisation, accountant


def test_compute_draft_lines_file_and_pdf(books):
    """June: 9B = 100.00 − 20.00 = 80.00 (base 800.00); 20 = 20.00; TD = 32 = 60.00, due 19 July 2026."""
    organisation, accountant = books
    api = api_client(accountant)
    computed = api.get(f"{BASE}/compute?day=2026-06-15").json()
    boxes = {box["code"]: box for box in computed["boxes"]}
    assert (computed["start_date"], computed["end_date"]) == ("2026-06-01", "2026-06-30")
    assert (boxes["9B"]["base"], boxes["9B"]["tax"], boxes["32"]["tax"]) == ("800.00", "80.00", "60.00")
    assert not VatReturn.objects.exists()
    created = send(api, "post", f"{BASE}/returns", {"start": "2026-06-01"})
    assert created.status_code == 201
    return_id = created.json()["id"]
    refused = send(api, "patch", f"{BASE}/returns/{return_id}", {"regularisation_21": "abc", "comment": "x"})
    assert refused.status_code == 422 and refused.json()["field"] == "regularisation_21"
    lines = api.get(f"{BASE}/returns/{return_id}/lines?box=9B").json()
    assert lines["count"] == 2 and lines["credit"] == "100.00" and lines["debit"] == "20.00"
    assert api.get(f"{BASE}/returns/{return_id}/lines?box=XX").status_code == 422
    filed = send(api, "post", f"{BASE}/returns/{return_id}/file").json()
    assert filed["state"] == "filed" and filed["amount_due"] == "60.00" and filed["due_date"] == "2026-07-19"
    assert send(api, "post", f"{BASE}/returns/{return_id}/file").json()["code"] == "already_filed"
    pdf = api.get(f"{BASE}/returns/{return_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(api.get(f"{BASE}/returns").json()) == 1
    draft = send(api, "post", f"{BASE}/returns", {}).json()
    assert draft["start_date"] == "2026-07-01"
    assert send(api, "delete", f"{BASE}/returns/{draft['id']}").json() == {"deleted": True}


def test_permissions(books):
    organisation, accountant = books
    vat_return = VatReturn.objects.create(organisation=organisation, start_date=date(2026, 6, 1),
                                          end_date=date(2026, 6, 30))
    seller = api_client(grant(make_user("ventes"), organisation, "sales"))
    assert seller.get(f"{BASE}/returns").status_code == 403
    manager = api_client(grant(make_user("direction"), organisation, "management"))
    assert manager.get(f"{BASE}/returns/{vat_return.pk}").status_code == 200
    assert send(manager, "post", f"{BASE}/returns/{vat_return.pk}/file").status_code == 403
    other, other_accountant = make_vat_books(slug="beta")
    foreign = VatReturn.objects.create(organisation=other, start_date=date(2026, 6, 1), end_date=date(2026, 6, 30))
    assert api_client(accountant).get(f"{BASE}/returns/{foreign.pk}").status_code == 404
