"""The stock API: items, moves (all or nothing, 422 in French), the stock card, the valuation, counts through to
validation, costs; permissions and organisation isolation."""

from datetime import date

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user

from .builders import make_item, make_product, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, actor = make_stock_books()
    item = make_item(organisation, "VIS")
    receive(organisation, actor, item, 100, "2.00", date(2026, 3, 1))
    return organisation, actor, item


def _client(user) -> Client:
    _token, raw = api_token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


BASE = "/api/v1/orgs/durand/stock"


def test_items_moves_card_and_valuation(books):
    organisation, actor, item = books
    api = _client(actor)
    listing = api.get(f"{BASE}/items").json()
    assert listing["count"] == 1 and listing["results"][0]["value"] == "200.00"
    product = make_product(organisation, "ECROU")
    created = api.post(f"{BASE}/items", {"product": product.pk, "valuation_method": "fifo", "reorder_point": "5"},
                       content_type="application/json")
    assert created.status_code == 201 and created.json()["stock_account"] == "37"
    moves = api.post(f"{BASE}/moves", {"moves": [
        {"product_id": product.pk, "quantity": "10", "kind": "receipt", "date": "2026-03-02", "unit_cost": "1.50"},
        {"product_id": item.product_id, "quantity": "30", "kind": "delivery", "date": "2026-03-03"}]},
        content_type="application/json")
    assert moves.status_code == 201 and [m["value"] for m in moves.json()] == ["15.00", "-60.00"]
    refused = api.post(f"{BASE}/moves", {"moves": [
        {"product_id": item.product_id, "quantity": "71", "kind": "delivery", "date": "2026-03-04"}]},
        content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "insufficient_stock"
    card = api.get(f"{BASE}/items/{item.pk}/card").json()
    assert [(r["out_quantity"], r["value"]) for r in card["rows"]] == [(None, "200.00"), ("30.000", "140.00")]
    csv = b"".join(api.get(f"{BASE}/items/{item.pk}/card.csv").streaming_content).decode()
    assert csv.count("\r\n") == 3
    valuation = api.get(f"{BASE}/valuation?day=2026-03-02").json()
    assert valuation["total"] == "215.00" and valuation["count"] == 2
    updated = api.patch(f"{BASE}/items/{item.pk}", {"reorder_point": "80"}, content_type="application/json")
    assert updated.json()["reorder_point"] == "80.000"
    assert [p["reference"] for p in api.get(f"{BASE}/reorder").json()] == ["VIS"]


def test_counts_and_costs(books):
    organisation, actor, item = books
    api = _client(actor)
    count = api.post(f"{BASE}/counts", {"date": "2026-03-31"}, content_type="application/json").json()
    line = count["lines"][0]
    entered = api.post(f"{BASE}/counts/{count['id']}/quantities", {"lines": [{"line": line["id"], "counted": "97"}]},
                       content_type="application/json").json()
    assert entered["lines"][0]["variance_value"] == "-6.00"
    done = api.post(f"{BASE}/counts/{count['id']}/validate", {"post": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "validated" and done.json()["entry_number"]
    cost = api.post(f"{BASE}/purchase-cost", {"lines": [{"label": "A", "quantity": "100", "unit_price": "8"},
                                                        {"label": "B", "quantity": "40", "unit_price": "30"}],
                                              "ancillary": "150", "basis": "value"}, content_type="application/json")
    assert [r["unit_cost"] for r in cost.json()] == ["8.6000", "32.2500"]


def test_permissions_and_isolation(books):
    organisation, actor, item = books
    seller = _client(grant(make_user("vendeur"), organisation, "sales"))
    assert seller.get(f"{BASE}/items").status_code == 200
    assert seller.post(f"{BASE}/moves", {"moves": []}, content_type="application/json").status_code == 403
    other, other_user = make_stock_books(slug="autre")
    assert _client(other_user).get(f"{BASE}/items").status_code == 404
    assert _client(actor).get(f"{BASE}/items/999999").status_code == 404


def test_transfers_and_bills(books):
    organisation, actor, item = books
    api = _client(actor)
    shelf = api.post(f"{BASE}/locations", {"code": "R2", "label": "Rayon 2"}, content_type="application/json").json()
    moved = api.post(f"{BASE}/transfers", {"product_id": item.product_id, "quantity": "10", "date": "2026-03-02",
                                           "from_location_id": item.default_location_id,
                                           "to_location_id": shelf["id"]}, content_type="application/json")
    assert moved.status_code == 201 and [m["quantity"] for m in moved.json()] == ["-10.000", "10.000"]
    lonely = api.post(f"{BASE}/moves", {"moves": [{"product_id": item.product_id, "quantity": "1",
                                                   "kind": "transfer_out", "date": "2026-03-03"}]},
                      content_type="application/json")
    assert lonely.status_code == 422 and lonely.json()["code"] == "unbalanced_transfer"
    finished = make_item(organisation, "TABLE", category="finished")
    bill = api.post(f"{BASE}/bills", {"item": finished.pk, "labour_hours": "1", "labour_rate": "20",
                                      "lines": [{"component": item.pk, "quantity": "4"}]},
                    content_type="application/json")
    # 4 × 2.00 + 1 h × 20.00 = 28.00 of production cost for one table
    assert bill.status_code == 201 and bill.json()["rows"][-3]["amount"] == "28.00"
    made = api.post(f"{BASE}/bills/{bill.json()['id']}/production", {"quantity": "2", "date": "2026-03-04"},
                    content_type="application/json")
    assert made.status_code == 201
