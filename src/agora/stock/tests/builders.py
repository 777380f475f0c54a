"""Test builders for stock, through the real services.

    org, storekeeper = make_stock_books()
    item = make_item(org, "VIS-M8", method="fifo")
    receive(org, storekeeper, item, 100, "10.00", date(2026, 3, 1))
    deliver(org, storekeeper, item, 30, date(2026, 3, 5))
"""

from datetime import date
from decimal import Decimal

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create, vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.stock.services.items import stock_item_create
from agora.stock.services.moves import MoveInput, stock_moves_record


def make_stock_books(*, slug: str = "durand", year: int = 2026):
    """An organisation with its books and a storekeeper (purchasing role) who is also an accountant, so that
    counts can be validated; returns (organisation, storekeeper)."""
    organisation, _accountant = make_books(slug=slug, year=year)
    vat_categories_setup(organisation=organisation)
    storekeeper = grant(make_user(f"stock-{slug}"), organisation, "purchasing", "accounting")
    return organisation, storekeeper


def make_product(organisation, reference: str, *, label: str = "", unit: str = "u", price: str = "10"):
    vat = VatCategory.objects.get(organisation=organisation, code="TVA20")
    return product_create(actor=None, organisation=organisation, data={
        "reference": reference, "label": label or f"Article {reference}", "kind": "goods", "unit": unit,
        "sale_price": price, "purchase_price": price, "vat_category": vat.pk})


def make_item(organisation, reference: str, *, method: str = "wac_perpetual", category: str = "goods", **data):
    product = make_product(organisation, reference)
    return stock_item_create(actor=None, organisation=organisation, product=product,
                             data={"valuation_method": method, "category": category, **data})


def record(organisation, actor, item, kind: str, quantity, day: date, cost=None, **extra):
    return stock_moves_record(actor=actor, organisation=organisation, moves=[MoveInput(
        product_id=item.product_id, quantity=Decimal(str(quantity)), kind=kind, date=day,
        unit_cost=Decimal(str(cost)) if cost is not None else None, **extra)])[0]


def receive(organisation, actor, item, quantity, cost, day: date, **extra):
    return record(organisation, actor, item, "receipt", quantity, day, cost, **extra)


def deliver(organisation, actor, item, quantity, day: date, **extra):
    return record(organisation, actor, item, "delivery", quantity, day, **extra)
